import { Text } from '../../http/fields';

export class ReopenDealDto {
  @Text(500, {
    description: 'Why the won or lost deal is open again (required)',
    example: 'customer came back',
  })
  reason!: string;
}
