import { stagesProjection, stagesReport, type StagesReport } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../report-reader';
import { StagesReportQuery } from './stages-report.query';

@QueryHandler(StagesReportQuery)
export class StagesReportHandler implements IQueryHandler<StagesReportQuery> {
  constructor(private readonly reports: ReportReader) {}

  execute({ selection, moment }: StagesReportQuery): Promise<StagesReport> {
    return this.reports.readPipeline(stagesProjection, selection.pipelineId, moment, (reader, position) =>
      stagesReport(reader, selection, position),
    );
  }
}
