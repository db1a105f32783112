import { pipelineProjection, pipelineReport, type PipelineReport } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../report-reader';
import { PipelineReportQuery } from './pipeline-report.query';

@QueryHandler(PipelineReportQuery)
export class PipelineReportHandler implements IQueryHandler<PipelineReportQuery> {
  constructor(private readonly reports: ReportReader) {}

  execute({ selection, moment }: PipelineReportQuery): Promise<PipelineReport> {
    return this.reports.readPipeline(pipelineProjection, selection.pipelineId, moment, (reader, position) =>
      pipelineReport(reader, selection, position),
    );
  }
}
