import { findPipeline } from '../pipelines';
import type { DocumentReader, FindQuery } from '../projection';
import { ratio, reportInstant } from '../report-values';
import { STAGE_STAYS, type StageStayDoc, pipelineTimeKey } from './stages.projection';

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
  readonly durations: number[];
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

/** Milliseconds as days rounded to 4 decimals, halves up: ms / 8,640 is days x 10,000, divided once. */
const days = (ms: number): number => Math.round(ms / 8_640) / 10_000;

/** round(sum / count) in whole ms, summed as integers: many long stays can add up past 2^53. */
function meanMs(durations: readonly number[]): number {
  const sum = durations.reduce((total, ms) => total + BigInt(ms), 0n);
  const count = BigInt(durations.length);
  return Number((2n * sum + count) / (2n * count));
}

function medianMs(durations: readonly number[]): number {
  const sorted = [...durations].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

function timeInStage(durations: readonly number[]): StageTimeInStage {
  if (durations.length === 0) return { stays: 0, meanDays: null, medianDays: null };
  return {
    stays: durations.length,
    meanDays: days(meanMs(durations)),
    medianDays: days(medianMs(durations)),
  };
}

/**
 * Stage conversion and time in stage of a pipeline over [from, to); undefined for an unknown pipeline.
 * `position` is the last log position it includes. Throws a RangeError when from or to is not an ISO date
 * or instant.
 * Reads two ranges of one index each (the stays entered, the stays ended in the period), never the log.
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
      { entered: 0, movedForward: 0, movedBack: 0, won: 0, lost: 0, movedOut: 0, durations: [] },
    ]),
  );
  // A stay of a stage the pipeline does not list cannot be shown in a row: stages are never deleted, so none is.
  const tallyOf = (stay: StageStayDoc) =>
    stay.pipelineId === pipelineId ? tallies.get(stay.stage) : undefined;

  const range = keyRange(pipelineId, from, to);
  if (range) {
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
      switch (stay.exit) {
        case 'forward':
          tally.movedForward += 1;
          break;
        case 'back':
          tally.movedBack += 1;
          break;
        case 'won':
          tally.won += 1;
          break;
        case 'lost':
          tally.lost += 1;
          break;
        case 'movedOut':
          tally.movedOut += 1;
          break;
        default: {
          const exhaustive: never = stay.exit;
          return exhaustive;
        }
      }
      tally.durations.push(stay.durationMs);
    }
  }

  const stages = pipeline.stages.map(({ stage, name, retired }): StageRow => {
    const { durations, ...counts } = tallies.get(stage)!;
    const { movedForward, movedBack, won, lost, movedOut } = counts;
    return {
      stage,
      name,
      retired,
      ...counts,
      conversion: ratio(movedForward + won, movedForward + movedBack + won + lost + movedOut),
      timeInStage: timeInStage(durations),
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
