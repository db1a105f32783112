import { LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DisqualifyLeadCommand } from './disqualify-lead.command';

@CommandHandler(DisqualifyLeadCommand)
export class DisqualifyLeadHandler implements ICommandHandler<DisqualifyLeadCommand> {
  constructor(private readonly leads: LeadCommands) {}

  execute({ leadId, input, meta }: DisqualifyLeadCommand) {
    return this.leads.disqualify(leadId, input, meta);
  }
}
