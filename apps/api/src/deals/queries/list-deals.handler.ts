import {
  DEALS,
  type DealDoc,
  dealListProjection,
  listPipelines,
  notRottingSelections,
  rottingSelections,
} from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../../analytics/report-reader';
import { type ListQuery, given, pageOf } from '../../http/paging';
import { stageTermsIn, toDealView } from '../deal.view';
import { type DealPage, ListDealsQuery } from './list-deals.query';

@QueryHandler(ListDealsQuery)
export class ListDealsHandler implements IQueryHandler<ListDealsQuery> {
  constructor(private readonly reader: ReportReader) {}

  execute({ filters, moment }: ListDealsQuery): Promise<DealPage> {
    const at = (moment.asOf ?? new Date()).toISOString();
    return this.reader.read(dealListProjection, moment, async (reader) => {
      // Probabilities and rotting periods as they stand at the list's moment.
      const pipelines = await listPipelines(reader);
      const byId = new Map(pipelines.map((pipeline) => [pipeline.pipelineId, pipeline]));
      const where = given({
        status: filters.status,
        pipelineId: filters.pipelineId,
        stage: filters.stage,
        owner: filters.owner,
        leadId: filters.leadId?.toLowerCase(),
      });
      const query: ListQuery<DealDoc> =
        filters.rotting === undefined
          ? { where, newestFirstBy: 'createdAt' }
          : {
              anyOf:
                filters.rotting === 'true'
                  ? rottingSelections(pipelines, at, where)
                  : notRottingSelections(pipelines, at, where),
              newestFirstBy: 'createdAt',
            };
      return pageOf<DealDoc, ReturnType<typeof toDealView>>(reader, DEALS, query, filters, (doc) =>
        toDealView(doc, doc.revision, stageTermsIn(byId.get(doc.pipelineId), doc.stage), at),
      );
    });
  }
}
