import { PipelineCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UpdateStageCommand } from './update-stage.command';

@CommandHandler(UpdateStageCommand)
export class UpdateStageHandler implements ICommandHandler<UpdateStageCommand> {
  constructor(private readonly pipelines: PipelineCommands) {}

  execute({ pipelineId, stage, input, meta }: UpdateStageCommand) {
    return this.pipelines.updateStage(pipelineId, { ...input, stage }, meta);
  }
}
