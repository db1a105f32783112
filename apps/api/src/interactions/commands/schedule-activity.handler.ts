import { InteractionCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ScheduleActivityCommand } from './schedule-activity.command';

@CommandHandler(ScheduleActivityCommand)
export class ScheduleActivityHandler implements ICommandHandler<ScheduleActivityCommand> {
  constructor(private readonly interactions: InteractionCommands) {}

  execute({ target, input, meta }: ScheduleActivityCommand) {
    return this.interactions.scheduleActivity(target, input, meta);
  }
}
