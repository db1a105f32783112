import { DEALS, type DealDoc, ReadStore, StageProbabilities } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { given, pageOf } from '../../http/paging';
import { ReadGate } from '../../read-side/read-gate';
import { toDealView } from '../deal.view';
import { type DealPage, ListDealsQuery } from './list-deals.query';

@QueryHandler(ListDealsQuery)
export class ListDealsHandler implements IQueryHandler<ListDealsQuery> {
  constructor(
    private readonly store: ReadStore,
    private readonly gate: ReadGate,
  ) {}

  async execute({ filters, minPosition }: ListDealsQuery): Promise<DealPage> {
    await this.gate.reached(minPosition);
    return this.store.snapshot(async (reader) => {
      const probabilities = await StageProbabilities.load(reader);
      return pageOf<DealDoc, ReturnType<typeof toDealView>>(
        reader,
        DEALS,
        {
          where: given({
            status: filters.status,
            pipelineId: filters.pipelineId,
            stage: filters.stage,
            owner: filters.owner,
            leadId: filters.leadId?.toLowerCase(),
          }),
          newestFirstBy: 'createdAt',
        },
        filters,
        (doc) => toDealView(doc, doc.revision, probabilities.of(doc.pipelineId, doc.stage)),
      );
    });
  }
}
