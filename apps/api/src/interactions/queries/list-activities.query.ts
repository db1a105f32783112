import { Query } from '@nestjs/cqrs';
import type { ReportMoment } from '../../analytics/report-reader';
import type { Page } from '../../http/paging';
import type { ListActivitiesQueryDto } from '../../http/query-fields';
import type { ActivityView } from '../activity.view';

export class ListActivitiesQuery extends Query<Page<ActivityView>> {
  constructor(
    readonly filters: ListActivitiesQueryDto,
    /** Now (after minPosition) or as the list stood at asOf: due filters are relative to it. */
    readonly moment: ReportMoment,
  ) {
    super();
  }
}
