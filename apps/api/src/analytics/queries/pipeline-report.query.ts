import { Query } from '@nestjs/cqrs';
import type { PipelineReport } from '@app/read-models';
import type { ReportMoment } from '../report-reader';

export class PipelineReportQuery extends Query<PipelineReport> {
  constructor(
    readonly selection: { readonly pipelineId: string; readonly groupBy?: 'owner' },
    readonly moment: ReportMoment,
  ) {
    super();
  }
}
