import { Query } from '@nestjs/cqrs';
import type { PipelineList } from '../pipeline.view';

export class ListPipelinesQuery extends Query<PipelineList> {
  constructor(readonly minPosition: bigint | undefined) {
    super();
  }
}
