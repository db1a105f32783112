import type { ExistingDeal } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { MoneyDto } from '../http/fields';

export class DealView {
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ description: 'The pipeline the deal is worked in', example: 'default' })
  pipelineId!: string;
  @ApiProperty() title!: string;
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
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Revision of the deal stream; also the ETag' })
  revision!: number;
}

/** The deal as clients see it; `stageProbability` is its stage's probability at the moment shown. */
export const toDealView = (deal: ExistingDeal, revision: number, stageProbability: number): DealView => ({
  dealId: deal.dealId,
  leadId: deal.leadId,
  pipelineId: deal.pipelineId,
  title: deal.title,
  value: deal.value,
  stage: deal.stage,
  status: deal.status,
  probability: deal.probabilityOverride ?? stageProbability,
  probabilityOverride: deal.probabilityOverride,
  expectedCloseDate: deal.expectedCloseDate,
  owner: deal.owner,
  createdAt: deal.createdAt,
  closedAt: deal.closedAt,
  lostReason: deal.lostReason,
  competitor: deal.competitor,
  reopenedAt: deal.reopenedAt,
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
