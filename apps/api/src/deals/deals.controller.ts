import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '@app/application';
import { CommandResultDto } from '../http/command-result.dto';
import { CommandDocs, QueryDocs } from '../http/openapi-docs';
import { MinPosition } from '../http/min-position.decorator';
import { ListDealsQueryDto, AsOfQueryDto, ReadQueryDto } from '../http/query-fields';
import { RequestMeta } from '../http/request-meta.decorator';
import { UuidPipe } from '../http/uuid.pipe';
import { AdvanceStageCommand } from './commands/advance-stage.command';
import { CreateDealCommand } from './commands/create-deal.command';
import { LoseDealCommand } from './commands/lose-deal.command';
import { WinDealCommand } from './commands/win-deal.command';
import { DealView } from './deal.view';
import { AdvanceStageDto } from './dto/advance-stage.dto';
import { CreateDealDto } from './dto/create-deal.dto';
import { LoseDealDto } from './dto/lose-deal.dto';
import { WinDealDto } from './dto/win-deal.dto';
import { GetDealHistoryQuery } from './queries/get-deal-history.query';
import { GetDealQuery } from './queries/get-deal.query';
import { DealHistory } from './deal-history.view';
import { ListDealsQuery } from './queries/list-deals.query';

@ApiTags('deals')
@Controller('deals')
export class DealsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @CommandDocs()
  @ApiCreatedResponse({ type: CommandResultDto, description: 'The deal was created for the qualified lead' })
  create(@Body() body: CreateDealDto, @RequestMeta() meta: CommandMeta) {
    return this.commands.execute(new CreateDealCommand(body, meta));
  }

  @Post(':dealId/advance')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The deal moved to a later stage' })
  advance(
    @Param('dealId', UuidPipe) dealId: string,
    @Body() body: AdvanceStageDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new AdvanceStageCommand(dealId, body, meta));
  }

  @Post(':dealId/win')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The deal was won' })
  win(@Param('dealId', UuidPipe) dealId: string, @Body() body: WinDealDto, @RequestMeta() meta: CommandMeta) {
    return this.commands.execute(new WinDealCommand(dealId, body, meta));
  }

  @Post(':dealId/lose')
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
  @QueryDocs()
  @ApiOkResponse({ description: 'A page of deals, newest first, with nextCursor for the next page' })
  list(@Query() filters: ListDealsQueryDto, @MinPosition() minPosition: bigint | undefined) {
    return this.queries.execute(new ListDealsQuery(filters, minPosition));
  }

  @Get(':dealId/history')
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
  @QueryDocs()
  @ApiOkResponse({ type: DealView, description: "The deal's current state; ETag holds its revision" })
  get(@Param('dealId', UuidPipe) dealId: string, @Query() query: AsOfQueryDto) {
    return this.queries.execute(
      new GetDealQuery(dealId, query.asOf === undefined ? undefined : new Date(query.asOf)),
    );
  }
}
