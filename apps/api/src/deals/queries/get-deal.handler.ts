import { dealDecider, dealStream, notFound, pipelineDecider, pipelineStream } from '@app/domain';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AggregateLoader } from '@app/application';
import { type DealView, stageTermsIn, toDealView } from '../deal.view';
import { GetDealQuery } from './get-deal.query';

@QueryHandler(GetDealQuery)
export class GetDealHandler implements IQueryHandler<GetDealQuery> {
  constructor(private readonly loader: AggregateLoader) {}

  async execute({ dealId, asOf }: GetDealQuery): Promise<DealView> {
    const at = (asOf ?? new Date()).toISOString();
    const { state, revision } = await this.loader.load(dealStream(dealId), dealDecider, asOf);
    if (state.status === 'none')
      throw notFound(
        'DEAL_NOT_FOUND',
        asOf ? `deal ${dealId} did not exist yet at ${asOf.toISOString()}` : `deal ${dealId} does not exist`,
      );
    // The stage's probability and rotting period as they stood at the same moment.
    const { state: pipeline } = await this.loader.load(
      pipelineStream(state.pipelineId),
      pipelineDecider(state.pipelineId),
      asOf,
    );
    return toDealView(state, revision, stageTermsIn(pipeline, state.stage), at);
  }
}
