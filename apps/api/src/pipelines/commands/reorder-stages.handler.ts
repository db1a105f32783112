import { PipelineCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ReorderStagesCommand } from './reorder-stages.command';

@CommandHandler(ReorderStagesCommand)
export class ReorderStagesHandler implements ICommandHandler<ReorderStagesCommand> {
  constructor(private readonly pipelines: PipelineCommands) {}

  execute({ pipelineId, input, meta }: ReorderStagesCommand) {
    return this.pipelines.reorderStages(pipelineId, input, meta);
  }
}
