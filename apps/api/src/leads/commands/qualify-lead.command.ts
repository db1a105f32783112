import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { QualifyLeadDto } from '../dto/qualify-lead.dto';

export class QualifyLeadCommand extends Command<CommandResult> {
  constructor(
    readonly leadId: string,
    readonly input: QualifyLeadDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
