import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MinPosition } from '../http/min-position.decorator';
import { AsOfQueryDto, FunnelQueryDto } from '../http/query-fields';
import { QueryDocs } from '../http/openapi-docs';
import { ProblemException } from '../http/problem';
import { FunnelReportQuery } from './queries/funnel-report.query';
import { PipelineReportQuery } from './queries/pipeline-report.query';

const instant = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('pipeline')
  @QueryDocs()
  @ApiOkResponse({
    description:
      'Open deals per stage in pipeline order (count, total and weighted value per currency); won and lost',
  })
  pipeline(@Query() query: AsOfQueryDto, @MinPosition() minPosition: bigint | undefined) {
    return this.queries.execute(new PipelineReportQuery(instant(query.asOf), minPosition));
  }

  @Get('funnel')
  @QueryDocs()
  @ApiOkResponse({
    description:
      'Per lead source: captured, qualified, disqualified, deals created, won, lost, won value, rates',
  })
  funnel(@Query() query: FunnelQueryDto, @MinPosition() minPosition: bigint | undefined) {
    const from = instant(query.from);
    const to = instant(query.to);
    if (from && to && from >= to) {
      throw ProblemException.badRequest('from must be before to', [
        { field: 'to', reason: 'must be after from' },
      ]);
    }
    return this.queries.execute(
      new FunnelReportQuery(
        {
          ...(from ? { from: from.toISOString() } : {}),
          ...(to ? { to: to.toISOString() } : {}),
          ...(query.source ? { source: query.source } : {}),
        },
        instant(query.asOf),
        minPosition,
      ),
    );
  }
}
