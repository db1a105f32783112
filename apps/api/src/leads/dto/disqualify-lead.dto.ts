import { DISQUALIFICATION_REASONS, type DisqualificationReason } from '@app/domain';
import { OneOf, Text } from '../../http/fields';

export class DisqualifyLeadDto {
  @OneOf(DISQUALIFICATION_REASONS)
  reason!: DisqualificationReason;

  @Text(2000, { optional: true })
  note?: string;
}
