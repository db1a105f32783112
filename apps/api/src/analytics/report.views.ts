import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The response schemas of the reports, for the OpenAPI document. Amounts are integers in minor units. */

export class CurrencyTotalView {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer', description: 'Sum of the amounts, in minor units' }) total!: number;
}

export class WeightedValueView extends CurrencyTotalView {
  @ApiProperty({
    type: 'integer',
    description:
      "round(sum of amount x probability / 100), halves up, per currency: the deal's override when set, else its stage's probability in effect at the report's moment",
  })
  weighted!: number;
}

export class OutcomeView {
  @ApiProperty({ type: 'integer' }) deals!: number;
  @ApiProperty({ type: [CurrencyTotalView] }) values!: CurrencyTotalView[];
}

export class OpenDealsView {
  @ApiProperty({ type: 'integer' }) deals!: number;
  @ApiProperty({ type: [WeightedValueView] }) values!: WeightedValueView[];
}

export class PipelineStageRowView {
  @ApiProperty({ example: 'demo' }) stage!: string;
  @ApiProperty({ example: 'Demo' }) name!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 100,
    description: "The stage's win probability in effect at the report's moment (percent)",
  })
  probability!: number;
  @ApiProperty({ description: 'A retired stage is listed only while it still holds open deals' })
  retired!: boolean;
  @ApiProperty({ type: 'integer' }) openDeals!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description:
      "Open deals rotting at the report's moment (now, or asOf): untouched (no stage change, note or completed " +
      "activity) for the stage's rottenAfterDays; always 0 in a stage without a rotting period",
  })
  rottingDeals!: number;
  @ApiProperty({ type: [WeightedValueView] }) values!: WeightedValueView[];
}

export class PipelineOwnerRowView {
  @ApiProperty({ type: String, nullable: true, description: 'null: deals without an owner' }) owner!:
    string | null;
  @ApiProperty({ type: [PipelineStageRowView] }) stages!: PipelineStageRowView[];
  @ApiProperty({ type: OutcomeView }) won!: OutcomeView;
  @ApiProperty({ type: OutcomeView }) lost!: OutcomeView;
}

export class PipelineReportView {
  @ApiProperty({ description: 'The last log position the report includes' }) position!: string;
  @ApiProperty({ example: 'default' }) pipelineId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({
    type: [PipelineStageRowView],
    description: 'Active stages in pipeline order, and retired stages that still hold open deals',
  })
  stages!: PipelineStageRowView[];
  @ApiProperty({
    type: OutcomeView,
    description: 'Deals won in this pipeline (a reopened deal no longer counts)',
  })
  won!: OutcomeView;
  @ApiProperty({
    type: OutcomeView,
    description: 'Deals lost in this pipeline (a reopened deal no longer counts)',
  })
  lost!: OutcomeView;
  @ApiPropertyOptional({
    type: [PipelineOwnerRowView],
    description: 'With groupBy=owner: the same per owner',
  })
  owners?: PipelineOwnerRowView[];
}

export class FunnelRatesView {
  @ApiProperty({ type: Number, nullable: true, description: 'qualified / captured' }) qualification!:
    number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'dealsCreated / captured' }) leadToDeal!:
    number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'won / (won + lost)' }) win!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'won / captured' }) leadToWon!: number | null;
}

/** The figures of one row of the funnel, whether the rows are sources or bands. */
export class FunnelFiguresView {
  @ApiProperty({ type: 'integer' }) captured!: number;
  @ApiProperty({ type: 'integer' }) qualified!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Currently disqualified (a reactivated lead no longer counts)',
  })
  disqualified!: number;
  @ApiProperty({ type: 'integer' }) dealsCreated!: number;
  @ApiProperty({ type: 'integer', description: 'Deals currently won (a reopened deal no longer counts)' })
  won!: number;
  @ApiProperty({ type: 'integer', description: 'Deals currently lost (a reopened deal no longer counts)' })
  lost!: number;
  @ApiProperty({ type: [CurrencyTotalView] }) wonValues!: CurrencyTotalView[];
  @ApiProperty({ type: FunnelRatesView }) rates!: FunnelRatesView;
}

export class FunnelSourceRowView extends FunnelFiguresView {
  @ApiProperty({ example: 'referral' }) source!: string;
}

export class FunnelReportView {
  @ApiProperty({ description: 'The last log position the report includes' }) position!: string;
  @ApiProperty({
    type: [FunnelSourceRowView],
    description: 'Per lead source, for the leads captured in [from, to)',
  })
  sources!: FunnelSourceRowView[];
}

