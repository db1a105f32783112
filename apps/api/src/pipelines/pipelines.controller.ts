import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '@app/application';
import { CommandResultDto } from '../http/command-result.dto';
import { MinPosition } from '../http/min-position.decorator';
import { CommandDocs, QueryDocs } from '../http/openapi-docs';
import { AsOfQueryDto, ReadQueryDto, toMoment } from '../http/query-fields';
import { RequestMeta } from '../http/request-meta.decorator';
import { SlugPipe } from '../http/slug.pipe';
import { AddStageCommand } from './commands/add-stage.command';
import { DefinePipelineCommand } from './commands/define-pipeline.command';
import { RenamePipelineCommand } from './commands/rename-pipeline.command';
import { ReorderStagesCommand } from './commands/reorder-stages.command';
import { RetireStageCommand } from './commands/retire-stage.command';
import { UpdateStageCommand } from './commands/update-stage.command';
import { AddStageDto } from './dto/add-stage.dto';
import { DefinePipelineDto } from './dto/define-pipeline.dto';
import { RenamePipelineDto } from './dto/rename-pipeline.dto';
import { ReorderStagesDto } from './dto/reorder-stages.dto';
import { RetireStageDto } from './dto/retire-stage.dto';
import { UpdateStageDto } from './dto/update-stage.dto';
import { PipelineList, PipelineView } from './pipeline.view';
import { GetPipelineQuery } from './queries/get-pipeline.query';
import { ListPipelinesQuery } from './queries/list-pipelines.query';
import { Allow } from '../access/access-policy';

/**
 * Pipelines are configuration in the log: stages are added, renamed, re-weighted, reordered or retired, never
 * deleted, so every deal's history resolves. The default pipeline (`default`) exists from the start.
 */
@ApiTags('pipelines')
@Controller('pipelines')
export class PipelinesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'definePipeline', summary: 'Define a pipeline and its stages' })
  @Allow('configuration')
  @CommandDocs()
  @ApiCreatedResponse({ type: CommandResultDto, description: 'The pipeline was defined' })
  define(@Body() body: DefinePipelineDto, @RequestMeta() meta: CommandMeta) {
    return this.commands.execute(new DefinePipelineCommand(body, meta));
  }

  @Patch(':pipelineId')
  @ApiOperation({ operationId: 'renamePipeline', summary: 'Rename a pipeline' })
  @Allow('configuration')
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'The pipeline was renamed (the same name changes nothing)',
  })
  rename(
    @Param('pipelineId', SlugPipe) pipelineId: string,
    @Body() body: RenamePipelineDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new RenamePipelineCommand(pipelineId, body, meta));
  }

  @Post(':pipelineId/stages')
  @ApiOperation({ operationId: 'addStage', summary: 'Add a stage to a pipeline' })
  @Allow('configuration')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The stage was added, after the one named or last' })
  addStage(
    @Param('pipelineId', SlugPipe) pipelineId: string,
    @Body() body: AddStageDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new AddStageCommand(pipelineId, body, meta));
  }

  @Patch(':pipelineId/stages/:stage')
  @ApiOperation({
    operationId: 'updateStage',
    summary: "Change a stage's name, probability or rotting period",
  })
  @Allow('configuration')
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description:
      "The stage's fields sent changed, one event per changed field; reports use the new probability",
  })
  updateStage(
    @Param('pipelineId', SlugPipe) pipelineId: string,
    @Param('stage', SlugPipe) stage: string,
    @Body() body: UpdateStageDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new UpdateStageCommand(pipelineId, stage, body, meta));
  }

  @Post(':pipelineId/stages/:stage/retire')
  @ApiOperation({ operationId: 'retireStage', summary: 'Retire a stage: it takes no new deals' })
  @Allow('configuration')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description:
      'The stage takes no new deals; deals in it stay and may move out. The last active stage stays.',
  })
  retireStage(
    @Param('pipelineId', SlugPipe) pipelineId: string,
    @Param('stage', SlugPipe) stage: string,
    @Body() body: RetireStageDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new RetireStageCommand(pipelineId, stage, body, meta));
  }

  @Put(':pipelineId/stage-order')
  @ApiOperation({ operationId: 'reorderStages', summary: "Put a pipeline's stages in a new order" })
  @Allow('configuration')
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The stages are in the new order' })
  reorderStages(
    @Param('pipelineId', SlugPipe) pipelineId: string,
    @Body() body: ReorderStagesDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new ReorderStagesCommand(pipelineId, body, meta));
  }

  @Get()
  @ApiOperation({ operationId: 'listPipelines', summary: 'List the pipelines with their stages' })
  @Allow('reads', { asOf: 'histories' })
  @QueryDocs()
  @ApiOkResponse({ type: PipelineList, description: 'Every pipeline with its stages' })
  list(@Query() _query: ReadQueryDto, @MinPosition() minPosition: bigint | undefined) {
    return this.queries.execute(new ListPipelinesQuery(minPosition));
  }

  @Get(':pipelineId')
  @ApiOperation({
    operationId: 'getPipeline',
    summary: "A pipeline's configuration, or as it was at a past moment (asOf)",
  })
  @Allow('reads', { asOf: 'histories' })
  @QueryDocs()
  @ApiOkResponse({ type: PipelineView, description: "The pipeline's configuration; ETag holds its revision" })
  get(@Param('pipelineId', SlugPipe) pipelineId: string, @Query() query: AsOfQueryDto) {
    return this.queries.execute(new GetPipelineQuery(pipelineId, toMoment(query.asOf)));
  }
}
