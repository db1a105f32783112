import { InteractionCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RescheduleActivityCommand } from './reschedule-activity.command';

@CommandHandler(RescheduleActivityCommand)
export class RescheduleActivityHandler implements ICommandHandler<RescheduleActivityCommand> {
  constructor(private readonly interactions: InteractionCommands) {}

  execute({ target, activityId, input, meta }: RescheduleActivityCommand) {
    return this.interactions.rescheduleActivity(target, activityId, input, meta);
  }
}
