import { dealListProjection, listPipelines, pipelineProjection, pipelineReport } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../../analytics/report-reader';
import { dealListPage } from '../../deals/deal-list-page';
import type { BoardColumnView } from '../board.view';
import { GetBoardQuery, type PipelineBoard } from './get-board.query';

/**
 * A pipeline's board in one read: the pipeline report (the columns' figures) and the first open deals of each
 * of its stages, from one snapshot of the read models (or one moment of the log), so that the cards and the
 * figures agree.
 */
@QueryHandler(GetBoardQuery)
export class GetBoardHandler implements IQueryHandler<GetBoardQuery> {
  constructor(private readonly reports: ReportReader) {}

  execute({ pipelineId, cardsPerStage, moment }: GetBoardQuery): Promise<PipelineBoard> {
    const at = (moment.asOf ?? new Date()).toISOString();
    // The whole deal list: the report's rotting counts read it too (dealCountsProjection is a slim copy of it).
    return this.reports.readPipeline(
      [pipelineProjection, dealListProjection],
      pipelineId,
      moment,
      async (reader, position) => {
        const report = await pipelineReport(reader, { pipelineId, rottingAt: at }, position);
        if (report === undefined) return undefined;
        const pipelines = await listPipelines(reader);
        const columns: BoardColumnView[] = [];
        // One after the other: a snapshot's reads share one session.
        for (const { stage } of report.stages) {
          const filters = { status: 'open', pipelineId, stage, limit: cardsPerStage };
          const { items, nextCursor } = await dealListPage(reader, pipelines, filters, at);
          columns.push({ stage, deals: items, nextCursor });
        }
        return { report, columns };
      },
    );
  }
}
