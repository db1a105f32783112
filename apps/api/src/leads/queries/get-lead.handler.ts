import { leadDecider, leadStream, notFound } from '@app/domain';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AggregateLoader } from '@app/application';
import { type LeadView, toLeadView } from '../lead.view';
import { GetLeadQuery } from './get-lead.query';

@QueryHandler(GetLeadQuery)
export class GetLeadHandler implements IQueryHandler<GetLeadQuery> {
  constructor(private readonly loader: AggregateLoader) {}

  async execute({ leadId, asOf }: GetLeadQuery): Promise<LeadView> {
    const { state, revision } = await this.loader.load(leadStream(leadId), leadDecider, asOf);
    if (state.status === 'none')
      throw notFound(
        'LEAD_NOT_FOUND',
        asOf ? `lead ${leadId} did not exist yet at ${asOf.toISOString()}` : `lead ${leadId} does not exist`,
      );
    return toLeadView(state, revision);
  }
}
