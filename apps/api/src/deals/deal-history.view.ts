import { ApiProperty } from '@nestjs/swagger';
import { HistoryEntryView, IntegrityView } from '../audit/history';
import { DealView } from './deal.view';

class DealHistoryEntry extends HistoryEntryView {
  @ApiProperty({ type: DealView }) declare stateAfter: DealView;
}

export class DealHistory {
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty({ type: [DealHistoryEntry] }) events!: DealHistoryEntry[];
  @ApiProperty({ type: IntegrityView }) integrity!: IntegrityView;
}
