import { InteractionCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CompleteActivityCommand } from './complete-activity.command';

@CommandHandler(CompleteActivityCommand)
export class CompleteActivityHandler implements ICommandHandler<CompleteActivityCommand> {
  constructor(private readonly interactions: InteractionCommands) {}

  execute({ target, activityId, input, meta }: CompleteActivityCommand) {
    return this.interactions.completeActivity(target, activityId, input, meta);
  }
}
