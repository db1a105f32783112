import type { DefinedPipeline, PipelineStage } from '@app/domain';
import { rottingDealCounts } from '../deal-list';
import type { DocumentReader } from '../projection';
import { findPipeline } from '../pipelines';
import { type CurrencyTotal, byName, currencyTotals, roundedPercent, sortedByKey } from '../report-values';
import {
  PIPELINE_OWNER_TOTALS,
  PIPELINE_TOTALS,
  type PipelineCounts,
  type PipelineCurrencyTally,
  type PipelineOwnerTotalsDoc,
  type PipelineTally,
  type PipelineTotalsDoc,
} from './pipeline.projection';

export type PipelineCurrencyTotal = CurrencyTotal;

export interface PipelineWeightedTotal extends PipelineCurrencyTotal {
  readonly weighted: number;
}

export interface PipelineStageRow {
  readonly stage: string;
  readonly name: string;
  /** The stage's win probability in effect at the report's moment. */
  readonly probability: number;
  /** A retired stage is listed only while it still holds open deals. */
  readonly retired: boolean;
  readonly openDeals: number;
  /**
   * The open deals rotting at `rottingAt` (see PipelineReportQuery): 0 in a stage without a rotting period.
   * Absent when the query names no moment.
   */
  readonly rottingDeals?: number;
  readonly values: readonly PipelineWeightedTotal[];
}

export interface PipelineOutcome {
  readonly deals: number;
  readonly values: readonly PipelineCurrencyTotal[];
}

/** Open deals by stage, and won and lost deals: of a whole pipeline, or of one owner in it. */
export interface PipelineReportSection {
  readonly stages: readonly PipelineStageRow[];
  readonly won: PipelineOutcome;
  readonly lost: PipelineOutcome;
}

export interface PipelineOwnerRow extends PipelineReportSection {
  /** null: the deals without an owner. */
  readonly owner: string | null;
}

/** GET /analytics/pipeline. */
export interface PipelineReport extends PipelineReportSection {
  readonly position: string;
  readonly pipelineId: string;
  readonly name: string;
  /** With groupBy=owner only: one row per owner with deals in the pipeline, by name, no owner last. */
  readonly owners?: readonly PipelineOwnerRow[];
}

export interface PipelineReportQuery {
  readonly pipelineId: string;
  readonly groupBy?: 'owner';
  /**
   * The report's moment (ISO instant): with it, each stage row counts the deals rotting then, from the deal
   * list's documents (fold the deal-list projection too for an as-of report).
   */
  readonly rottingAt?: string;
}

/** round((total without override x stage probability + sum of amount x override) / 100), halves up. */
function weightedValue(tally: PipelineCurrencyTally, probability: number): number {
  const overridden = tally.overridden ?? { total: 0, weight: '0' };
  const plain = BigInt(tally.total) - BigInt(overridden.total);
  return roundedPercent(plain * BigInt(probability) + BigInt(overridden.weight));
}

const outcome = (tally: PipelineTally | undefined): PipelineOutcome => ({
  deals: tally?.deals ?? 0,
  values: currencyTotals(
    Object.entries(tally?.values ?? {}).map(([currency, { total }]) => [currency, total] as const),
  ),
});

/** Rotting deals per stage; undefined when the report counts none. */
type RottingCounts = Readonly<Record<string, number>> | undefined;

const stageRow = (
  { stage, name, probability, retired }: PipelineStage,
  tally: PipelineTally | undefined,
  rotting: RottingCounts,
): PipelineStageRow => ({
  stage,
  name,
  probability,
  retired,
  openDeals: tally?.deals ?? 0,
  ...(rotting ? { rottingDeals: rotting[stage] ?? 0 } : {}),
  values: sortedByKey(Object.entries(tally?.values ?? {})).map(([currency, entry]) => ({
    currency,
    total: entry.total,
    weighted: weightedValue(entry, probability),
  })),
});

const section = (
  stages: readonly PipelineStage[],
  counts: PipelineCounts | undefined,
  rotting: RottingCounts,
): PipelineReportSection => ({
  stages: stages.map((stage) => stageRow(stage, counts?.open[stage.stage], rotting)),
  won: outcome(counts?.won),
  lost: outcome(counts?.lost),
});

const byOwner = (a: PipelineOwnerTotalsDoc, b: PipelineOwnerTotalsDoc): number => byName(a.owner, b.owner);

/**
 * The rotting deals of each owner, counted per owner; the deals without an owner (which no query can name)
 * are the pipeline's less the named owners'.
 */
async function rottingByOwner(
  reader: DocumentReader,
  pipeline: DefinedPipeline,
  at: string,
  owners: readonly (string | null)[],
  all: Readonly<Record<string, number>>,
): Promise<Map<string | null, Record<string, number>>> {
  const byOwner = new Map<string | null, Record<string, number>>();
  const unowned = { ...all };
  for (const owner of owners) {
    if (owner === null) continue;
    const counts = await rottingDealCounts(reader, pipeline, at, { owner });
    byOwner.set(owner, counts);
    for (const [stage, count] of Object.entries(counts)) unowned[stage] = (unowned[stage] ?? 0) - count;
  }
  byOwner.set(
    null,
    Object.fromEntries(Object.entries(unowned).map(([stage, count]) => [stage, Math.max(0, count)])),
  );
  return byOwner;
}

/**
 * Pipeline value by stage for one pipeline: its active stages in order, and its retired stages that still hold
 * open deals in their place; `position` is the last log position it includes. Probabilities and rotting
 * periods are those in effect in the pipelines' documents the reader holds (for an as-of report, fold the
 * pipelines projection too). Undefined when the pipeline does not exist.
 */
export async function pipelineReport(
  reader: DocumentReader,
  query: PipelineReportQuery,
  position: string,
): Promise<PipelineReport | undefined> {
  const pipeline = await findPipeline(reader, query.pipelineId);
  if (!pipeline) return undefined;
  const totals = await reader.get<PipelineTotalsDoc>(PIPELINE_TOTALS, pipeline.pipelineId);
  const stages = pipeline.stages.filter((s) => !s.retired || (totals?.open[s.stage]?.deals ?? 0) > 0);
  const at = query.rottingAt;
  const rotting = at === undefined ? undefined : await rottingDealCounts(reader, pipeline, at);
  const report: PipelineReport = {
    position,
    pipelineId: pipeline.pipelineId,
    name: pipeline.name,
    ...section(stages, totals, rotting),
  };
  if (query.groupBy !== 'owner') return report;
  const owners = (
    await reader.find<PipelineOwnerTotalsDoc>(PIPELINE_OWNER_TOTALS, {
      where: { pipelineId: pipeline.pipelineId },
    })
  ).sort(byOwner);
  const ownersRotting =
    at !== undefined && rotting !== undefined
      ? await rottingByOwner(
          reader,
          pipeline,
          at,
          owners.map((doc) => doc.owner),
          rotting,
        )
      : undefined;
  return {
    ...report,
    owners: owners.map((doc) => ({
      owner: doc.owner,
      ...section(stages, doc, ownersRotting?.get(doc.owner)),
    })),
  };
}
