import {
  type PeriodPlan,
  type TextRange,
  between,
  bucketKeyRange,
  nextMonth,
  planPeriod,
} from '../period-plan';
import { findPipeline } from '../pipelines';
import type { DocumentReader, FindQuery } from '../projection';
import { ratio, reportInstant } from '../report-values';
import { medianInPlace, scratchOf } from './median';
import {
  EXIT_COUNTERS,
  STAGE_BUCKETS,
  STAGE_STAYS,
  type StageBucketDoc,
  type StageStayDoc,
  pipelineTimeKey,
} from './stages.projection';

/** Which pipeline, and the period [from, to) (ISO dates or instants, either end open when absent). */
export interface StagesQuery {
  readonly pipelineId: string;
  readonly from?: string;
  readonly to?: string;
}

/**
 * Time in stage of the stays that ended in the period (every stay counts, a deal back in a stage adds one).
 * A stay's duration is its exit time minus its entry time in whole milliseconds (0 should a clock have gone
 * back). `meanDays` = round(sum of the durations / stays) / 86,400,000; `medianDays` = the median duration
 * (the mean of the two middle ones, rounded to a whole ms, for an even count) / 86,400,000; both rounded to
 * 4 decimals, halves up; null when no stay ended in the period.
 */
export interface StageTimeInStage {
  readonly stays: number;
  readonly meanDays: number | null;
  readonly medianDays: number | null;
}

/**
 * One stage of the pipeline over the period. A stay is a deal's time in one stage, from entering it (created
 * in it, advanced or reverted to it, reopened in it, moved into it from another pipeline) to leaving it.
 * `entered` counts the stays that began in the period; `movedForward` (StageAdvanced), `movedBack`
 * (StageReverted), `won`, `lost` and `movedOut` (DealMovedToPipeline to another pipeline) count the stays that
 * ended in the period, by how they ended. `conversion` = (movedForward + won) / (movedForward + movedBack +
 * won + lost + movedOut): of the deals that left the stage, the share that moved on; null when none left.
 */
export interface StageRow {
  readonly stage: string;
  readonly name: string;
  readonly retired: boolean;
  readonly entered: number;
  readonly movedForward: number;
  readonly movedBack: number;
  readonly won: number;
  readonly lost: number;
  readonly movedOut: number;
  readonly conversion: number | null;
  readonly timeInStage: StageTimeInStage;
}

/**
 * GET /analytics/stages: stage conversion and time in stage of one pipeline over [from, to), every stage of
 * the pipeline (retired ones included) in its order at the report's moment. Entries and exits are placed in
 * the period by the time they occurred; a stay belongs to the pipeline the deal was in during it. A deal won
 * or lost and later reopened keeps its win or loss counted. `winRate` = won / (won + lost) over all stages,
 * null when 0. `from` and `to` are given back as UTC instants, null when open.
 */
export interface StagesReport {
  readonly position: string;
  readonly pipelineId: string;
  readonly name: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly stages: readonly StageRow[];
  readonly winRate: number | null;
}

interface StageTally {
  entered: number;
  movedForward: number;
  movedBack: number;
  won: number;
  lost: number;
  movedOut: number;
  /** The durations of the stays that ended in the period: the buckets' runs, and one run of the edges' stays. */
  readonly durations: (readonly number[])[];
  readonly edges: number[];
}

type Range = Required<Pick<NonNullable<FindQuery['range']>, 'gte' | 'lt'>>;

/** Instants from year 10000 on are written with a sign ('+010000-...'), which sorts before every digit. */
const YEAR_10000 = Date.parse('+010000-01-01T00:00:00.000Z');

/**
 * The keys of one pipeline's stays in [from, to), or null when no event time can be in it. Keys are
 * `${pipelineId}|${instant}`; pipeline ids are slugs, and '}' sorts right after '|', so `${pipelineId}|` and
 * `${pipelineId}}` bound exactly one pipeline's keys. Event times are in four-digit years: a bound in a
 * negative year ('-000001-...') sorts before them all as it is, one from year 10000 on is placed by hand.
 */
