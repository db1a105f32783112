import { PipelineCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RenamePipelineCommand } from './rename-pipeline.command';

@CommandHandler(RenamePipelineCommand)
export class RenamePipelineHandler implements ICommandHandler<RenamePipelineCommand> {
  constructor(private readonly pipelines: PipelineCommands) {}

  execute({ pipelineId, input, meta }: RenamePipelineCommand) {
    return this.pipelines.rename(pipelineId, input, meta);
  }
}
