import { Text } from '../../http/fields';

export class LoseDealDto {
  @Text(500, { description: 'Why the deal was lost (required)', example: 'price' })
  reason!: string;

  @Text(200, { optional: true, description: 'Who won it instead' })
  competitor?: string;

  @Text(2000, { optional: true })
  note?: string;
}
