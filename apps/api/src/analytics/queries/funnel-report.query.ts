import { Query } from '@nestjs/cqrs';
import type { FunnelFilter, FunnelReport } from '@app/read-models';
import type { ReportMoment } from '../report-reader';

export class FunnelReportQuery extends Query<FunnelReport> {
  constructor(
    readonly selection: FunnelFilter,
    readonly moment: ReportMoment,
  ) {
    super();
  }
}
