import { LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UpdateLeadCommand } from './update-lead.command';

@CommandHandler(UpdateLeadCommand)
export class UpdateLeadHandler implements ICommandHandler<UpdateLeadCommand> {
  constructor(private readonly leads: LeadCommands) {}

  execute({ leadId, input, meta }: UpdateLeadCommand) {
    return this.leads.update(leadId, input, meta);
  }
}
