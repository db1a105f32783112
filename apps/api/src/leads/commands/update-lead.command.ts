import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { UpdateLeadDto } from '../dto/update-lead.dto';

export class UpdateLeadCommand extends Command<CommandResult> {
  constructor(
    readonly leadId: string,
    readonly input: UpdateLeadDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
