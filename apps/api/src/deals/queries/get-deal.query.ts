import { Query } from '@nestjs/cqrs';
import type { DealView } from '../deal.view';

export class GetDealQuery extends Query<DealView> {
  constructor(
    readonly dealId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}
