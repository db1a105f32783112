import { Query } from '@nestjs/cqrs';
import type { FunnelBandReport, FunnelFilter } from '@app/read-models';
import type { ReportMoment } from '../report-reader';

export class FunnelBandReportQuery extends Query<FunnelBandReport> {
  constructor(
    readonly selection: FunnelFilter,
    readonly moment: ReportMoment,
  ) {
    super();
  }
}
