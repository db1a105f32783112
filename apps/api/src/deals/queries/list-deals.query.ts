import { Query } from '@nestjs/cqrs';
import type { ReportMoment } from '../../analytics/report-reader';
import type { ListDealsQueryDto } from '../../http/query-fields';
import type { DealView } from '../deal.view';

export interface DealPage {
  readonly items: DealView[];
  readonly nextCursor: string | null;
}

export class ListDealsQuery extends Query<DealPage> {
  constructor(
    readonly filters: ListDealsQueryDto,
    /** Now (after minPosition) or as the list stood at asOf. */
    readonly moment: ReportMoment,
  ) {
    super();
  }
}
