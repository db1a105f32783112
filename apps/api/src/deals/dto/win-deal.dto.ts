import { Text } from '../../http/fields';

export class WinDealDto {
  @Text(2000, { optional: true })
  note?: string;
}
