import type { DefinedPipeline } from '@app/domain';
import type { CountQuery, DocumentReader } from '../projection';
import { DEALS } from './deal-list.projection';

const DAY_MS = 24 * 3600 * 1000;

type Where = NonNullable<CountQuery['where']>;

/**
 * The bound a deal's lastTouchedAt must be below for it to rot at `at` in a stage with this rotting period:
 * it rots once its last touch plus the period is at or before the moment (the domain's rotsAt), that is once
 * lastTouchedAt <= at - period. Instants are stored with milliseconds, so "<= t" is "< t + 1 ms".
 */
export function touchedBefore(at: string, rottenAfterDays: number): string {
  return new Date(Date.parse(at) - rottenAfterDays * DAY_MS + 1).toISOString();
}

/** `where` and `place` together; undefined when they contradict each other (two stages, two statuses). */
function narrowed(where: Where, place: Where): Where | undefined {
  const contradicts = Object.entries(place).some(
    ([field, value]) => field in where && where[field] !== value,
  );
  return contradicts ? undefined : { ...where, ...place };
}

/** The open deals of one stage that rot at a moment, as a query on the deal list's documents. */
export interface RottingSelection extends CountQuery {
  readonly pipelineId: string;
  readonly stage: string;
}

/**
 * One query per stage of these pipelines that has a rotting period (retired stages too: their deals still
 * rot): its open deals last touched long enough before `at`. `where` narrows them further (an owner, a
 * lead); a stage it rules out (another pipeline, stage or status) has no query.
 */
export function rottingSelections(
  pipelines: readonly DefinedPipeline[],
  at: string,
  where: Where = {},
): RottingSelection[] {
  const selections: RottingSelection[] = [];
  for (const { pipelineId, stages } of pipelines) {
    for (const { stage, rottenAfterDays } of stages) {
      if (rottenAfterDays === null) continue;
      const open = narrowed(where, { pipelineId, stage, status: 'open' });
      if (!open) continue;
      selections.push({
        pipelineId,
        stage,
        where: open,
        range: { field: 'lastTouchedAt', lt: touchedBefore(at, rottenAfterDays) },
      });
    }
  }
  return selections;
}

/**
 * How many open deals rot at `at` in each stage of the pipeline that has a rotting period (absent: none),
 * counted on the deal list's documents; `where` narrows them (an owner).
 */
export async function rottingDealCounts(
  reader: DocumentReader,
  pipeline: DefinedPipeline,
  at: string,
  where: Where = {},
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { stage, where: selected, range } of rottingSelections([pipeline], at, where)) {
    counts[stage] = await reader.count(DEALS, { where: selected, range });
  }
  return counts;
}

/**
 * The complement of rottingSelections: the deals not rotting at `at`. Closed deals; open deals of stages
 * without a rotting period (of a whole pipeline when none of its stages has one); open deals of stages with
 * one, touched recently enough. The selections do not overlap; `where` narrows them as above.
 */
export function notRottingSelections(
  pipelines: readonly DefinedPipeline[],
  at: string,
  where: Where = {},
): CountQuery[] {
  const selections: CountQuery[] = [];
  for (const status of ['won', 'lost']) {
    const closed = narrowed(where, { status });
    if (closed) selections.push({ where: closed });
  }
  for (const { pipelineId, stages } of pipelines) {
    if (stages.every((s) => s.rottenAfterDays === null)) {
      const open = narrowed(where, { pipelineId, status: 'open' });
      if (open) selections.push({ where: open });
      continue;
    }
    for (const { stage, rottenAfterDays } of stages) {
      const open = narrowed(where, { pipelineId, stage, status: 'open' });
      if (!open) continue;
      selections.push(
        rottenAfterDays === null
          ? { where: open }
          : { where: open, range: { field: 'lastTouchedAt', gte: touchedBefore(at, rottenAfterDays) } },
      );
    }
  }
  return selections;
}
