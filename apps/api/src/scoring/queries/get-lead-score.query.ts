import { Query } from '@nestjs/cqrs';
import type { LeadScoreView } from '../scoring.views';

export class GetLeadScoreQuery extends Query<LeadScoreView> {
  constructor(
    readonly leadId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}
