import { ACTIVITIES, type ActivityDoc, activitiesProjection } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../../analytics/report-reader';
import { type ListQuery, type Page, given, pageOf } from '../../http/paging';
import type { ListActivitiesQueryDto } from '../../http/query-fields';
import { type ActivityView, toActivityView } from '../activity.view';
import { ListActivitiesQuery } from './list-activities.query';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The activities the filters select at the list's moment, earliest due first. Due times are UTC: today is the
 * moment's UTC day, a week runs from that day's start for 7 days, overdue is open and due before the moment.
 */
export function activitiesSelected(filters: ListActivitiesQueryDto, at: Date): ListQuery<ActivityDoc> {
  const where = given({
    assignee: filters.assignee,
    status: filters.status,
    leadId: filters.leadId?.toLowerCase(),
    dealId: filters.dealId?.toLowerCase(),
  });
  const order = { earliestFirstBy: 'dueAt' } as const;
  switch (filters.due) {
    case undefined:
      return { where, ...order };
    case 'overdue':
      // Only an open activity is overdue: with another status asked for, nothing is.
      if (where['status'] !== undefined && where['status'] !== 'open') return { anyOf: [], ...order };
      return {
        where: { ...where, status: 'open' },
        range: { field: 'dueAt', lt: at.toISOString() },
        ...order,
      };
    case 'today':
    case 'week': {
      const dayStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
      const days = filters.due === 'today' ? 1 : 7;
      const range = {
        field: 'dueAt',
        gte: new Date(dayStart).toISOString(),
        lt: new Date(dayStart + days * DAY_MS).toISOString(),
      };
      return { where, range, ...order };
    }
  }
}

@QueryHandler(ListActivitiesQuery)
export class ListActivitiesHandler implements IQueryHandler<ListActivitiesQuery> {
  constructor(private readonly reader: ReportReader) {}

  execute({ filters, moment }: ListActivitiesQuery): Promise<Page<ActivityView>> {
    const selected = activitiesSelected(filters, moment.asOf ?? new Date());
    return this.reader.read(activitiesProjection, moment, (reader) =>
      pageOf<ActivityDoc, ActivityView>(reader, ACTIVITIES, selected, filters, toActivityView),
    );
  }
}
