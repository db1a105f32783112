import { InteractionCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CancelActivityCommand } from './cancel-activity.command';

@CommandHandler(CancelActivityCommand)
export class CancelActivityHandler implements ICommandHandler<CancelActivityCommand> {
  constructor(private readonly interactions: InteractionCommands) {}

  execute({ target, activityId, input, meta }: CancelActivityCommand) {
    return this.interactions.cancelActivity(target, activityId, input, meta);
  }
}
