import { ScoringCommands } from '@app/application';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type ScoringRulesView, toScoringRulesView } from '../scoring.views';
import { GetScoringRulesQuery } from './get-scoring-rules.query';

@QueryHandler(GetScoringRulesQuery)
export class GetScoringRulesHandler implements IQueryHandler<GetScoringRulesQuery> {
  constructor(private readonly scoring: ScoringCommands) {}

  async execute({ asOf }: GetScoringRulesQuery): Promise<ScoringRulesView> {
    const { ruleSet, revision } = await this.scoring.inEffect(asOf);
    return toScoringRulesView(ruleSet, revision);
  }
}
