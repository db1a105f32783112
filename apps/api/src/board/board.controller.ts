import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/access-policy';
import { MaskPersonalData } from '../access/personal-data';
import { MinPosition } from '../http/min-position.decorator';
import { QueryDocs } from '../http/openapi-docs';
import { BoardQueryDto, CARDS_PER_STAGE, toMoment } from '../http/query-fields';
import { SlugPipe } from '../http/slug.pipe';
import { PipelineBoardView } from './board.view';
import { GetBoardQuery } from './queries/get-board.query';

/** A pipeline's board: what a pipeline view (a kanban) shows, in one request. */
@ApiTags('pipelines')
@Controller('pipelines')
export class BoardController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':pipelineId/board')
  @ApiOperation({
    operationId: 'getPipelineBoard',
    summary: "A pipeline's board: its report and the first open deals of each stage; now or as of a moment",
    description:
      'The figures of GET /analytics/pipeline and, per stage of it, the first page of GET /deals?status=open ' +
      'in that stage, read together. Keys of analysts, and service keys issued without personalData, see the ' +
      "deals' titles as ***",
  })
  @Allow('analytics', { asOf: 'histories' })
  @UseInterceptors(MaskPersonalData)
  @QueryDocs()
  @ApiOkResponse({
    type: PipelineBoardView,
    description: 'The board; unknown pipeline (or one that did not exist at asOf): 404',
  })
  board(
    @Param('pipelineId', SlugPipe) pipelineId: string,
    @Query() query: BoardQueryDto,
    @MinPosition() minPosition: bigint | undefined,
  ) {
    return this.queries.execute(
      new GetBoardQuery(pipelineId, query.cardsPerStage ?? CARDS_PER_STAGE, {
        asOf: toMoment(query.asOf),
        minPosition,
      }),
    );
  }
}
