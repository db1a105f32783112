import { funnelProjection, funnelReport, type FunnelReport } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../report-reader';
import { FunnelReportQuery } from './funnel-report.query';

@QueryHandler(FunnelReportQuery)
export class FunnelReportHandler implements IQueryHandler<FunnelReportQuery> {
  constructor(private readonly reports: ReportReader) {}

  execute({ selection, moment }: FunnelReportQuery): Promise<FunnelReport> {
    return this.reports.read(funnelProjection, moment, (reader, position) =>
      funnelReport(reader, selection, position),
    );
  }
}
