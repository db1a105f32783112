import { Query } from '@nestjs/cqrs';
import type { ForecastReport } from '@app/read-models';
import type { ReportMoment } from '../report-reader';

export class ForecastReportQuery extends Query<ForecastReport> {
  constructor(
    readonly selection: {
      readonly pipelineId: string;
      readonly from?: string;
      readonly to?: string;
      readonly groupBy?: 'owner';
    },
    readonly moment: ReportMoment,
  ) {
    super();
  }
}
