import { DEALS, type DealDoc, ReadStore } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, encodeCursor } from '../../http/cursor';
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
    const limit = filters.limit ?? 20;
    const after = decodeCursor(filters.cursor);
    const docs = await this.store.find<DealDoc>(DEALS, {
      where: {
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.stage ? { stage: filters.stage } : {}),
        ...(filters.owner ? { owner: filters.owner } : {}),
        ...(filters.leadId ? { leadId: filters.leadId.toLowerCase() } : {}),
      },
      orderBy: { field: 'createdAt', direction: 'desc' },
      ...(after ? { after } : {}),
      limit: limit + 1,
    });
    const page = docs.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((doc) => toDealView(doc, doc.revision)),
      nextCursor: docs.length > limit && last ? encodeCursor({ value: last.createdAt, id: last.id }) : null,
    };
  }
}
