import { LEADS, type LeadDoc, ReadStore } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, encodeCursor } from '../../http/cursor';
import { ReadGate } from '../../read-side/read-gate';
import { toLeadView } from '../lead.view';
import { type LeadPage, ListLeadsQuery } from './list-leads.query';

@QueryHandler(ListLeadsQuery)
export class ListLeadsHandler implements IQueryHandler<ListLeadsQuery> {
  constructor(
    private readonly store: ReadStore,
    private readonly gate: ReadGate,
  ) {}

  async execute({ filters, minPosition }: ListLeadsQuery): Promise<LeadPage> {
    await this.gate.reached(minPosition);
    const limit = filters.limit ?? 20;
    const after = decodeCursor(filters.cursor);
    const docs = await this.store.find<LeadDoc>(LEADS, {
      where: {
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.source ? { source: filters.source } : {}),
        ...(filters.tag ? { tags: filters.tag } : {}),
      },
      orderBy: { field: 'capturedAt', direction: 'desc' },
      ...(after ? { after } : {}),
      limit: limit + 1,
    });
    const page = docs.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((doc) => toLeadView(doc, doc.revision)),
      nextCursor: docs.length > limit && last ? encodeCursor({ value: last.capturedAt, id: last.id }) : null,
    };
  }
}
