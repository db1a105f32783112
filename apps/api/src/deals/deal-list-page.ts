import {
  DEALS,
  type DealDoc,
  type DocumentReader,
  type PipelineDoc,
  notRottingSelections,
  rottingSelections,
} from '@app/read-models';
import { type ListQuery, type Page, type PageRequest, given, pageOf } from '../http/paging';
import { type DealView, stageTermsIn, toDealView } from './deal.view';

/** What a page of the deal list selects (GET /deals's filters). */
export interface DealListFilters extends PageRequest {
  readonly status?: string | undefined;
  readonly pipelineId?: string | undefined;
  readonly stage?: string | undefined;
  readonly owner?: string | undefined;
  readonly leadId?: string | undefined;
  readonly rotting?: string | undefined;
}

/**
 * One page of the deal list, newest first, as it stands at a moment (`at`, ISO): probabilities and rotting
 * from the pipelines in effect then (`pipelines`, read in the same snapshot). GET /deals and the board's
 * columns are both pages of it, so a column's nextCursor goes on in GET /deals.
 */
export function dealListPage(
  reader: DocumentReader,
  pipelines: readonly PipelineDoc[],
  filters: DealListFilters,
  at: string,
): Promise<Page<DealView>> {
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
  return pageOf<DealDoc, DealView>(reader, DEALS, query, filters, (doc) =>
    toDealView(doc, doc.revision, stageTermsIn(byId.get(doc.pipelineId), doc.stage), at),
  );
}
