import { Query } from '@nestjs/cqrs';
import type { DealHistory } from '../deal-history.view';

export class GetDealHistoryQuery extends Query<DealHistory> {
  constructor(readonly dealId: string) {
    super();
  }
}
