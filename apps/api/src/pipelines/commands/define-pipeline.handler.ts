import { PipelineCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DefinePipelineCommand } from './define-pipeline.command';

@CommandHandler(DefinePipelineCommand)
export class DefinePipelineHandler implements ICommandHandler<DefinePipelineCommand> {
  constructor(private readonly pipelines: PipelineCommands) {}

  execute({ input, meta }: DefinePipelineCommand) {
    return this.pipelines.define(input, meta);
  }
}
