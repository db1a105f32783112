import {
  dealCountsProjection,
  pipelineProjection,
  pipelineReport,
  type PipelineReport,
} from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../report-reader';
import { PipelineReportQuery } from './pipeline-report.query';

@QueryHandler(PipelineReportQuery)
export class PipelineReportHandler implements IQueryHandler<PipelineReportQuery> {
  constructor(private readonly reports: ReportReader) {}

  execute({ selection, moment }: PipelineReportQuery): Promise<PipelineReport> {
    // Rotting deals are counted on the deal list, at the report's moment.
    const rottingAt = (moment.asOf ?? new Date()).toISOString();
    return this.reports.readPipeline(
      [pipelineProjection, dealCountsProjection],
      selection.pipelineId,
      moment,
      (reader, position) => pipelineReport(reader, { ...selection, rottingAt }, position),
    );
  }
}
