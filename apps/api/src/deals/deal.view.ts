import { type ExistingDeal, type PipelineState, findStage, rottingSince } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { MoneyDto } from '../http/fields';
import {
  LAST_ACTIVITY_AT,
  NEXT_ACTIVITY,
  NextActivityView,
  followUpsOf,
} from '../interactions/activity.view';

export class DealView {
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ description: 'The pipeline the deal is worked in', example: 'default' })
  pipelineId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The lead's personal data: masked (***) for keys that may not see it; null once the lead is erased",
  })
  title!: string | null;
  @ApiProperty({ type: MoneyDto }) value!: MoneyDto;
  @ApiProperty({ description: "A stage of the deal's pipeline (the one it closed in, once closed)" })
  stage!: string;
  @ApiProperty({ enum: ['open', 'won', 'lost'] }) status!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 100,
    description: "The win probability in effect (percent): the deal's own override, else its stage's",
  })
  probability!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 100,
    nullable: true,
    description: "The deal's own win probability in place of its stage's; null when the stage's applies",
  })
  probabilityOverride!: number | null;
  @ApiProperty({ format: 'date' }) expectedCloseDate!: string;
  @ApiProperty({ type: String, nullable: true }) owner!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lostReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) competitor!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it was last reopened',
  })
  reopenedAt!: string | null;
  @ApiProperty(LAST_ACTIVITY_AT) lastActivityAt!: string | null;
  @ApiProperty(NEXT_ACTIVITY) nextActivity!: NextActivityView | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'Since when the open deal has been rotting at the moment shown (now, or asOf): nobody touched it (a stage ' +
      "change, a note, a completed activity) for its stage's rottenAfterDays; null when it is not rotting",
  })
  rottingSince!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Revision of the deal stream; also the ETag' })
  revision!: number;
}

/** What a deal's view takes from its stage, as the stage stood at the moment shown. */
export interface StageTerms {
  readonly probability: number;
  readonly rottenAfterDays: number | null;
}

/** The terms of a stage of a pipeline as it stood; a stage or pipeline not known has none. */
export function stageTermsIn(pipeline: PipelineState | undefined, stage: string): StageTerms {
  const found = pipeline?.status === 'defined' ? findStage(pipeline, stage) : undefined;
  return { probability: found?.probability ?? 0, rottenAfterDays: found?.rottenAfterDays ?? null };
}

/** The deal as clients see it at a moment (ISO instant): now, asOf, or the time of an event of its history. */
export const toDealView = (
  deal: ExistingDeal,
  revision: number,
  stage: StageTerms,
  at: string,
): DealView => ({
  dealId: deal.dealId,
  leadId: deal.leadId,
  pipelineId: deal.pipelineId,
  title: deal.title,
  value: deal.value,
  stage: deal.stage,
  status: deal.status,
  probability: deal.probabilityOverride ?? stage.probability,
  probabilityOverride: deal.probabilityOverride,
  expectedCloseDate: deal.expectedCloseDate,
  owner: deal.owner,
  createdAt: deal.createdAt,
  closedAt: deal.closedAt,
  lostReason: deal.lostReason,
  competitor: deal.competitor,
  reopenedAt: deal.reopenedAt,
  ...followUpsOf(deal.interactions),
  rottingSince: rottingSince(deal, stage.rottenAfterDays, at),
  revision,
});

export class DealPageView {
  @ApiProperty({ type: [DealView] }) items!: DealView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last',
  })
  nextCursor!: string | null;
}
