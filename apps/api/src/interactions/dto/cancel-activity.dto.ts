import { Text } from '../../http/fields';

export class CancelActivityDto {
  @Text(500, { optional: true })
  reason?: string;
}
