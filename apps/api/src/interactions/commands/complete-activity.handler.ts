import { DealCommands, LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CompleteActivityCommand } from './complete-activity.command';
import { useCasesFor } from './interaction-target';

@CommandHandler(CompleteActivityCommand)
export class CompleteActivityHandler implements ICommandHandler<CompleteActivityCommand> {
  constructor(
    private readonly leads: LeadCommands,
    private readonly deals: DealCommands,
  ) {}

  execute({ target, activityId, input, meta }: CompleteActivityCommand) {
    return useCasesFor(target, this.leads, this.deals).completeActivity(target.id, activityId, input, meta);
  }
}
