import { Query } from '@nestjs/cqrs';
import type { FunnelReport } from '@app/read-models';

export class FunnelReportQuery extends Query<FunnelReport> {
  constructor(
    readonly selection: { readonly from?: string; readonly to?: string; readonly source?: string },
    readonly asOf: Date | undefined,
    readonly minPosition: bigint | undefined,
  ) {
    super();
  }
}
