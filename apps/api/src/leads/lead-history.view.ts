import { ApiProperty } from '@nestjs/swagger';
import { HistoryEntryView, IntegrityView } from '../audit/history';
import { LeadStateView } from './lead.view';

class LeadHistoryEntry extends HistoryEntryView {
  @ApiProperty({ type: LeadStateView }) declare stateAfter: LeadStateView;
}

export class LeadHistory {
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ type: [LeadHistoryEntry] }) events!: LeadHistoryEntry[];
  @ApiProperty({ type: IntegrityView }) integrity!: IntegrityView;
}
