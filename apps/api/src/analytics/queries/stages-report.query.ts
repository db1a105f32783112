import { Query } from '@nestjs/cqrs';
import type { StagesReport } from '@app/read-models';
import type { ReportMoment } from '../report-reader';

export class StagesReportQuery extends Query<StagesReport> {
  constructor(
    readonly selection: { readonly pipelineId: string; readonly from?: string; readonly to?: string },
    readonly moment: ReportMoment,
  ) {
    super();
  }
}
