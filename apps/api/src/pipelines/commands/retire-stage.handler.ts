import { PipelineCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RetireStageCommand } from './retire-stage.command';

@CommandHandler(RetireStageCommand)
export class RetireStageHandler implements ICommandHandler<RetireStageCommand> {
  constructor(private readonly pipelines: PipelineCommands) {}

  execute({ pipelineId, stage, input, meta }: RetireStageCommand) {
    return this.pipelines.retireStage(pipelineId, { ...input, stage }, meta);
  }
}
