import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { RetireStageDto } from '../dto/retire-stage.dto';

export class RetireStageCommand extends Command<CommandResult> {
  constructor(
    readonly pipelineId: string,
    readonly stage: string,
    readonly input: RetireStageDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
