import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '@app/application';
import { CaptureResultDto, CommandResultDto } from '../http/command-result.dto';
import { CommandDocs, QueryDocs } from '../http/openapi-docs';
import { MinPosition } from '../http/min-position.decorator';
import { ListLeadsQueryDto, AsOfQueryDto, ReadQueryDto, toMoment } from '../http/query-fields';
import { RequestMeta } from '../http/request-meta.decorator';
import { UuidPipe } from '../http/uuid.pipe';
import { CaptureLeadCommand } from './commands/capture-lead.command';
import { DisqualifyLeadCommand } from './commands/disqualify-lead.command';
import { QualifyLeadCommand } from './commands/qualify-lead.command';
import { ReactivateLeadCommand } from './commands/reactivate-lead.command';
import { UpdateLeadCommand } from './commands/update-lead.command';
import { CaptureLeadDto } from './dto/capture-lead.dto';
import { DisqualifyLeadDto } from './dto/disqualify-lead.dto';
import { QualifyLeadDto } from './dto/qualify-lead.dto';
import { ReactivateLeadDto } from './dto/reactivate-lead.dto';
import { UpdateLeadDto } from './dto/update-lead.dto';
import { LeadPageView, LeadView } from './lead.view';
import { GetLeadHistoryQuery } from './queries/get-lead-history.query';
import { GetLeadQuery } from './queries/get-lead.query';
import { LeadHistory } from './lead-history.view';
import { ListLeadsQuery } from './queries/list-leads.query';
import { Allow } from '../access/access-policy';
import { forbidden } from '../access/access.guard';
import { MaskPersonalData, showsPersonalData } from '../access/personal-data';

@ApiTags('leads')
@Controller('leads')
export class LeadsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'captureLead',
    summary: 'Capture a lead',
    description: 'A client may send its own leadId, so that a retry cannot capture the lead twice',
  })
  @Allow('commands')
  @CommandDocs()
  @ApiCreatedResponse({ type: CaptureResultDto, description: 'The lead was captured' })
  capture(@Body() body: CaptureLeadDto, @RequestMeta() meta: CommandMeta) {
    return this.commands.execute(new CaptureLeadCommand(body, meta));
  }

  @Post(':leadId/qualify')
  @ApiOperation({
    operationId: 'qualifyLead',
    summary: 'Qualify a lead: budget, timeline, authority and need',
  })
  @Allow('commands')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The lead was qualified' })
  qualify(
    @Param('leadId', UuidPipe) leadId: string,
    @Body() body: QualifyLeadDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new QualifyLeadCommand(leadId, body, meta));
  }

  @Post(':leadId/disqualify')
  @ApiOperation({ operationId: 'disqualifyLead', summary: 'Disqualify a lead, with the reason' })
  @Allow('commands')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The lead was disqualified' })
  disqualify(
    @Param('leadId', UuidPipe) leadId: string,
    @Body() body: DisqualifyLeadDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new DisqualifyLeadCommand(leadId, body, meta));
  }

  @Patch(':leadId')
  @ApiOperation({
    operationId: 'updateLead',
    summary: "Correct a lead's contact fields, interest, tags or owner",
  })
  @Allow('commands')
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description:
      'The fields sent were corrected, one event per changed field (with the old and new value) in one atomic ' +
      'append; a field sent with the value it has changes nothing. Allowed whatever the lead status.',
  })
  update(
    @Param('leadId', UuidPipe) leadId: string,
    @Body() body: UpdateLeadDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new UpdateLeadCommand(leadId, body, meta));
  }

  @Post(':leadId/reactivate')
  @ApiOperation({ operationId: 'reactivateLead', summary: 'Reactivate a disqualified lead' })
  @Allow('commands')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'The disqualified lead is open (captured) again and can be qualified; qualified stays final',
  })
  reactivate(
    @Param('leadId', UuidPipe) leadId: string,
    @Body() body: ReactivateLeadDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new ReactivateLeadCommand(leadId, body, meta));
  }

  @Get()
  @ApiOperation({
    operationId: 'listLeads',
    summary: 'List leads, newest first, a page at a time',
    description:
      'Keys of analysts, and service keys issued without personalData, see name, email, phone and company as ***',
  })
  @Allow('reads')
  @UseInterceptors(MaskPersonalData)
  @QueryDocs()
  @ApiOkResponse({
    type: LeadPageView,
    description: 'A page of leads, newest first, with nextCursor for the next page',
  })
  list(
    @Query() filters: ListLeadsQueryDto,
    @MinPosition() minPosition: bigint | undefined,
    @Req() request: FastifyRequest,
  ) {
    // A key that sees masked leads must not learn by asking whether someone with that address is one.
    if (filters.email !== undefined && !showsPersonalData(request)) {
      throw forbidden(
        'finding leads by email needs a key that sees personal data: admin, sales, auditor, or a service key ' +
          'issued with personalData',
        'ROLE_REQUIRED',
      );
    }
    return this.queries.execute(new ListLeadsQuery(filters, minPosition));
  }

  @Get(':leadId/history')
  @ApiOperation({
    operationId: 'getLeadHistory',
    summary: "A lead's events in order, with the state after each",
  })
  @Allow('histories')
  @QueryDocs()
  @ApiOkResponse({
    type: LeadHistory,
    description:
      'Every event in order with its metadata and the state after it, and the integrity of the chain',
  })
  history(@Param('leadId', UuidPipe) leadId: string, @Query() _query: ReadQueryDto) {
    return this.queries.execute(new GetLeadHistoryQuery(leadId));
  }

  @Get(':leadId')
  @ApiOperation({
    operationId: 'getLead',
    summary: "A lead's current state, or its state at a past moment (asOf)",
    description:
      'Keys of analysts, and service keys issued without personalData, see name, email, phone and company as ***',
  })
  @Allow('reads', { asOf: 'histories' })
  @UseInterceptors(MaskPersonalData)
  @QueryDocs()
  @ApiOkResponse({ type: LeadView, description: "The lead's current state; ETag holds its revision" })
  get(@Param('leadId', UuidPipe) leadId: string, @Query() query: AsOfQueryDto) {
    return this.queries.execute(new GetLeadQuery(leadId, toMoment(query.asOf)));
  }
}