function keyRange(pipelineId: string, from: string | undefined, to: string | undefined): Range | null {
  if (from !== undefined && Date.parse(from) >= YEAR_10000) return null;
  return {
    gte: pipelineTimeKey(pipelineId, from ?? ''),
    lt: to === undefined || Date.parse(to) >= YEAR_10000 ? `${pipelineId}}` : pipelineTimeKey(pipelineId, to),
  };
}

/** keyRange places bounds beyond the four-digit years: they are taken, not refused. */
const BOUNDS = { expandedYears: true } as const;

/**
 * planPeriod names days and months in four-digit years: what a given bound places beyond these (in a negative
 * year or after 9999) is read stay by stay. No event time is out there, so those reads find nothing, quickly;
 * they keep the answer exact anyway.
 */
const PLANNED_FROM = '1000-01-01T00:00:00.000Z';
const PLANNED_TO = '9999-12-01T00:00:00.000Z';

/** What [from, to) is read from: whole months and days from buckets, the rest stay by stay (key ranges). */
function readsOf(
  pipelineId: string,
  from: string | undefined,
  to: string | undefined,
): { readonly plan: PeriodPlan | null; readonly stays: readonly Range[] } {
  const start = from === undefined ? -Infinity : Date.parse(from);
  const end = to === undefined ? Infinity : Date.parse(to);
  const [low, high] = [Date.parse(PLANNED_FROM), Date.parse(PLANNED_TO)];
  const ranges = (bounds: readonly (readonly [string | undefined, string | undefined])[]) =>
    bounds
      .map(([gte, lt]) => keyRange(pipelineId, gte, lt))
      .filter((range): range is Range => range !== null);
  if (start >= end) return { plan: null, stays: [] };
  if (start >= high || end <= low) return { plan: null, stays: ranges([[from, to]]) };
  const before = from !== undefined && start < low ? ([from, PLANNED_FROM] as const) : undefined;
  const after = to !== undefined && end > high ? ([PLANNED_TO, to] as const) : undefined;
  const plan = planPeriod(before ? PLANNED_FROM : from, after ? PLANNED_TO : to);
  const edges = plan.instants.map((range) => [range.gte, range.lt] as const);
  return { plan, stays: ranges([...(before ? [before] : []), ...edges, ...(after ? [after] : [])]) };
}

/** Whether a day or month (as text) is in a range of them. */
const within = (value: string, { gte, lt }: TextRange): boolean =>
  (gte === undefined || value >= gte) && (lt === undefined || value < lt);

const earlier = (a?: string, b?: string) => (a === undefined || b === undefined ? undefined : a < b ? a : b);
const later = (a?: string, b?: string) => (a === undefined || b === undefined ? undefined : a > b ? a : b);

/**
 * The months whose documents hold the plan's whole months and whole days: they follow each other, so one
 * range from the first to the last. The plan's days are in years 1000 to 9999 (see readsOf), where months
 * are written with four digits.
 */
function monthsOf(plan: PeriodPlan): TextRange | null {
  const ranges = [
    ...(plan.months ? [plan.months] : []),
    ...plan.days.map(({ gte, lt }) =>
      between(
        gte?.slice(0, 7),
        lt === undefined || lt.endsWith('-01') ? lt?.slice(0, 7) : nextMonth(lt.slice(0, 7)),
      ),
    ),
  ];
  return ranges.length === 0
    ? null
    : ranges.reduce((all, range) => between(earlier(all.gte, range.gte), later(all.lt, range.lt)));
}

/** Milliseconds as days rounded to 4 decimals, halves up: ms / 8,640 is days x 10,000, divided once. */
const days = (ms: number): number => Math.round(ms / 8_640) / 10_000;

function timeInStage({ durations, edges }: StageTally): StageTimeInStage {
  const runs = edges.length === 0 ? durations : [...durations, edges];
  let count = 0;
  for (const run of runs) count += run.length;
  if (count === 0) return { stays: 0, meanDays: null, medianDays: null };
  const all = scratchOf(count);
  let offset = 0;
  let sum = 0;
  // Indexed loops: ten times faster here than for-of or TypedArray.set over the runs JSON.parse made.
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    for (let i = 0; i < run.length; i++) {
      const ms = run[i]!;
      all[offset++] = ms;
      sum += ms;
    }
  }
  // round(sum / count) in whole ms: exact as a number below 2^53 (durations are whole and never negative), and
  // summed again as integers beyond, where many long stays can add up.
  const total = Number.isSafeInteger(sum) ? BigInt(sum) : all.reduce((t, ms) => t + BigInt(ms), 0n);
  const meanMs = Number((2n * total + BigInt(count)) / (2n * BigInt(count)));
  return { stays: count, meanDays: days(meanMs), medianDays: days(medianInPlace(all)) };
}

