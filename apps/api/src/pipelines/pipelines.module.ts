import { Module } from '@nestjs/common';
import { CommandsModule } from '@app/application';
import { AddStageHandler } from './commands/add-stage.handler';
import { DefinePipelineHandler } from './commands/define-pipeline.handler';
import { RenamePipelineHandler } from './commands/rename-pipeline.handler';
import { ReorderStagesHandler } from './commands/reorder-stages.handler';
import { RetireStageHandler } from './commands/retire-stage.handler';
import { UpdateStageHandler } from './commands/update-stage.handler';
import { PipelinesController } from './pipelines.controller';
import { GetPipelineHandler } from './queries/get-pipeline.handler';
import { ListPipelinesHandler } from './queries/list-pipelines.handler';

@Module({
  imports: [CommandsModule],
  controllers: [PipelinesController],
  providers: [
    DefinePipelineHandler,
    RenamePipelineHandler,
    AddStageHandler,
    UpdateStageHandler,
    RetireStageHandler,
    ReorderStagesHandler,
    GetPipelineHandler,
    ListPipelinesHandler,
  ],
})
export class PipelinesModule {}
