import { LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { QualifyLeadCommand } from './qualify-lead.command';

@CommandHandler(QualifyLeadCommand)
export class QualifyLeadHandler implements ICommandHandler<QualifyLeadCommand> {
  constructor(private readonly leads: LeadCommands) {}

  execute({ leadId, input, meta }: QualifyLeadCommand) {
    return this.leads.qualify(leadId, input, meta);
  }
}
