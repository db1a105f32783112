import { PipelineCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AddStageCommand } from './add-stage.command';

@CommandHandler(AddStageCommand)
export class AddStageHandler implements ICommandHandler<AddStageCommand> {
  constructor(private readonly pipelines: PipelineCommands) {}

  execute({ pipelineId, input, meta }: AddStageCommand) {
    return this.pipelines.addStage(pipelineId, input, meta);
  }
}