/**
 * Stage conversion and time in stage of a pipeline over [from, to); undefined for an unknown pipeline.
 * `position` is the last log position it includes. Throws a RangeError when from or to is not an ISO date
 * or instant.
 * Reads the period's whole months and whole days from the pipeline's month buckets (one range query: all
 * time is every month, nothing else), and only the partial days at its edges stay by stay (the stays
 * entered, the stays ended there); never the log.
 */
export async function stagesReport(
  reader: DocumentReader,
  query: StagesQuery,
  position: string,
): Promise<StagesReport | undefined> {
  const from = reportInstant(query.from, 'from', BOUNDS);
  const to = reportInstant(query.to, 'to', BOUNDS);
  const pipeline = await findPipeline(reader, query.pipelineId);
  if (!pipeline) return undefined;
  const { pipelineId } = query;

  const tallies = new Map<string, StageTally>(
    pipeline.stages.map((s) => [
      s.stage,
      { entered: 0, movedForward: 0, movedBack: 0, won: 0, lost: 0, movedOut: 0, durations: [], edges: [] },
    ]),
  );
  // A stay of a stage the pipeline does not list cannot be shown in a row: stages are never deleted, so none is.
  const tallyOf = (stay: StageStayDoc) =>
    stay.pipelineId === pipelineId ? tallies.get(stay.stage) : undefined;

  const { plan, stays } = readsOf(pipelineId, from, to);
  const months = plan && monthsOf(plan);
  if (plan && months) {
    const buckets = await reader.find<StageBucketDoc>(STAGE_BUCKETS, {
      range: { field: 'key', ...bucketKeyRange(pipelineId, 'month', months) },
    });
    for (const bucket of buckets) {
      // A whole month of the period adds all its days; a month at an edge only the period's whole days in it.
      const whole = plan.months !== null && within(bucket.month, plan.months);
      for (const { day, stages } of bucket.days) {
        if (!whole && !plan.days.some((range) => within(day, range))) continue;
        for (const counts of stages) {
          const tally = tallies.get(counts.stage);
          if (!tally) continue;
          tally.entered += counts.entered;
          tally.movedForward += counts.movedForward;
          tally.movedBack += counts.movedBack;
          tally.won += counts.won;
          tally.lost += counts.lost;
          tally.movedOut += counts.movedOut;
          for (const run of counts.durations) tally.durations.push(run);
        }
      }
    }
  }
  for (const range of stays) {
    const entered = await reader.find<StageStayDoc>(STAGE_STAYS, {
      range: { field: 'pipelineEnteredAt', ...range },
    });
    for (const stay of entered) {
      const tally = tallyOf(stay);
      if (tally) tally.entered += 1;
    }
    const ended = await reader.find<StageStayDoc>(STAGE_STAYS, {
      range: { field: 'pipelineLeftAt', ...range },
    });
    for (const stay of ended) {
      const tally = tallyOf(stay);
      if (!tally || stay.exit === null || stay.durationMs === null) continue;
      tally[EXIT_COUNTERS[stay.exit]] += 1;
      tally.edges.push(stay.durationMs);
    }
  }

  const stages = pipeline.stages.map(({ stage, name, retired }): StageRow => {
    const tally = tallies.get(stage)!;
    const { entered, movedForward, movedBack, won, lost, movedOut } = tally;
    return {
      stage,
      name,
      retired,
      entered,
      movedForward,
      movedBack,
      won,
      lost,
      movedOut,
      conversion: ratio(movedForward + won, movedForward + movedBack + won + lost + movedOut),
      timeInStage: timeInStage(tally),
    };
  });
  const won = stages.reduce((sum, row) => sum + row.won, 0);
  const lost = stages.reduce((sum, row) => sum + row.lost, 0);
  return {
    position,
    pipelineId,
    name: pipeline.name,
    from: from ?? null,
    to: to ?? null,
    stages,
    winRate: ratio(won, won + lost),
  };
}
