import type { ExistingDeal } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { MoneyDto } from '../http/fields';

export class DealView {
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: MoneyDto }) value!: MoneyDto;
  @ApiProperty({ enum: ['qualification', 'demo', 'proposal', 'negotiation'] }) stage!: string;
  @ApiProperty({ enum: ['open', 'won', 'lost'] }) status!: string;
  @ApiProperty({ format: 'date' }) expectedCloseDate!: string;
  @ApiProperty({ type: String, nullable: true }) owner!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lostReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) competitor!: string | null;
  @ApiProperty({ description: 'Revision of the deal stream; also the ETag' }) revision!: number;
}

export const toDealView = (deal: ExistingDeal, revision: number): DealView => ({
  dealId: deal.dealId,
  leadId: deal.leadId,
  title: deal.title,
  value: deal.value,
  stage: deal.stage,
  status: deal.status,
  expectedCloseDate: deal.expectedCloseDate,
  owner: deal.owner,
  createdAt: deal.createdAt,
  closedAt: deal.closedAt,
  lostReason: deal.lostReason,
  competitor: deal.competitor,
  revision,
});
