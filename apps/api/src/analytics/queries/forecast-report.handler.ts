import { forecastProjection, forecastReport, type ForecastReport } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../report-reader';
import { ForecastReportQuery } from './forecast-report.query';

@QueryHandler(ForecastReportQuery)
export class ForecastReportHandler implements IQueryHandler<ForecastReportQuery> {
  constructor(private readonly reports: ReportReader) {}

  execute({ selection, moment }: ForecastReportQuery): Promise<ForecastReport> {
    return this.reports.readPipeline(forecastProjection, selection.pipelineId, moment, (reader, position) =>
      forecastReport(reader, selection, position),
    );
  }
}
