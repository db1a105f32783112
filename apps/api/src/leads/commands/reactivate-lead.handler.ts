import { LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ReactivateLeadCommand } from './reactivate-lead.command';

@CommandHandler(ReactivateLeadCommand)
export class ReactivateLeadHandler implements ICommandHandler<ReactivateLeadCommand> {
  constructor(private readonly leads: LeadCommands) {}

  execute({ leadId, input, meta }: ReactivateLeadCommand) {
    return this.leads.reactivate(leadId, input, meta);
  }
}
