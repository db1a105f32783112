import { DEFAULT_PIPELINE_ID } from '@app/domain';
import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { MinPosition } from '../http/min-position.decorator';
import { QueryDocs } from '../http/openapi-docs';
import { ProblemException } from '../http/problem';
import {
  type AsOfQueryDto,
  ForecastQueryDto,
  FunnelQueryDto,
  PeriodQueryDto,
  PipelineReportQueryDto,
  StagesQueryDto,
  toMoment,
} from '../http/query-fields';
import { FunnelBandReportView } from './funnel-band.view';
import { ForecastReportQuery } from './queries/forecast-report.query';
import { FunnelBandReportQuery } from './queries/funnel-band-report.query';
import { FunnelReportQuery } from './queries/funnel-report.query';
import { LossesReportQuery } from './queries/losses-report.query';
import { PipelineReportQuery } from './queries/pipeline-report.query';
import { StagesReportQuery } from './queries/stages-report.query';
import type { ReportMoment } from './report-reader';
import {
  ForecastReportView,
  FunnelReportView,
  LossesReportView,
  PipelineReportView,
  StagesReportView,
} from './report.views';
import { Allow } from '../access/access-policy';

const momentOf = (query: AsOfQueryDto, minPosition: bigint | undefined): ReportMoment => ({
  asOf: toMoment(query.asOf),
  minPosition,
});

/** A report's [from, to) as ISO instants, only the bounds given; from must come before to. */
function periodOf(query: PeriodQueryDto): { from?: string; to?: string } {
  const from = toMoment(query.from);
  const to = toMoment(query.to);
  if (from && to && from >= to) {
    throw ProblemException.badRequest('from must be before to', [
      { field: 'to', reason: 'must be after from' },
    ]);
  }
  return { ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) };
}

/** Reports for analysts: each one answers now, after minPosition, or as of a past moment (asOf). */
@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('pipeline')
  @ApiOperation({
    operationId: 'getPipelineReport',
    summary: 'Pipeline report: open deals per stage, won and lost, per currency',
  })
  @Allow('analytics')
  @QueryDocs()
  @ApiOkResponse({
    type: PipelineReportView,
    description:
      "A pipeline's open deals per stage in its order (count, rotting deals, total and weighted value per currency), won and lost; unknown pipeline: 404",
  })
  pipeline(@Query() query: PipelineReportQueryDto, @MinPosition() minPosition: bigint | undefined) {
    const selection = {
      pipelineId: query.pipelineId ?? DEFAULT_PIPELINE_ID,
      ...(query.groupBy ? { groupBy: query.groupBy } : {}),
    };
    return this.queries.execute(new PipelineReportQuery(selection, momentOf(query, minPosition)));
  }

  @Get('funnel')
  @ApiOperation({
    operationId: 'getFunnelReport',
    summary: 'Funnel report per lead source, or per score band (groupBy=band)',
  })
  @Allow('analytics')
  @QueryDocs()
  @ApiExtraModels(FunnelReportView, FunnelBandReportView)
  @ApiOkResponse({
    schema: {
      oneOf: [{ $ref: getSchemaPath(FunnelReportView) }, { $ref: getSchemaPath(FunnelBandReportView) }],
    },
    description:
      "Per lead source (FunnelReportView), or with groupBy=band per band of the leads' scores at the report's " +
      'moment (FunnelBandReportView), for the leads captured in [from, to): captured, qualified, ' +
      'disqualified, deals created, won, lost, won value, rates',
  })
  funnel(@Query() query: FunnelQueryDto, @MinPosition() minPosition: bigint | undefined) {
    const selection = { ...periodOf(query), ...(query.source ? { source: query.source } : {}) };
    const moment = momentOf(query, minPosition);
    return this.queries.execute(
      query.groupBy === 'band'
        ? new FunnelBandReportQuery(selection, moment)
        : new FunnelReportQuery(selection, moment),
    );
  }

  @Get('stages')
  @ApiOperation({
    operationId: 'getStagesReport',
    summary: 'Stage flow report: entries, exits, conversion and time in stage',
  })
  @Allow('analytics')
  @QueryDocs()
  @ApiOkResponse({
    type: StagesReportView,
    description:
      'Per stage of a pipeline: deals that entered it, moved forward or back from it, were won or lost from it or moved out, time in stage, and the stage-to-stage conversion, for what happened in [from, to)',
  })
  stages(@Query() query: StagesQueryDto, @MinPosition() minPosition: bigint | undefined) {
    const selection = { pipelineId: query.pipelineId ?? DEFAULT_PIPELINE_ID, ...periodOf(query) };
    return this.queries.execute(new StagesReportQuery(selection, momentOf(query, minPosition)));
  }

  @Get('forecast')
  @ApiOperation({
    operationId: 'getForecastReport',
    summary: 'Forecast: open deals by expected close month, won deals by month won',
  })
  @Allow('analytics')
  @QueryDocs()
  @ApiOkResponse({
    type: ForecastReportView,
    description:
      "A pipeline's open deals by expected close month (count, total, weighted per currency), and won value by the month it was won",
  })
  forecast(@Query() query: ForecastQueryDto, @MinPosition() minPosition: bigint | undefined) {
    const selection = {
      pipelineId: query.pipelineId ?? DEFAULT_PIPELINE_ID,
      ...periodOf(query),
      ...(query.groupBy ? { groupBy: query.groupBy } : {}),
    };
    return this.queries.execute(new ForecastReportQuery(selection, momentOf(query, minPosition)));
  }

  @Get('losses')
  @ApiOperation({ operationId: 'getLossesReport', summary: 'Losses by reason, by stage and by competitor' })
  @Allow('analytics')
  @QueryDocs()
  @ApiOkResponse({
    type: LossesReportView,
    description:
      'Deals lost in [from, to) (and not reopened), by reason, by the stage they were lost in and by competitor, with values per currency',
  })
  losses(@Query() query: PeriodQueryDto, @MinPosition() minPosition: bigint | undefined) {
    return this.queries.execute(new LossesReportQuery(periodOf(query), momentOf(query, minPosition)));
  }
}
