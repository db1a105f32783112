import { Text } from '../../http/fields';

export class ReactivateLeadDto {
  @Text(500, {
    description: 'Why the disqualified lead is worked again (required)',
    example: 'budget approved',
  })
  reason!: string;
}
