import { Query } from '@nestjs/cqrs';
import type { LossesReport } from '@app/read-models';
import type { ReportMoment } from '../report-reader';

export class LossesReportQuery extends Query<LossesReport> {
  constructor(
    readonly selection: { readonly from?: string; readonly to?: string },
    readonly moment: ReportMoment,
  ) {
    super();
  }
}
