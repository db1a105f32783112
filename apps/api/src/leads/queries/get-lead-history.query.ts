import { Query } from '@nestjs/cqrs';
import type { LeadHistory } from '../lead-history.view';

export class GetLeadHistoryQuery extends Query<LeadHistory> {
  constructor(readonly leadId: string) {
    super();
  }
}
