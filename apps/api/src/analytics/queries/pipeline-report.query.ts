import { Query } from '@nestjs/cqrs';
import type { PipelineReport } from '@app/read-models';

export class PipelineReportQuery extends Query<PipelineReport> {
  constructor(
    readonly asOf: Date | undefined,
    readonly minPosition: bigint | undefined,
  ) {
    super();
  }
}
