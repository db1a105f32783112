import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { RenamePipelineDto } from '../dto/rename-pipeline.dto';

export class RenamePipelineCommand extends Command<CommandResult> {
  constructor(
    readonly pipelineId: string,
    readonly input: RenamePipelineDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
