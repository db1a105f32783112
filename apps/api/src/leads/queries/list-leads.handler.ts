import { LEADS, type LeadDoc, ReadStore } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { given, pageOf } from '../../http/paging';
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
    return pageOf<LeadDoc, ReturnType<typeof toLeadView>>(
      this.store,
      LEADS,
      {
        where: given({
          status: filters.status,
          source: filters.source,
          tags: filters.tag,
          owner: filters.owner,
        }),
        newestFirstBy: 'capturedAt',
      },
      filters,
      (doc) => toLeadView(doc, doc.revision),
    );
  }
}
