import { ACTIVITY_TYPES, MAX_SUBJECT_LENGTH } from '@app/domain';
import { OneOf, Text, Uuid } from '../../http/fields';
import { Moment } from './moment.field';

export class ScheduleActivityDto {
  @Uuid({
    optional: true,
    description:
      "The client's own id for the activity, so that a retry cannot schedule it twice; made by the service when " +
      'absent (the same one for a retry with the same Idempotency-Key)',
  })
  activityId?: string;

  @OneOf(ACTIVITY_TYPES)
  type!: string;

  @Text(MAX_SUBJECT_LENGTH, { description: 'What to do', example: 'Call about the proposal' })
  subject!: string;

  @Moment('When it is due')
  dueAt!: string;

  @Text(200, {
    optional: true,
    description: "Who should do it; absent: the lead's or deal's owner, if it has one",
  })
  assignee?: string;
}