export class TimeInStageView {
  @ApiProperty({ type: 'integer', description: 'Stays that ended in the period' }) stays!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Mean length of those stays, in days (4 decimals)',
  })
  meanDays!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Median length of those stays, in days (4 decimals)',
  })
  medianDays!: number | null;
}

export class StageFlowRowView {
  @ApiProperty() stage!: string;
  @ApiProperty() name!: string;
  @ApiProperty() retired!: boolean;
  @ApiProperty({
    type: 'integer',
    description:
      'Times a deal came into the stage in the period: created in it, moved to it (either way), reopened in it, moved into it from another pipeline',
  })
  entered!: number;
  @ApiProperty({ type: 'integer', description: 'Left it for a later stage (StageAdvanced) in the period' })
  movedForward!: number;
  @ApiProperty({ type: 'integer', description: 'Left it for an earlier stage (StageReverted) in the period' })
  movedBack!: number;
  @ApiProperty({ type: 'integer', description: 'Won while in it, in the period' }) won!: number;
  @ApiProperty({ type: 'integer', description: 'Lost while in it, in the period' }) lost!: number;
  @ApiProperty({ type: 'integer', description: 'Moved from it to another pipeline, in the period' })
  movedOut!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'The stage-to-stage conversion: (movedForward + won) / every exit, the share of the deals leaving the stage that moved on',
  })
  conversion!: number | null;
  @ApiProperty({ type: TimeInStageView }) timeInStage!: TimeInStageView;
}

export class StagesReportView {
  @ApiProperty({ description: 'The last log position the report includes' }) position!: string;
  @ApiProperty() pipelineId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) from!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) to!: string | null;
  @ApiProperty({
    type: [StageFlowRowView],
    description:
      "Every stage of the pipeline, retired ones included, in its order. A stay is a deal's time in one stage; entries and exits count when they occurred in [from, to), and time in stage covers the stays that ended then",
  })
  stages!: StageFlowRowView[];
  @ApiProperty({ type: Number, nullable: true, description: 'won / (won + lost) over the stages' })
  winRate!: number | null;
}

export class ForecastMonthView {
  @ApiProperty({ example: '2026-09' }) month!: string;
  @ApiProperty({ type: OpenDealsView, description: 'Open deals expected to close this month' })
  open!: OpenDealsView;
  @ApiProperty({ type: OutcomeView, description: 'Deals won this month, at the value they were won with' })
  won!: OutcomeView;
}

export class ForecastOwnerRowView {
  @ApiProperty({ type: String, nullable: true }) owner!: string | null;
  @ApiProperty({ type: [ForecastMonthView] }) months!: ForecastMonthView[];
}

export class ForecastReportView {
  @ApiProperty({ description: 'The last log position the report includes' }) position!: string;
  @ApiProperty() pipelineId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) from!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) to!: string | null;
  @ApiProperty({
    type: [ForecastMonthView],
    description:
      'Months in order that have something: open deals by the month of their expected close date (in [from, to)), won deals by the month of the win (in [from, to))',
  })
  months!: ForecastMonthView[];
  @ApiPropertyOptional({
    type: [ForecastOwnerRowView],
    description: 'With groupBy=owner: the same per owner',
  })
  owners?: ForecastOwnerRowView[];
}

export class LossReasonRowView extends OutcomeView {
  @ApiProperty({ example: 'price' }) reason!: string;
}

export class LossStageRowView extends OutcomeView {
  @ApiProperty() pipelineId!: string;
  @ApiProperty({ description: 'The stage the deal was lost in' }) stage!: string;
}

export class LossCompetitorRowView extends OutcomeView {
  @ApiProperty({ type: String, nullable: true, description: 'null: no competitor named' }) competitor!:
    string | null;
}

export class LossesReportView {
  @ApiProperty({ description: 'The last log position the report includes' }) position!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) from!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) to!: string | null;
  @ApiProperty({
    type: OutcomeView,
    description:
      'Deals lost in [from, to) and still lost (a reopened deal no longer counts), at the value lost',
  })
  lost!: OutcomeView;
  @ApiProperty({ type: [LossReasonRowView], description: 'Most deals first' }) byReason!: LossReasonRowView[];
  @ApiProperty({ type: [LossStageRowView], description: 'Most deals first' }) byStage!: LossStageRowView[];
  @ApiProperty({ type: [LossCompetitorRowView], description: 'Most deals first' })
  byCompetitor!: LossCompetitorRowView[];
}
