import { MAX_NOTE_LENGTH } from '@app/domain';
import { Text } from '../../http/fields';

export class CompleteActivityDto {
  @Text(500, { optional: true, description: 'What came of it', example: 'interested, wants a demo' })
  outcome?: string;

  @Text(MAX_NOTE_LENGTH, { optional: true })
  note?: string;
}
