import { leadDecider, leadStream, notFound } from '@app/domain';
import { STORED_EVENTS } from '@app/application';
import { EventStore } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { historyOf } from '../../audit/history';
import type { LeadHistory } from '../lead-history.view';
import { toLeadView } from '../lead.view';
import { GetLeadHistoryQuery } from './get-lead-history.query';

@QueryHandler(GetLeadHistoryQuery)
export class GetLeadHistoryHandler implements IQueryHandler<GetLeadHistoryQuery> {
  constructor(@Inject(STORED_EVENTS) private readonly store: EventStore) {}

  async execute({ leadId }: GetLeadHistoryQuery): Promise<LeadHistory> {
    const events = await this.store.readStream(leadStream(leadId));
    if (events.length === 0) throw notFound('LEAD_NOT_FOUND', `lead ${leadId} does not exist`);
    const history = await historyOf(events, leadDecider, (state, event) =>
      state.status === 'none' ? null : toLeadView(state, event.revision),
    );
    return { leadId, ...history } as LeadHistory;
  }
}
