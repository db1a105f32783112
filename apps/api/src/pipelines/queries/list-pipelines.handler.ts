import { ReadStore, listPipelines } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReadGate } from '../../read-side/read-gate';
import { type PipelineList, toPipelineView } from '../pipeline.view';
import { ListPipelinesQuery } from './list-pipelines.query';

@QueryHandler(ListPipelinesQuery)
export class ListPipelinesHandler implements IQueryHandler<ListPipelinesQuery> {
  constructor(
    private readonly store: ReadStore,
    private readonly gate: ReadGate,
  ) {}

  async execute({ minPosition }: ListPipelinesQuery): Promise<PipelineList> {
    await this.gate.reached(minPosition);
    const pipelines = await listPipelines(this.store);
    return { items: pipelines.map((doc) => toPipelineView(doc, doc.revision)) };
  }
}
