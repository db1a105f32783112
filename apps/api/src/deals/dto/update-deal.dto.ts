import { CalendarDate, Money, MoneyDto, Text, WholeNumber } from '../../http/fields';

/** Merge semantics: only the fields sent change; null clears owner and the probability override. */
export class UpdateDealDto {
  @Text(200, { optional: true })
  title?: string;

  @Money({ optional: true, description: 'The new value (amount and currency)' })
  value?: MoneyDto;

  @CalendarDate({ optional: true, example: '2026-09-30' })
  expectedCloseDate?: string;

  @Text(200, { nullable: true, description: 'Who owns the deal; null: nobody', example: 'grace' })
  owner?: string | null;

  @WholeNumber(0, 100, {
    nullable: true,
    description: "The deal's own win probability in percent, in place of its stage's; null: use the stage's",
    example: 45,
  })
  probability?: number | null;
}
