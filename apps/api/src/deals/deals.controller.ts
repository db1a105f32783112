import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '@app/application';
import { CommandResultDto } from '../http/command-result.dto';
import { CommandDocs, QueryDocs } from '../http/openapi-docs';
import { MinPosition } from '../http/min-position.decorator';
import { ListDealsQueryDto, AsOfQueryDto, ReadQueryDto, toMoment } from '../http/query-fields';
import { RequestMeta } from '../http/request-meta.decorator';
import { UuidPipe } from '../http/uuid.pipe';
import { AdvanceStageCommand } from './commands/advance-stage.command';
import { CreateDealCommand } from './commands/create-deal.command';
import { LoseDealCommand } from './commands/lose-deal.command';
import { MoveDealToPipelineCommand } from './commands/move-deal-to-pipeline.command';
import { MoveDealCommand } from './commands/move-deal.command';
import { ReopenDealCommand } from './commands/reopen-deal.command';
import { UpdateDealCommand } from './commands/update-deal.command';
import { WinDealCommand } from './commands/win-deal.command';
import { DealPageView, DealView } from './deal.view';
import { AdvanceStageDto } from './dto/advance-stage.dto';
import { CreateDealDto } from './dto/create-deal.dto';
import { LoseDealDto } from './dto/lose-deal.dto';
import { MoveDealToPipelineDto } from './dto/move-deal-to-pipeline.dto';
import { MoveDealDto } from './dto/move-deal.dto';
import { ReopenDealDto } from './dto/reopen-deal.dto';
import { UpdateDealDto } from './dto/update-deal.dto';
import { WinDealDto } from './dto/win-deal.dto';
import { GetDealHistoryQuery } from './queries/get-deal-history.query';
import { GetDealQuery } from './queries/get-deal.query';
import { DealHistory } from './deal-history.view';
import { ListDealsQuery } from './queries/list-deals.query';
import { Allow } from '../access/access-policy';
import { MaskPersonalData } from '../access/personal-data';

@ApiTags('deals')
@Controller('deals')
export class DealsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'createDeal', summary: 'Create a deal for a qualified lead' })
  @Allow('commands')
  @CommandDocs()
  @ApiCreatedResponse({
    type: CommandResultDto,
    description:
      "The deal was created for the qualified lead, in its pipeline's first active stage or the one given",
  })
  create(@Body() body: CreateDealDto, @RequestMeta() meta: CommandMeta) {
    return this.commands.execute(new CreateDealCommand(body, meta));
  }

  @Post(':dealId/advance')
  @ApiOperation({ operationId: 'advanceDeal', summary: 'Advance a deal to a later stage' })
  @Allow('commands')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'The deal moved forward to a later stage (StageAdvanced); a stage it is in or before is 409',
  })
  advance(
    @Param('dealId', UuidPipe) dealId: string,
    @Body() body: AdvanceStageDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new AdvanceStageCommand(dealId, body, meta));
  }

  @Post(':dealId/move')
  @ApiOperation({
    operationId: 'moveDeal',
    summary: 'Move a deal to another stage of its pipeline, forward or back',
  })
  @Allow('commands')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description:
      'The deal moved to another active stage of its pipeline: forward records StageAdvanced, backward StageReverted',
  })
  move(
    @Param('dealId', UuidPipe) dealId: string,
    @Body() body: MoveDealDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new MoveDealCommand(dealId, body, meta));
  }

  @Patch(':dealId')
  @ApiOperation({
    operationId: 'updateDeal',
    summary: "Change a deal's title, value, expected close date, owner or probability",
  })
  @Allow('commands')
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description:
      'The fields sent changed, one event per changed field (with the old and new value) in one atomic append; ' +
      'a field sent with the value it has changes nothing',
  })
  update(
    @Param('dealId', UuidPipe) dealId: string,
    @Body() body: UpdateDealDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new UpdateDealCommand(dealId, body, meta));
  }

  @Post(':dealId/reopen')
  @ApiOperation({ operationId: 'reopenDeal', summary: 'Reopen a won or lost deal' })
  @Allow('commands')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'The won or lost deal is open again, in the stage it closed in',
  })
  reopen(
    @Param('dealId', UuidPipe) dealId: string,
    @Body() body: ReopenDealDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new ReopenDealCommand(dealId, body, meta));
  }

  @Post(':dealId/pipeline')
  @ApiOperation({ operationId: 'moveDealToPipeline', summary: 'Move an open deal to another pipeline' })
  @Allow('commands')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'The open deal moved to a stage of another pipeline',
  })
  moveToPipeline(
    @Param('dealId', UuidPipe) dealId: string,
    @Body() body: MoveDealToPipelineDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new MoveDealToPipelineCommand(dealId, body, meta));
  }

  @Post(':dealId/win')
  @ApiOperation({ operationId: 'winDeal', summary: 'Win a deal' })
  @Allow('commands')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The deal was won' })
  win(@Param('dealId', UuidPipe) dealId: string, @Body() body: WinDealDto, @RequestMeta() meta: CommandMeta) {
    return this.commands.execute(new WinDealCommand(dealId, body, meta));
  }

  @Post(':dealId/lose')
  @ApiOperation({ operationId: 'loseDeal', summary: 'Lose a deal, with the reason' })
  @Allow('commands')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The deal was lost' })
  lose(
    @Param('dealId', UuidPipe) dealId: string,
    @Body() body: LoseDealDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new LoseDealCommand(dealId, body, meta));
  }

  @Get()
  @ApiOperation({
    operationId: 'listDeals',
    summary: 'List deals, newest first, a page at a time; now or as of a past moment (asOf)',
    description:
      "Keys of analysts, and service keys issued without personalData, see the title (the lead's personal data) as ***",
  })
  @Allow('reads', { asOf: 'histories' })
  @UseInterceptors(MaskPersonalData)
  @QueryDocs()
  @ApiOkResponse({
    type: DealPageView,
    description:
      'A page of deals, newest first, with nextCursor for the next page; rotting=true: the open deals rotting ' +
      "at the list's moment (now, or asOf)",
  })
  list(@Query() filters: ListDealsQueryDto, @MinPosition() minPosition: bigint | undefined) {
    return this.queries.execute(new ListDealsQuery(filters, { asOf: toMoment(filters.asOf), minPosition }));
  }

  @Get(':dealId/history')
  @ApiOperation({
    operationId: 'getDealHistory',
    summary: "A deal's events in order, with the state after each",
  })
  @Allow('histories')
  @QueryDocs()
  @ApiOkResponse({
    type: DealHistory,
    description:
      'Every event in order with its metadata and the state after it, and the integrity of the chain',
  })
  history(@Param('dealId', UuidPipe) dealId: string, @Query() _query: ReadQueryDto) {
    return this.queries.execute(new GetDealHistoryQuery(dealId));
  }

  @Get(':dealId')
  @ApiOperation({
    operationId: 'getDeal',
    summary: "A deal's current state, or its state at a past moment (asOf)",
    description:
      "Keys of analysts, and service keys issued without personalData, see the title (the lead's personal data) as ***",
  })
  @Allow('reads', { asOf: 'histories' })
  @UseInterceptors(MaskPersonalData)
  @QueryDocs()
  @ApiOkResponse({ type: DealView, description: "The deal's current state; ETag holds its revision" })
  get(@Param('dealId', UuidPipe) dealId: string, @Query() query: AsOfQueryDto) {
    return this.queries.execute(new GetDealQuery(dealId, toMoment(query.asOf)));
  }
}
