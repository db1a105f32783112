import { CalendarDate, Money, MoneyDto, Text, Uuid } from '../../http/fields';

export class CreateDealDto {
  @Uuid({
    optional: true,
    description:
      "A lead converts into exactly one deal, whose id is derived from the lead's id; if you send dealId it must be that id",
  })
  dealId?: string;

  @Uuid({ description: 'The qualified lead the deal comes from' })
  leadId!: string;

  @Text(200, { example: 'Pipeline analytics for Analytical Engines' })
  title!: string;

  @Money()
  value!: MoneyDto;

  @CalendarDate({ example: '2026-06-30' })
  expectedCloseDate!: string;

  @Text(200, { optional: true, example: 'grace' })
  owner?: string;
}
