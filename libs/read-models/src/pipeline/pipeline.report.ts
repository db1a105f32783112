import { PIPELINE, type Stage } from '@app/domain';
import type { DocumentReader } from '../projection';
import {
  PIPELINE_TOTALS,
  PIPELINE_TOTALS_ID,
  type PipelineTally,
  type PipelineTotalsDoc,
} from './pipeline.projection';

export interface PipelineCurrencyTotal {
  readonly currency: string;
  readonly total: number;
}

export interface PipelineWeightedTotal extends PipelineCurrencyTotal {
  readonly weighted: number;
}

export interface PipelineStageRow {
  readonly stage: Stage;
  readonly probability: number;
  readonly openDeals: number;
  readonly values: readonly PipelineWeightedTotal[];
}

export interface PipelineOutcome {
  readonly deals: number;
  readonly values: readonly PipelineCurrencyTotal[];
}

/** GET /analytics/pipeline. */
export interface PipelineReport {
  readonly position: string;
  readonly stages: readonly PipelineStageRow[];
  readonly won: PipelineOutcome;
  readonly lost: PipelineOutcome;
}

/**
 * round(total x probability / 100), rounding halves up, computed on integers so that it stays exact where
 * total x probability exceeds 2^53 (totals are sums of integer amounts, probabilities whole percents).
 */
const weightedValue = (total: number, probability: number): number =>
  Number((BigInt(total) * BigInt(probability) + 50n) / 100n);

const byCurrency = (a: PipelineCurrencyTotal, b: PipelineCurrencyTotal): number =>
  a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0;

const currencyTotals = (tally: PipelineTally | undefined): PipelineCurrencyTotal[] =>
  Object.entries(tally?.values ?? {})
    .map(([currency, { total }]) => ({ currency, total }))
    .sort(byCurrency);

const outcome = (tally: PipelineTally | undefined): PipelineOutcome => ({
  deals: tally?.deals ?? 0,
  values: currencyTotals(tally),
});

/** Pipeline value by stage, every stage in pipeline order; `position` is the last log position it includes. */
export async function pipelineReport(reader: DocumentReader, position: string): Promise<PipelineReport> {
  const totals = await reader.get<PipelineTotalsDoc>(PIPELINE_TOTALS, PIPELINE_TOTALS_ID);
  return {
    position,
    stages: PIPELINE.map(({ stage, probability }) => {
      const tally = totals?.open[stage];
      return {
        stage,
        probability,
        openDeals: tally?.deals ?? 0,
        values: currencyTotals(tally).map((value) => ({
          ...value,
          weighted: weightedValue(value.total, probability),
        })),
      };
    }),
    won: outcome(totals?.won),
    lost: outcome(totals?.lost),
  };
}
