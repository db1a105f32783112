import { leadDecider, leadStream, notFound } from '@app/domain';
import { EventStore } from '@app/event-store';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { historyOf } from '../../audit/history';
import type { LeadHistory } from '../lead-history.view';
import { toLeadView } from '../lead.view';
import { GetLeadHistoryQuery } from './get-lead-history.query';

@QueryHandler(GetLeadHistoryQuery)
export class GetLeadHistoryHandler implements IQueryHandler<GetLeadHistoryQuery> {
  constructor(private readonly store: EventStore) {}

  async execute({ leadId }: GetLeadHistoryQuery): Promise<LeadHistory> {
    const events = await this.store.readStream(leadStream(leadId));
    if (events.length === 0) throw notFound('LEAD_NOT_FOUND', `lead ${leadId} does not exist`);
    const history = historyOf(events, leadDecider, (state, revision) =>
      state.status === 'none' ? null : toLeadView(state, revision),
    );
    return { leadId, ...history } as LeadHistory;
  }
}
