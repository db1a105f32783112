import {
  type CapturedLead,
  type DefinedPipeline,
  type ExistingDeal,
  type Money,
  type PipelineState,
  evolveDeal,
  evolveLead,
  evolvePipeline,
  initialDealState,
  initialLeadState,
  initialPipelineState,
  isDealEvent,
  isLeadEvent,
  isPipelineEvent,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import fc from 'fast-check';
import { forecastProjection, forecastReport } from './forecast';
import { funnelProjection, funnelReport } from './funnel';
import { lossesProjection, lossesReport } from './losses';
import { MemoryDocuments } from './memory-documents';
import { pipelineProjection, pipelineReport } from './pipeline';
import { pipelinesProjection } from './pipelines';
import type { Projection } from './projection';
import { stagesProjection, stagesReport } from './stages';
import { PIPELINE_IDS, SOURCES, actionsArbitrary, historyOf, recordedAppends } from './testing/histories';

/*
 * Random histories over several pipelines, made by running random commands through the real deciders (see
 * testing/histories: pipelines defined, re-weighted, extended, reordered, retired; leads captured, qualified,
 * disqualified, reactivated, corrected; deals created in any pipeline and stage, moved both ways, re-valued,
 * re-dated, re-owned, given and cleared a probability override, won, lost, reopened, moved between pipelines),
 * recorded at increasing times with random gaps. Every report, folded in memory as the service folds it (now,
 * and as of a random moment: only the events that had occurred by then), must equal the report computed
 * here straight from the list of events: the aggregates replayed with the domain's own evolve functions, and
 * each number counted from them by the report's documented definition. Nothing here calls projection or
 * report code on the expected side.
 */

const START = Date.UTC(2026, 2, 1);
const DAY = 86_400_000;
const iso = (time: number) => new Date(time).toISOString();

// ---------------------------------------------------------------------------------------------------------
// The expected side: the aggregates' lives replayed from the plain list of events.

type Exit = 'forward' | 'back' | 'won' | 'lost' | 'movedOut';

/** A deal's time in one stage of one pipeline. */
interface Stay {
  readonly pipelineId: string;
  readonly stage: string;
  readonly enteredAt: number;
  exit: Exit | null;
  leftAt: number | null;
}

interface World {
  readonly pipelines: Map<string, PipelineState>;
  readonly leads: Map<string, CapturedLead>;
  readonly deals: Map<string, ExistingDeal>;
  readonly stays: Stay[];
}

function replay(log: readonly RecordedEvent[]): World {
  const world: World = { pipelines: new Map(), leads: new Map(), deals: new Map(), stays: [] };
  const staying = new Map<string, Stay>();
  for (const event of log) {
    const at = Date.parse(event.metadata.occurredAt);
    if (isPipelineEvent(event)) {
      const id = event.data.pipelineId;
      world.pipelines.set(id, evolvePipeline(world.pipelines.get(id) ?? initialPipelineState(id), event));
    } else if (isLeadEvent(event)) {
      const next = evolveLead(world.leads.get(event.data.leadId) ?? initialLeadState(), event);
      if (next.status !== 'none') world.leads.set(event.data.leadId, next);
    } else if (isDealEvent(event)) {
      const id = event.data.dealId;
      const before = world.deals.get(id);
      const next = evolveDeal(before ?? initialDealState(), event);
      if (next.status === 'none') throw new Error(`${event.type} of a deal never created`);
      const enter = (pipelineId: string, stage: string) => {
        const stay: Stay = { pipelineId, stage, enteredAt: at, exit: null, leftAt: null };
        world.stays.push(stay);
        staying.set(id, stay);
      };
      const leave = (exit: Exit) => {
        const stay = staying.get(id)!;
        stay.exit = exit;
        stay.leftAt = at;
        staying.delete(id);
      };
      switch (event.type) {
        case 'DealNoteAdded':
        case 'DealActivityScheduled':
        case 'DealActivityCompleted':
        case 'DealActivityRescheduled':
        case 'DealActivityCancelled':
          break;
        case 'DealCreated':
          enter(next.pipelineId, next.stage);
          break;
        case 'StageAdvanced':
          leave('forward');
          enter(next.pipelineId, next.stage);
          break;
        case 'StageReverted':
          leave('back');
          enter(next.pipelineId, next.stage);
          break;
        case 'DealWon':
          leave('won');
          break;
        case 'DealLost':
          leave('lost');
          break;
        case 'DealReopened':
          enter(next.pipelineId, next.stage);
          break;
        case 'DealMovedToPipeline':
          leave('movedOut');
          enter(next.pipelineId, next.stage);
          break;
        case 'DealValueChanged':
        case 'DealTitleChanged':
        case 'DealExpectedCloseDateChanged':
        case 'DealOwnerChanged':
        case 'DealProbabilityOverrideChanged':
          // The deal changes, not its place: the new state holds it.
          break;
      }
      world.deals.set(id, next);
    }
  }
  return world;
}

const pipelineIn = (world: World, pipelineId: string): DefinedPipeline | undefined => {
  const state = world.pipelines.get(pipelineId) ?? initialPipelineState(pipelineId);
  return state.status === 'none' ? undefined : state;
};

/** Whether an instant (ms) is in [from, to), either bound open when undefined. */
const within = (time: number, from: string | undefined, to: string | undefined): boolean =>
  (from === undefined || time >= Date.parse(from)) && (to === undefined || time < Date.parse(to));

const asInstant = (bound: string | undefined): string | null =>
  bound === undefined ? null : iso(Date.parse(bound));

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Names in order, no name (null) last. */
const byName = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : byText(a, b);

/** The items grouped by a key, in the order of the keys. */
function groupBy<T, K extends string | null>(
  items: readonly T[],
  key: (item: T) => K,
  order: (a: K, b: K) => number,
): [K, T[]][] {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.entries()].sort(([a], [b]) => order(a, b));
}

