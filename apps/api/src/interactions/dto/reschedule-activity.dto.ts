import { Moment } from './moment.field';

export class RescheduleActivityDto {
  @Moment('When it is due now')
  dueAt!: string;
}
