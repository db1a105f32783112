import { Query } from '@nestjs/cqrs';
import type { PipelineView } from '../pipeline.view';

export class GetPipelineQuery extends Query<PipelineView> {
  constructor(
    readonly pipelineId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}
