import { dealDecider, dealStream, notFound } from '@app/domain';
import { EventStore } from '@app/event-store';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { historyOf } from '../../audit/history';
import type { DealHistory } from '../deal-history.view';
import { toDealView } from '../deal.view';
import { GetDealHistoryQuery } from './get-deal-history.query';

@QueryHandler(GetDealHistoryQuery)
export class GetDealHistoryHandler implements IQueryHandler<GetDealHistoryQuery> {
  constructor(private readonly store: EventStore) {}

  async execute({ dealId }: GetDealHistoryQuery): Promise<DealHistory> {
    const events = await this.store.readStream(dealStream(dealId));
    if (events.length === 0) throw notFound('DEAL_NOT_FOUND', `deal ${dealId} does not exist`);
    const history = historyOf(events, dealDecider, (state, revision) =>
      state.status === 'none' ? null : toDealView(state, revision),
    );
    return { dealId, ...history } as DealHistory;
  }
}
