import { Query } from '@nestjs/cqrs';
import type { ScoringRulesView } from '../scoring.views';

export class GetScoringRulesQuery extends Query<ScoringRulesView> {
  constructor(readonly asOf?: Date) {
    super();
  }
}
