import { dealListProjection, listPipelines } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../../analytics/report-reader';
import { dealListPage } from '../deal-list-page';
import { type DealPage, ListDealsQuery } from './list-deals.query';

@QueryHandler(ListDealsQuery)
export class ListDealsHandler implements IQueryHandler<ListDealsQuery> {
  constructor(private readonly reader: ReportReader) {}

  execute({ filters, moment }: ListDealsQuery): Promise<DealPage> {
    const at = (moment.asOf ?? new Date()).toISOString();
    return this.reader.read(dealListProjection, moment, async (reader) =>
      // Probabilities and rotting periods as they stand at the list's moment.
      dealListPage(reader, await listPipelines(reader), filters, at),
    );
  }
}
