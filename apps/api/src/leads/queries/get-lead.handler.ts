import { leadDecider, leadStream, notFound, scoreLead } from '@app/domain';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AggregateLoader, ScoringCommands } from '@app/application';
import { type LeadView, toScoredLeadView } from '../lead.view';
import { GetLeadQuery } from './get-lead.query';

/** A lead from its own stream, now or as of a moment, scored by the rule set in effect then. */
@QueryHandler(GetLeadQuery)
export class GetLeadHandler implements IQueryHandler<GetLeadQuery> {
  constructor(
    private readonly loader: AggregateLoader,
    private readonly scoring: ScoringCommands,
  ) {}

  async execute({ leadId, asOf }: GetLeadQuery): Promise<LeadView> {
    const [{ state, revision }, { ruleSet }] = await Promise.all([
      this.loader.load(leadStream(leadId), leadDecider, asOf),
      this.scoring.inEffect(asOf),
    ]);
    if (state.status === 'none')
      throw notFound(
        'LEAD_NOT_FOUND',
        asOf ? `lead ${leadId} did not exist yet at ${asOf.toISOString()}` : `lead ${leadId} does not exist`,
      );
    return toScoredLeadView(state, revision, scoreLead(ruleSet, state, (asOf ?? new Date()).toISOString()));
  }
}