const sumOf = (amounts: readonly number[]): number => amounts.reduce((sum, amount) => sum + amount, 0);

/** Per currency, by code: the summed amounts. A currency with deals is listed even when they are worth 0. */
const totals = (values: readonly Money[]) =>
  groupBy(values, (v) => v.currency, byText).map(([currency, these]) => ({
    currency,
    total: sumOf(these.map((v) => v.amount)),
  }));

/** sum of amount x percent / 100, rounded to a whole minor unit, halves up; exact however large. */
function weighted(deals: readonly { amount: number; percent: number }[]): number {
  const sum = deals.reduce((total, d) => total + BigInt(d.amount) * BigInt(d.percent), 0n);
  return Number(sum / 100n + (sum % 100n >= 50n ? 1n : 0n));
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

const stageProbability = (pipeline: DefinedPipeline, stage: string): number =>
  pipeline.stages.find((s) => s.stage === stage)?.probability ?? 0;

/** Pipeline value by stage: open deals by active stage (and retired stage still holding some), won, lost. */
function expectedPipeline(world: World, pipelineId: string, byOwner: boolean, position: string) {
  const pipeline = pipelineIn(world, pipelineId);
  if (!pipeline) return undefined;
  const deals = [...world.deals.values()].filter((d) => d.pipelineId === pipelineId);
  const stages = pipeline.stages.filter(
    (s) => !s.retired || deals.some((d) => d.status === 'open' && d.stage === s.stage),
  );
  const outcome = (closed: readonly ExistingDeal[]) => ({
    deals: closed.length,
    values: totals(closed.map((d) => d.value)),
  });
  const section = (these: readonly ExistingDeal[]) => ({
    stages: stages.map((s) => {
      const open = these.filter((d) => d.status === 'open' && d.stage === s.stage);
      return {
        stage: s.stage,
        name: s.name,
        probability: s.probability,
        retired: s.retired,
        openDeals: open.length,
        values: groupBy(open, (d) => d.value.currency, byText).map(([currency, inCurrency]) => ({
          currency,
          total: sumOf(inCurrency.map((d) => d.value.amount)),
          weighted: weighted(
            inCurrency.map((d) => ({
              amount: d.value.amount,
              percent: d.probabilityOverride ?? s.probability,
            })),
          ),
        })),
      };
    }),
    won: outcome(these.filter((d) => d.status === 'won')),
    lost: outcome(these.filter((d) => d.status === 'lost')),
  });
  return {
    position,
    pipelineId,
    name: pipeline.name,
    ...section(deals),
    ...(byOwner
      ? {
          owners: groupBy(deals, (d) => d.owner, byName).map(([owner, these]) => ({
            owner,
            ...section(these),
          })),
        }
      : {}),
  };
}

/** The funnel of the leads captured in [from, to) (of one source), followed to where they are now. */
function expectedFunnel(world: World, query: Query, position: string) {
  const dealOf = new Map([...world.deals.values()].map((d) => [d.leadId, d]));
  const selected = [...world.leads.values()].filter(
    (l) =>
      within(Date.parse(l.capturedAt), query.from, query.to) &&
      (query.source === undefined || l.source === query.source),
  );
  return {
    position,
    sources: groupBy(selected, (l) => l.source, byText).map(([source, leads]) => {
      const deals = leads.flatMap((l) => dealOf.get(l.leadId) ?? []);
      const won = deals.filter((d) => d.status === 'won');
      const counts = {
        captured: leads.length,
        qualified: leads.filter((l) => l.status === 'qualified').length,
        disqualified: leads.filter((l) => l.status === 'disqualified').length,
        dealsCreated: deals.length,
        won: won.length,
        lost: deals.filter((d) => d.status === 'lost').length,
      };
      return {
        source,
        ...counts,
        wonValues: totals(won.map((d) => d.value)),
        rates: {
          qualification: ratio(counts.qualified, counts.captured),
          leadToDeal: ratio(counts.dealsCreated, counts.captured),
          win: ratio(counts.won, counts.won + counts.lost),
          leadToWon: ratio(counts.won, counts.captured),
        },
      };
    }),
  };
}

/** ms as days, to 4 decimals, halves up. */
const days = (ms: number): number => Math.floor((ms + 4_320) / 8_640) / 10_000;

/** Stage conversion and time in stage: stays entered in the period, and stays ended in it by how. */
function expectedStages(world: World, pipelineId: string, query: Query, position: string) {
  const pipeline = pipelineIn(world, pipelineId);
  if (!pipeline) return undefined;
  const stages = pipeline.stages.map((s) => {
    const stays = world.stays.filter((st) => st.pipelineId === pipelineId && st.stage === s.stage);
    const ended = stays.filter((st) => st.leftAt !== null && within(st.leftAt, query.from, query.to));
    const left = (exit: Exit) => ended.filter((st) => st.exit === exit).length;
    const [movedForward, movedBack, won, lost, movedOut] = [
      left('forward'),
      left('back'),
      left('won'),
      left('lost'),
      left('movedOut'),
    ];
    const durations = ended.map((st) => Math.max(0, st.leftAt! - st.enteredAt)).sort((a, b) => a - b);
    const n = durations.length;
    const middle = Math.floor(n / 2);
    const median =
      n % 2 === 1 ? durations[middle]! : Math.floor((durations[middle - 1]! + durations[middle]! + 1) / 2);
    return {
      stage: s.stage,
      name: s.name,
      retired: s.retired,
      entered: stays.filter((st) => within(st.enteredAt, query.from, query.to)).length,
      movedForward,
      movedBack,
      won,
      lost,
      movedOut,
      conversion: ratio(movedForward + won, movedForward + movedBack + won + lost + movedOut),
      timeInStage:
        n === 0
          ? { stays: 0, meanDays: null, medianDays: null }
          : {
              stays: n,
              meanDays: days(Math.floor((2 * sumOf(durations) + n) / (2 * n))),
              medianDays: days(median),
            },
    };
  });
  const won = sumOf(stages.map((s) => s.won));
  const lost = sumOf(stages.map((s) => s.lost));
  return {
    position,
    pipelineId,
    name: pipeline.name,
    from: asInstant(query.from),
    to: asInstant(query.to),
    stages,
    winRate: ratio(won, won + lost),
  };
}

/** Open deals by expected close month (the day starting in the period), won deals by month of the win. */
function expectedForecast(
  world: World,
  pipelineId: string,
  query: Query,
  byOwner: boolean,
  position: string,
) {
  const pipeline = pipelineIn(world, pipelineId);
  if (!pipeline) return undefined;
  const deals = [...world.deals.values()].filter((d) => d.pipelineId === pipelineId);
  const open = deals.filter(
    (d) =>
      d.status === 'open' && within(Date.parse(`${d.expectedCloseDate}T00:00:00.000Z`), query.from, query.to),
  );
  const won = deals.filter(
    (d) => d.status === 'won' && within(Date.parse(d.closedAt!), query.from, query.to),
  );
  const months = (openDeals: readonly ExistingDeal[], wonDeals: readonly ExistingDeal[]) => {
    const openIn = (month: string) => openDeals.filter((d) => d.expectedCloseDate.slice(0, 7) === month);
    const wonIn = (month: string) =>
      wonDeals.filter((d) => iso(Date.parse(d.closedAt!)).slice(0, 7) === month);
    const all = [
      ...openDeals.map((d) => d.expectedCloseDate.slice(0, 7)),
      ...wonDeals.map((d) => iso(Date.parse(d.closedAt!)).slice(0, 7)),
    ];
    return [...new Set(all)].sort(byText).map((month) => ({
      month,
      open: {
        deals: openIn(month).length,
        values: groupBy(openIn(month), (d) => d.value.currency, byText).map(([currency, these]) => ({
          currency,
          total: sumOf(these.map((d) => d.value.amount)),
          weighted: weighted(
            these.map((d) => ({
              amount: d.value.amount,
              percent: d.probabilityOverride ?? stageProbability(pipeline, d.stage),
            })),
          ),
        })),
      },
      won: { deals: wonIn(month).length, values: totals(wonIn(month).map((d) => d.value)) },
    }));
  };
  return {
    position,
    pipelineId,
    from: asInstant(query.from),
    to: asInstant(query.to),
    months: months(open, won),
    ...(byOwner
      ? {
          owners: groupBy([...open, ...won], (d) => d.owner, byName).map(([owner]) => ({
            owner,
            months: months(
              open.filter((d) => d.owner === owner),
              won.filter((d) => d.owner === owner),
            ),
          })),
        }
      : {}),
  };
}

/** The deals lost in [from, to) and still lost, by reason, pipeline and stage, competitor. */
function expectedLosses(world: World, query: Query, position: string) {
  const lost = [...world.deals.values()].filter(
    (d) => d.status === 'lost' && within(Date.parse(d.closedAt!), query.from, query.to),
  );
  const tally = (these: readonly ExistingDeal[]) => ({
    deals: these.length,
    values: totals(these.map((d) => d.value)),
  });
  /** Most deals first, then by the names in order (null last). */
  const rows = <R>(key: (d: ExistingDeal) => (string | null)[], row: (names: (string | null)[]) => R) =>
    groupBy(lost, (d) => JSON.stringify(key(d)), byText)
      .map(([json, these]) => ({ names: JSON.parse(json) as (string | null)[], these }))
      .sort(
        (a, b) =>
          b.these.length - a.these.length ||
          a.names.map((name, i) => byName(name, b.names[i]!)).find((order) => order !== 0) ||
          0,
      )
      .map(({ names, these }) => ({ ...row(names), ...tally(these) }));
  return {
    position,
    from: asInstant(query.from),
    to: asInstant(query.to),
    lost: tally(lost),
    byReason: rows(
      (d) => [d.lostReason],
      ([reason]) => ({ reason }),
    ),
    byStage: rows(
      (d) => [d.pipelineId, d.stage],
      ([pipelineId, stage]) => ({ pipelineId, stage }),
    ),
    byCompetitor: rows(
      (d) => [d.competitor],
      ([competitor]) => ({ competitor }),
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Moments and periods, placed on, just before and just after the events' times, at midnights and month
// starts around them, or anywhere over the span expected close dates cover.

type Moment =
  | { readonly kind: 'event'; readonly at: number; readonly shift: -1 | 0 | 1 }
  | { readonly kind: 'midnight'; readonly at: number; readonly days: number }
  | { readonly kind: 'month'; readonly at: number; readonly months: 0 | 1 }
  | { readonly kind: 'date'; readonly at: number; readonly days: number }
  | { readonly kind: 'close'; readonly at: number; readonly ms: number; readonly asDate: boolean }
  | { readonly kind: 'free'; readonly time: number };

const momentArbitrary: fc.Arbitrary<Moment> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      at: fc.nat(),
      shift: fc.constantFrom(-1 as const, 0 as const, 1 as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('midnight' as const),
      at: fc.nat(),
      days: fc.integer({ min: -1, max: 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('month' as const),
      at: fc.nat(),
      months: fc.constantFrom(0 as const, 1 as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('date' as const),
      at: fc.nat(),
      days: fc.integer({ min: -1, max: 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('close' as const),
      at: fc.nat(),
      ms: fc.constantFrom(0, 1, DAY / 2, DAY - 1),
      asDate: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('free' as const),
      time: fc.integer({ min: START - 40 * DAY, max: START + 440 * DAY }),
    }),
  },
);

/**
 * The moment as an ISO instant (or an ISO date), given the times (ms) events occurred at and the expected close
 * dates deals had.
 */
function resolve(moment: Moment, times: readonly number[], closeDates: readonly string[]): string {
  if (moment.kind === 'free') return iso(moment.time);
  if (moment.kind === 'close') {
    const date = closeDates.length === 0 ? '2026-06-30' : closeDates[moment.at % closeDates.length]!;
    return moment.asDate && moment.ms === 0 ? date : iso(Date.parse(date) + moment.ms);
  }
  const time = times.length === 0 ? START : times[moment.at % times.length]!;
  const midnight = time - (time % DAY);
  switch (moment.kind) {
    case 'event':
      return iso(time + moment.shift);
    case 'midnight':
      return iso(midnight + moment.days * DAY);
    case 'date':
      return iso(midnight + moment.days * DAY).slice(0, 10);
    case 'month': {
      const date = new Date(time);
      return iso(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + moment.months, 1));
    }
  }
}

interface Query {
  readonly from?: string;
  readonly to?: string;
  readonly source?: string;
}

const queryArbitrary = fc.record(
  { from: momentArbitrary, to: momentArbitrary, source: fc.constantFrom(...SOURCES, 'paid_ads') },
  { requiredKeys: [] },
);

// ---------------------------------------------------------------------------------------------------------

/** The documents of one report's projection, folded beside the pipelines' configuration, as the service does. */
function folded(projection: Projection, log: readonly RecordedEvent[]): MemoryDocuments {
  const documents = new MemoryDocuments();
  for (const event of log) {
    documents.apply(pipelinesProjection, event);
    documents.apply(projection, event);
  }
  return documents;
}

/** Every report of the folded log equals the one computed from the replayed events. */
async function checkReports(log: readonly RecordedEvent[], queries: readonly Query[]): Promise<void> {
  const position = String(log[log.length - 1]?.position ?? 0n);
  const world = replay(log);
  const pipeline = folded(pipelineProjection, log);
  const funnel = folded(funnelProjection, log);
  const stages = folded(stagesProjection, log);
  const forecast = folded(forecastProjection, log);
  const losses = folded(lossesProjection, log);
  const all: Query[] = [{}, ...queries];
  for (const pipelineId of PIPELINE_IDS) {
    expect(await pipelineReport(pipeline, { pipelineId }, position)).toEqual(
      expectedPipeline(world, pipelineId, false, position),
    );
    expect(await pipelineReport(pipeline, { pipelineId, groupBy: 'owner' }, position)).toEqual(
      expectedPipeline(world, pipelineId, true, position),
    );
    for (const { from, to } of all) {
      const period = {
        pipelineId,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      };
      expect(await stagesReport(stages, period, position)).toEqual(
        expectedStages(world, pipelineId, period, position),
      );
      expect(await forecastReport(forecast, period, position)).toEqual(
        expectedForecast(world, pipelineId, period, false, position),
      );
      expect(await forecastReport(forecast, { ...period, groupBy: 'owner' }, position)).toEqual(
        expectedForecast(world, pipelineId, period, true, position),
      );
    }
  }
  for (const query of all) {
    expect(await funnelReport(funnel, query, position)).toEqual(expectedFunnel(world, query, position));
    const { source: _source, ...period } = query;
    expect(await lossesReport(losses, period, position)).toEqual(expectedLosses(world, period, position));
  }
}

describe('reports (property)', () => {
  it('equal a computation straight from the events, now and as of any moment, for any period', async () => {
    await fc.assert(
      fc.asyncProperty(
        actionsArbitrary(80),
        momentArbitrary,
        fc.array(queryArbitrary, { minLength: 1, maxLength: 3 }),
        async (actions, asOfMoment, querySeeds) => {
          const log = recordedAppends(historyOf(actions, START));
          const times = log.map((e) => Date.parse(e.metadata.occurredAt));
          const closeDates = log.flatMap((e) =>
            e.type === 'DealCreated' || e.type === 'DealExpectedCloseDateChanged'
              ? [String(e.data[e.type === 'DealCreated' ? 'expectedCloseDate' : 'to'])]
              : [],
          );
          const queries = querySeeds.map((q) => ({
            ...(q.from === undefined ? {} : { from: resolve(q.from, times, closeDates) }),
            ...(q.to === undefined ? {} : { to: resolve(q.to, times, closeDates) }),
            ...(q.source === undefined ? {} : { source: q.source }),
          }));
          await checkReports(log, queries);
          // As of a moment: the events that had occurred by then, as the as-of folder reads them.
          const asOf = new Date(resolve(asOfMoment, times, closeDates)).toISOString();
          await checkReports(
            log.filter((e) => e.metadata.occurredAt <= asOf),
            queries,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
