import type { CapturedLead } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { MoneyDto } from '../http/fields';

class QualificationView {
  @ApiProperty({ type: MoneyDto }) budget!: MoneyDto;
  @ApiProperty({ format: 'date' }) timeline!: string;
  @ApiProperty({ type: String, nullable: true }) authority!: string | null;
  @ApiProperty({ type: String, nullable: true }) need!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ format: 'date-time' }) qualifiedAt!: string;
}

class DisqualificationView {
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ format: 'date-time' }) disqualifiedAt!: string;
}

export class LeadView {
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ enum: ['captured', 'qualified', 'disqualified'] }) status!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ type: String, nullable: true }) company!: string | null;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty() source!: string;
  @ApiProperty({ type: String, nullable: true }) campaign!: string | null;
  @ApiProperty({ type: String, nullable: true }) interest!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: String, nullable: true, description: 'Who works the lead' }) owner!: string | null;
  @ApiProperty({ format: 'date-time' }) capturedAt!: string;
  @ApiProperty({ type: QualificationView, nullable: true }) qualification!: QualificationView | null;
  @ApiProperty({ type: DisqualificationView, nullable: true }) disqualification!: DisqualificationView | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Revision of the lead stream; also the ETag' })
  revision!: number;
}

export const toLeadView = (lead: CapturedLead, revision: number): LeadView => ({
  leadId: lead.leadId,
  status: lead.status,
  name: lead.name,
  email: lead.email,
  company: lead.company,
  phone: lead.phone,
  source: lead.source,
  campaign: lead.campaign,
  interest: lead.interest,
  tags: [...lead.tags],
  owner: lead.owner,
  capturedAt: lead.capturedAt,
  qualification: lead.qualification,
  disqualification: lead.disqualification,
  revision,
});

export class LeadPageView {
  @ApiProperty({ type: [LeadView] }) items!: LeadView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last',
  })
  nextCursor!: string | null;
}
