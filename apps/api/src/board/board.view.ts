import { ApiProperty } from '@nestjs/swagger';
import { PipelineReportView } from '../analytics/report.views';
import { DealView } from '../deals/deal.view';

export class BoardColumnView {
  @ApiProperty({ example: 'demo', description: "A stage of the report, in the report's order" })
  stage!: string;
  @ApiProperty({
    type: [DealView],
    description: "The stage's open deals, newest first, up to cardsPerStage (the first page of GET /deals)",
  })
  deals!: DealView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'More open deals follow: pass as cursor to GET /deals with status=open and this pipelineId and stage (and ' +
      'the same asOf); null when the column holds them all',
  })
  nextCursor!: string | null;
}

export class PipelineBoardView {
  @ApiProperty({
    type: PipelineReportView,
    description:
      "The figures of the columns: GET /analytics/pipeline at the same moment; its position is the board's",
  })
  report!: PipelineReportView;
  @ApiProperty({
    type: [BoardColumnView],
    description: 'One per stage of the report (active stages, and retired ones that still hold open deals)',
  })
  columns!: BoardColumnView[];
}
