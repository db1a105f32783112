import { STORED_EVENTS } from '@app/application';
import { dealDecider, dealStream, notFound } from '@app/domain';
import { EventStore } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { historyOf } from '../../audit/history';
import type { DealHistory } from '../deal-history.view';
import { stageTermsIn, toDealView } from '../deal.view';
import { PipelineTimeline } from '../pipeline-timeline';
import { GetDealHistoryQuery } from './get-deal-history.query';

@QueryHandler(GetDealHistoryQuery)
export class GetDealHistoryHandler implements IQueryHandler<GetDealHistoryQuery> {
  constructor(
    @Inject(STORED_EVENTS) private readonly stored: EventStore,
    private readonly events: EventStore,
  ) {}

  async execute({ dealId }: GetDealHistoryQuery): Promise<DealHistory> {
    const events = await this.stored.readStream(dealStream(dealId));
    if (events.length === 0) throw notFound('DEAL_NOT_FOUND', `deal ${dealId} does not exist`);
    const pipelines = new PipelineTimeline(this.events);
    const history = await historyOf(events, dealDecider, async (state, event) => {
      if (state.status === 'none') return null;
      const pipeline = await pipelines.at(state.pipelineId, event.position);
      return toDealView(
        state,
        event.revision,
        stageTermsIn(pipeline, state.stage),
        event.metadata.occurredAt,
      );
    });
    return { dealId, ...history } as DealHistory;
  }
}
