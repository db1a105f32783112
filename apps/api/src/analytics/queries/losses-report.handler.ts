import { lossesProjection, lossesReport, type LossesReport } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../report-reader';
import { LossesReportQuery } from './losses-report.query';

@QueryHandler(LossesReportQuery)
export class LossesReportHandler implements IQueryHandler<LossesReportQuery> {
  constructor(private readonly reports: ReportReader) {}

  execute({ selection, moment }: LossesReportQuery): Promise<LossesReport> {
    return this.reports.read(lossesProjection, moment, (reader, position) =>
      lossesReport(reader, selection, position),
    );
  }
}
