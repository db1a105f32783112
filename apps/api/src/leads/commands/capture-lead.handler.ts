import { LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaptureLeadCommand } from './capture-lead.command';

@CommandHandler(CaptureLeadCommand)
export class CaptureLeadHandler implements ICommandHandler<CaptureLeadCommand> {
  constructor(private readonly leads: LeadCommands) {}

  execute({ input, meta }: CaptureLeadCommand) {
    return this.leads.capture(input, meta);
  }
}
