import { DealCommands, LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { useCasesFor } from './interaction-target';
import { ScheduleActivityCommand } from './schedule-activity.command';

@CommandHandler(ScheduleActivityCommand)
export class ScheduleActivityHandler implements ICommandHandler<ScheduleActivityCommand> {
  constructor(
    private readonly leads: LeadCommands,
    private readonly deals: DealCommands,
  ) {}

  execute({ target, input, meta }: ScheduleActivityCommand) {
    return useCasesFor(target, this.leads, this.deals).scheduleActivity(target.id, input, meta);
  }
}
