import { DealCommands, LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CancelActivityCommand } from './cancel-activity.command';
import { useCasesFor } from './interaction-target';

@CommandHandler(CancelActivityCommand)
export class CancelActivityHandler implements ICommandHandler<CancelActivityCommand> {
  constructor(
    private readonly leads: LeadCommands,
    private readonly deals: DealCommands,
  ) {}

  execute({ target, activityId, input, meta }: CancelActivityCommand) {
    return useCasesFor(target, this.leads, this.deals).cancelActivity(target.id, activityId, input, meta);
  }
}
