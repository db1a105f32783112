import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { CaptureLeadDto } from '../dto/capture-lead.dto';

export class CaptureLeadCommand extends Command<CommandResult> {
  constructor(
    readonly input: CaptureLeadDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
