import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { ReactivateLeadDto } from '../dto/reactivate-lead.dto';

export class ReactivateLeadCommand extends Command<CommandResult> {
  constructor(
    readonly leadId: string,
    readonly input: ReactivateLeadDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
