import { AggregateLoader, ScoringCommands } from '@app/application';
import { leadDecider, leadStream, notFound, scoreLead } from '@app/domain';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type LeadScoreView, toLeadScoreView } from '../scoring.views';
import { GetLeadScoreQuery } from './get-lead-score.query';

/** A lead's score from its own stream and the rule set in effect at the moment: now, or asOf. */
@QueryHandler(GetLeadScoreQuery)
export class GetLeadScoreHandler implements IQueryHandler<GetLeadScoreQuery> {
  constructor(
    private readonly loader: AggregateLoader,
    private readonly scoring: ScoringCommands,
  ) {}

  async execute({ leadId, asOf }: GetLeadScoreQuery): Promise<LeadScoreView> {
    const at = (asOf ?? new Date()).toISOString();
    const [{ state }, { ruleSet }] = await Promise.all([
      this.loader.load(leadStream(leadId), leadDecider, asOf),
      this.scoring.inEffect(asOf),
    ]);
    if (state.status === 'none') {
      throw notFound(
        'LEAD_NOT_FOUND',
        asOf ? `lead ${leadId} did not exist yet at ${at}` : `lead ${leadId} does not exist`,
      );
    }
    return toLeadScoreView(leadId, scoreLead(ruleSet, state, at));
  }
}
