import { DealCommands, LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RescheduleActivityCommand } from './reschedule-activity.command';
import { useCasesFor } from './interaction-target';

@CommandHandler(RescheduleActivityCommand)
export class RescheduleActivityHandler implements ICommandHandler<RescheduleActivityCommand> {
  constructor(
    private readonly leads: LeadCommands,
    private readonly deals: DealCommands,
  ) {}

  execute({ target, activityId, input, meta }: RescheduleActivityCommand) {
    return useCasesFor(target, this.leads, this.deals).rescheduleActivity(target.id, activityId, input, meta);
  }
}
