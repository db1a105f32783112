import { MAX_NOTE_LENGTH } from '@app/domain';
import { Text } from '../../http/fields';

export class AddNoteDto {
  @Text(MAX_NOTE_LENGTH, { description: 'What was said or learnt' })
  text!: string;
}
