import { CalendarDate, Money, MoneyDto, Text } from '../../http/fields';

export class QualifyLeadDto {
  @Money({ description: 'The budget the lead has for the purchase' })
  budget!: MoneyDto;

  @CalendarDate({ description: 'When the lead expects to decide (YYYY-MM-DD)', example: '2026-06-30' })
  timeline!: string;

  @Text(500, { optional: true, description: 'Who decides and signs' })
  authority?: string;

  @Text(2000, { optional: true, description: 'The need the purchase answers' })
  need?: string;

  @Text(2000, { optional: true })
  note?: string;
}
