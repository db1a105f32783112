import { BANDS, type Band, type CapturedLead } from '@app/domain';
import { ApiProperty, OmitType } from '@nestjs/swagger';
import { MoneyDto } from '../http/fields';
import {
  LAST_ACTIVITY_AT,
  NEXT_ACTIVITY,
  NextActivityView,
  followUpsOf,
} from '../interactions/activity.view';

class QualificationView {
  @ApiProperty({ type: MoneyDto }) budget!: MoneyDto;
  @ApiProperty({ format: 'date' }) timeline!: string;
  @ApiProperty({ type: String, nullable: true }) authority!: string | null;
  @ApiProperty({ type: String, nullable: true }) need!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ format: 'date-time' }) qualifiedAt!: string;
}

export class ErasureView {
  @ApiProperty({ format: 'date-time', description: 'When the personal data was erased' }) at!: string;
  @ApiProperty({ description: 'Why, as the admin who erased it gave it' }) reason!: string;
}

const PERSONAL = 'Personal data: masked (***) for keys that may not see it; null once erased.';

class DisqualificationView {
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ format: 'date-time' }) disqualifiedAt!: string;
}

export class LeadView {
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ enum: ['captured', 'qualified', 'disqualified'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: PERSONAL }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, description: PERSONAL }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, description: PERSONAL }) company!: string | null;
  @ApiProperty({ type: String, nullable: true, description: PERSONAL }) phone!: string | null;
  @ApiProperty() source!: string;
  @ApiProperty({ type: String, nullable: true }) campaign!: string | null;
  @ApiProperty({ type: String, nullable: true }) interest!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: String, nullable: true, description: 'Who works the lead' }) owner!: string | null;
  @ApiProperty({ format: 'date-time' }) capturedAt!: string;
  @ApiProperty({ type: QualificationView, nullable: true }) qualification!: QualificationView | null;
  @ApiProperty({ type: DisqualificationView, nullable: true }) disqualification!: DisqualificationView | null;
  @ApiProperty(LAST_ACTIVITY_AT) lastActivityAt!: string | null;
  @ApiProperty(NEXT_ACTIVITY) nextActivity!: NextActivityView | null;
  @ApiProperty({
    type: ErasureView,
    nullable: true,
    description:
      "When and why the person's data was erased (POST /leads/{leadId}/erase); null while it is held",
  })
  erased!: ErasureView | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Revision of the lead stream; also the ETag' })
  revision!: number;
  @ApiProperty({
    type: 'integer',
    description:
      "The lead's score at the moment shown (now, asOf, or a list's moment), by the rule set in effect; GET /leads/{leadId}/score explains it",
  })
  score!: number;
  @ApiProperty({ type: 'integer', description: 'The points of the fit rules the lead matches' })
  fit!: number;
  @ApiProperty({
    description:
      'The points of its notes and completed activities, decayed to the moment shown (two decimals)',
  })
  engagement!: number;
  @ApiProperty({ enum: BANDS, description: "The score's band, by the rule set's thresholds" })
  band!: Band;
}

/** A lead as its stream folds it, without a score: what its history shows after each event. */
export class LeadStateView extends OmitType(LeadView, ['score', 'fit', 'engagement', 'band'] as const) {}

/** A lead's score, its parts and its band at the moment a view shows it. */
export interface LeadScoreFields {
  readonly score: number;
  readonly fit: number;
  readonly engagement: number;
  readonly band: Band;
}

export const toLeadView = (lead: CapturedLead, revision: number): LeadStateView => ({
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
  ...followUpsOf(lead.interactions),
  erased: lead.erased,
  revision,
});

export const toScoredLeadView = (
  lead: CapturedLead,
  revision: number,
  scored: LeadScoreFields,
): LeadView => ({
  ...toLeadView(lead, revision),
  score: scored.score,
  fit: scored.fit,
  engagement: scored.engagement,
  band: scored.band,
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
