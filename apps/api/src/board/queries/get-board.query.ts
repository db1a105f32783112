import { Query } from '@nestjs/cqrs';
import type { PipelineReport } from '@app/read-models';
import type { ReportMoment } from '../../analytics/report-reader';
import type { BoardColumnView } from '../board.view';

/** A pipeline's board (PipelineBoardView). */
export interface PipelineBoard {
  readonly report: PipelineReport;
  readonly columns: readonly BoardColumnView[];
}

export class GetBoardQuery extends Query<PipelineBoard> {
  constructor(
    readonly pipelineId: string,
    /** How many open deals of each stage the board holds. */
    readonly cardsPerStage: number,
    /** Now (after minPosition) or as the board stood at asOf. */
    readonly moment: ReportMoment,
  ) {
    super();
  }
}
