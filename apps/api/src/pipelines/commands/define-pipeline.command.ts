import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { DefinePipelineDto } from '../dto/define-pipeline.dto';

export class DefinePipelineCommand extends Command<CommandResult> {
  constructor(
    readonly input: DefinePipelineDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
