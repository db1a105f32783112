import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { UpdateStageDto } from '../dto/update-stage.dto';

export class UpdateStageCommand extends Command<CommandResult> {
  constructor(
    readonly pipelineId: string,
    readonly stage: string,
    readonly input: UpdateStageDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
