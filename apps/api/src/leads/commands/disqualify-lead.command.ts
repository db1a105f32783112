import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { DisqualifyLeadDto } from '../dto/disqualify-lead.dto';

export class DisqualifyLeadCommand extends Command<CommandResult> {
  constructor(
    readonly leadId: string,
    readonly input: DisqualifyLeadDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
