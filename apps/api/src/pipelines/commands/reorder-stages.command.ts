import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { ReorderStagesDto } from '../dto/reorder-stages.dto';

export class ReorderStagesCommand extends Command<CommandResult> {
  constructor(
    readonly pipelineId: string,
    readonly input: ReorderStagesDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
