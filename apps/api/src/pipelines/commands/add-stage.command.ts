import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { AddStageDto } from '../dto/add-stage.dto';

export class AddStageCommand extends Command<CommandResult> {
  constructor(
    readonly pipelineId: string,
    readonly input: AddStageDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
