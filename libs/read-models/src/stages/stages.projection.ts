import { isDealEvent, isInteractionEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { bucketKey } from '../period-plan';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';
import { storedInstant } from '../report-values';

export const STAGE_STAYS = 'stage_stays';
export const STAGE_DEALS = 'stage_deals';
/** What happened in each stage of a pipeline, per UTC month and day in it: what a report reads first. */
export const STAGE_BUCKETS = 'stage_buckets';

/**
 * How a stay began: the deal was created in the stage (`created`), advanced to it (`advanced`), reverted to it
 * (`reverted`), reopened in it after being won or lost (`reopened`), or moved into it from another pipeline
 * (`movedIn`).
 */
export type StayEntry = 'created' | 'advanced' | 'reverted' | 'reopened' | 'movedIn';

/**
 * How a stay ended: StageAdvanced (`forward`), StageReverted (`back`), DealWon (`won`), DealLost (`lost`),
 * DealMovedToPipeline out of the stage's pipeline (`movedOut`).
 */
export type StayExit = 'forward' | 'back' | 'won' | 'lost' | 'movedOut';

/**
 * A stay: one deal's time in one stage of one pipeline, from entering the stage to leaving it. A deal that
 * comes back to a stage (reverted, reopened) starts a new stay there. Times are the events' occurredAt, in
 * the form toISOString writes, so that text order is time order. A report reads stays only for the partial
 * days at the edges of its period; whole days and months come from the buckets.
 */
export interface StageStayDoc extends Doc {
  /**
   * `${dealId}:${n}`, n counting the deal's stays from 0. Neither has a field of its own: stays are the bulk of
   * what a rebuild writes.
   */
  readonly id: string;
  /** The pipeline the deal was in during the stay: a stay belongs to it, whatever the deal did later. */
  readonly pipelineId: string;
  readonly stage: string;
  readonly entry: StayEntry;
  readonly enteredAt: string;
  /** `${pipelineId}|${enteredAt}`: one range query reads the stays a pipeline's stages had entered in a period. */
  readonly pipelineEnteredAt: string;
  /** Null while the deal is in the stage. */
  readonly exit: StayExit | null;
  readonly leftAt: string | null;
  /** `${pipelineId}|${leftAt}`, null while open: one range query reads the stays that ended in a period. */
  readonly pipelineLeftAt: string | null;
  /** leftAt minus enteredAt in whole milliseconds (0 if the clock went back); null while open. */
  readonly durationMs: number | null;
}

/** The stay a deal is in: enough to write the stay when it ends without reading it. */
export interface OpenStay {
  readonly n: number;
  readonly stage: string;
  readonly entry: StayEntry;
  readonly enteredAt: string;
}

/** What the projection remembers of a deal between events: the stay it is in, so that an exit can end it. */
export interface StageDealDoc extends Doc {
  /** The deal id. */
  readonly id: string;
  /** The pipeline of its latest stay: a reopened deal is open again there, and the open stay is in it. */
  readonly pipelineId: string;
  /** How many stays it has had: the next stay's n. */
  readonly stays: number;
  /** The stay it is in now; null while it is won or lost. */
  readonly current: OpenStay | null;
}

/** The stays of one stage counted in one day: entries by when they began, exits by when they ended. */
export interface StageBucketCounts {
  readonly stage: string;
  readonly entered: number;
  readonly movedForward: number;
  readonly movedBack: number;
  readonly won: number;
  readonly lost: number;
  readonly movedOut: number;
  /**
   * The durations (whole ms) of the stays that ended in the day, for an exact median: in runs of distinct
   * power-of-two lengths, longest first, so that one more merges a few short runs (O(log n) on average)
   * instead of copying them all.
   */
  readonly durations: readonly (readonly number[])[];
}

/** The counters a stay adds one to, by how it began (`entered`) or ended. */
export type StageCounter = Exclude<keyof StageBucketCounts, 'stage' | 'durations'>;

/** One UTC day of a pipeline's stages. */
export interface StageDayCounts {
  /** YYYY-MM-DD. */
  readonly day: string;
  /** The stages that had a stay begin or end that day, in the order they first did. */
  readonly stages: readonly StageBucketCounts[];
}

/**
 * One pipeline's stages over one UTC month, day by day: a whole month is its days added up, and a period's
 * whole days at its edges are in the same documents. One document per month rather than a month bucket
 * beside day buckets: an event then changes one document, not two, and each duration is kept once.
 */
export interface StageBucketDoc extends Doc {
  /** The key. */
  readonly id: string;
  readonly pipelineId: string;
  /** YYYY-MM. */
  readonly month: string;
  /** bucketKey(pipelineId, 'month', month): one range query reads a pipeline's months of a period. */
  readonly key: string;
  /** The days that had a stay begin or end, in order. */
  readonly days: readonly StageDayCounts[];
}

export const stayId = (dealId: string, n: number): string => `${dealId}:${n}`;

/** The key a stay is found by in a pipeline's period: pipeline first, then the instant (text order = time order). */
export const pipelineTimeKey = (pipelineId: string, instant: string): string => `${pipelineId}|${instant}`;

export const EXIT_COUNTERS: Readonly<Record<StayExit, StageCounter>> = {
  forward: 'movedForward',
  back: 'movedBack',
  won: 'won',
  lost: 'lost',
  movedOut: 'movedOut',
};

const dealRef = (dealId: string): DocRef => ({ collection: STAGE_DEALS, id: dealId });
/** The UTC day and month of an instant, as bucketsOf names them: the month is the document, the day in it. */
const dayOf = (at: string): string => at.slice(0, 10);
const monthOf = (at: string): string => at.slice(0, 7);
/**
 * The bucket of a pipeline at an instant. The last one is kept: consecutive events mostly share it, and a
 * rebuild asks for it twice per event (touches, evolve); one id string also hashes once in the runner's maps.
 */
let lastBucket: { readonly pipelineId: string; readonly month: string; readonly ref: DocRef } | undefined;
function bucketRef(pipelineId: string, at: string): DocRef {
  if (lastBucket?.pipelineId !== pipelineId || !at.startsWith(lastBucket.month)) {
    const month = monthOf(at);
    const ref = { collection: STAGE_BUCKETS, id: bucketKey(pipelineId, 'month', month) };
    lastBucket = { pipelineId, month, ref };
  }
  return lastBucket.ref;
}

const findDeal = (docs: DocLookup | undefined, dealId: string) =>
  docs?.(STAGE_DEALS, dealId) as StageDealDoc | undefined;

/** An instant exactly as toISOString writes it, in a four-digit year, at a time of day that exists. */
const CANONICAL =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digit = (text: string, at: number): number => text.charCodeAt(at) - 48;

/**
 * storedInstant(occurredAt), the time an event is placed at. The store writes occurredAt as toISOString
 * does: such a time of an existing day is its own answer, without the parse and format that are otherwise a
 * good part of a rebuild (touches and evolve both need it). Anything else (a day that rolls over, an
 * offset) is parsed as before.
 */
export function eventInstant(occurredAt: string): string | undefined {
  if (CANONICAL.test(occurredAt)) {
    const year =
      digit(occurredAt, 0) * 1000 +
      digit(occurredAt, 1) * 100 +
      digit(occurredAt, 2) * 10 +
      digit(occurredAt, 3);
    const month = digit(occurredAt, 5) * 10 + digit(occurredAt, 6);
    const day = digit(occurredAt, 8) * 10 + digit(occurredAt, 9);
    const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day <= MONTH_DAYS[month - 1]! + (leap ? 1 : 0)) return occurredAt;
  }
  return storedInstant(occurredAt);
}

const instantOf = (event: RecordedEvent): string | undefined => eventInstant(event.metadata.occurredAt);

/**
 * The deal, and once it is loaded the bucket of its pipeline at the event's time (where its open stay ends
 * or a reopened one begins) and of `other` (where it moves to): the pipeline is known only from the deal.
 */
function dealAndBuckets(
  lookup: DocLookup | undefined,
  event: RecordedEvent,
  dealId: string,
  other?: string,
): DocRef[] {
  const deal = findDeal(lookup, dealId);
  const at = deal && instantOf(event);
  if (!deal || at === undefined) return [dealRef(dealId)];
  return [
    dealRef(dealId),
    bucketRef(deal.pipelineId, at),
    ...(other === undefined || other === deal.pipelineId ? [] : [bucketRef(other, at)]),
  ];
}

function touches(event: RecordedEvent, lookup?: DocLookup): readonly DocRef[] {
  if (!isDealEvent(event)) return [];
  if (isInteractionEvent(event)) return [];
  switch (event.type) {
    case 'DealCreated': {
      // evolve places nothing at a time that is not one.
      const at = instantOf(event);
      return at === undefined ? [] : [dealRef(event.data.dealId), bucketRef(event.data.pipelineId, at)];
    }
    case 'StageAdvanced':
    case 'StageReverted':
    case 'DealWon':
    case 'DealLost':
    case 'DealReopened':
      return dealAndBuckets(lookup, event, event.data.dealId);
    case 'DealMovedToPipeline':
      return dealAndBuckets(lookup, event, event.data.dealId, event.data.to.pipelineId);
    case 'DealValueChanged':
    case 'DealTitleChanged':
    case 'DealExpectedCloseDateChanged':
    case 'DealOwnerChanged':
    case 'DealProbabilityOverrideChanged':
      return [];
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

const put = (collection: string, doc: Doc): DocChange => ({ collection, id: doc.id, doc });

/** One count an event adds to a pipeline's stage on its day, with the duration of a stay it ends. */
interface Tally {
  readonly pipelineId: string;
  readonly stage: string;
  readonly counter: StageCounter;
  readonly durationMs?: number;
}

/** What an event does: the stays and deal it writes, and what it counts in the buckets. */
interface Step {
  readonly changes: readonly DocChange[];
  readonly tallies: readonly Tally[];
}

const NOTHING: Step = { changes: [], tallies: [] };

/** The runs with one more duration: equal lengths merge, as a binary counter carries. */
function withDuration(runs: readonly (readonly number[])[], ms: number): (readonly number[])[] {
  const next = runs.slice();
  let run: readonly number[] = [ms];
  while (next[next.length - 1]?.length === run.length) run = next.pop()!.concat(run);
  next.push(run);
  return next;
}

const NO_COUNTS: Omit<StageBucketCounts, 'stage'> = {
  entered: 0,
  movedForward: 0,
  movedBack: 0,
  won: 0,
  lost: 0,
  movedOut: 0,
  durations: [],
};

/** The counts with the tally added. Written out rather than spread: it runs for nearly every event of a rebuild. */
function added(counts: StageBucketCounts, { counter, durationMs }: Tally): StageBucketCounts {
  return {
    stage: counts.stage,
    entered: counter === 'entered' ? counts.entered + 1 : counts.entered,
    movedForward: counter === 'movedForward' ? counts.movedForward + 1 : counts.movedForward,
    movedBack: counter === 'movedBack' ? counts.movedBack + 1 : counts.movedBack,
    won: counter === 'won' ? counts.won + 1 : counts.won,
    lost: counter === 'lost' ? counts.lost + 1 : counts.lost,
    movedOut: counter === 'movedOut' ? counts.movedOut + 1 : counts.movedOut,
    durations: durationMs === undefined ? counts.durations : withDuration(counts.durations, durationMs),
  };
}

/** A pipeline's month document with the event's tallies for it added to the event's day. */
function counted(docs: DocLookup, at: string, pipelineId: string, tallies: readonly Tally[]): DocChange {
  const day = dayOf(at);
  const { id } = bucketRef(pipelineId, at);
  const days = ((docs(STAGE_BUCKETS, id) as StageBucketDoc | undefined)?.days ?? []).slice();
  // Events come in time order: the day is the last one, or a new one after it (before it if a clock went back).
  let index = days.length;
  while (index > 0 && days[index - 1]!.day > day) index--;
  const found = days[index - 1]?.day === day;
  if (found) index--;
  const stages = found ? days[index]!.stages.slice() : [];
  for (const tally of tallies) {
    if (tally.pipelineId !== pipelineId) continue;
    let i = 0;
    while (i < stages.length && stages[i]!.stage !== tally.stage) i++;
    stages[i] = added(stages[i] ?? { stage: tally.stage, ...NO_COUNTS }, tally);
  }
  days.splice(index, found ? 1 : 0, { day, stages });
  const bucket: StageBucketDoc = { id, pipelineId, month: monthOf(at), key: id, days };
  return put(STAGE_BUCKETS, bucket);
}

/** A new stay for the deal, which is in it from now on. */
function enter(deal: StageDealDoc, pipelineId: string, stage: string, entry: StayEntry, at: string): Step {
  const n = deal.stays;
  const stay: StageStayDoc = {
    id: stayId(deal.id, n),
    pipelineId,
    stage,
    entry,
    enteredAt: at,
    pipelineEnteredAt: pipelineTimeKey(pipelineId, at),
    exit: null,
    leftAt: null,
    pipelineLeftAt: null,
    durationMs: null,
  };
  const next: StageDealDoc = {
    ...deal,
    pipelineId,
    stays: n + 1,
    current: { n, stage, entry, enteredAt: at },
  };
  return {
    changes: [put(STAGE_STAYS, stay), put(STAGE_DEALS, next)],
    tallies: [{ pipelineId, stage, counter: 'entered' }],
  };
}

/**
 * Ends the deal's current stay this way, and starts the next one when the deal goes on to another stage
 * (`next`); without `next` the deal is closed. Nothing for a deal not seen created or not in a stage.
 */
function leave(
  docs: DocLookup,
  dealId: string,
  exit: StayExit,
  at: string,
  next?: { readonly pipelineId?: string; readonly stage: string; readonly entry: StayEntry },
): Step {
  const deal = findDeal(docs, dealId);
  const open = deal?.current;
  if (!deal || !open) return NOTHING;
  const { pipelineId } = deal;
  // Events of a stream are in time order; a clock set back between two processes must not give a negative stay.
  const durationMs = Math.max(0, Date.parse(at) - Date.parse(open.enteredAt));
  const ended: StageStayDoc = {
    id: stayId(dealId, open.n),
    pipelineId,
    stage: open.stage,
    entry: open.entry,
    enteredAt: open.enteredAt,
    pipelineEnteredAt: pipelineTimeKey(pipelineId, open.enteredAt),
    exit,
    leftAt: at,
    pipelineLeftAt: pipelineTimeKey(pipelineId, at),
    durationMs,
  };
  const tally: Tally = { pipelineId, stage: open.stage, counter: EXIT_COUNTERS[exit], durationMs };
  if (!next) {
    return {
      changes: [put(STAGE_STAYS, ended), put(STAGE_DEALS, { ...deal, current: null })],
      tallies: [tally],
    };
  }
  const entered = enter(deal, next.pipelineId ?? pipelineId, next.stage, next.entry, at);
  return { changes: [put(STAGE_STAYS, ended), ...entered.changes], tallies: [tally, ...entered.tallies] };
}

function step(event: RecordedEvent, docs: DocLookup, at: string): Step {
  if (!isDealEvent(event)) return NOTHING;
  if (isInteractionEvent(event)) return NOTHING;
  switch (event.type) {
    case 'DealCreated': {
      const { dealId, pipelineId, stage } = event.data;
      if (findDeal(docs, dealId)) return NOTHING;
      return enter({ id: dealId, pipelineId, stays: 0, current: null }, pipelineId, stage, 'created', at);
    }
    case 'StageAdvanced':
      return leave(docs, event.data.dealId, 'forward', at, { stage: event.data.to, entry: 'advanced' });
    case 'StageReverted':
      return leave(docs, event.data.dealId, 'back', at, { stage: event.data.to, entry: 'reverted' });
    case 'DealWon':
      return leave(docs, event.data.dealId, 'won', at);
    case 'DealLost':
      return leave(docs, event.data.dealId, 'lost', at);
    case 'DealReopened': {
      const deal = findDeal(docs, event.data.dealId);
      // Only a closed deal reopens; its win or loss stays counted, and a new stay starts now.
      if (!deal || deal.current !== null) return NOTHING;
      return enter(deal, deal.pipelineId, event.data.stage, 'reopened', at);
    }
    case 'DealMovedToPipeline': {
      const { to } = event.data;
      return leave(docs, event.data.dealId, 'movedOut', at, {
        pipelineId: to.pipelineId,
        stage: to.stage,
        entry: 'movedIn',
      });
    }
    case 'DealValueChanged':
    case 'DealTitleChanged':
    case 'DealExpectedCloseDateChanged':
    case 'DealOwnerChanged':
    case 'DealProbabilityOverrideChanged':
      return NOTHING;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  // The store writes occurredAt for every event; one that is not a time cannot be placed in a period.
  const at = isDealEvent(event) ? instantOf(event) : undefined;
  if (at === undefined) return [];
  const { changes, tallies } = step(event, docs, at);
  const first = tallies[0]?.pipelineId;
  if (first === undefined) return changes;
  // A deal moved to another pipeline counts in the buckets of both.
  const other = tallies.find((tally) => tally.pipelineId !== first)?.pipelineId;
  return [
    ...changes,
    counted(docs, at, first, tallies),
    ...(other === undefined ? [] : [counted(docs, at, other, tallies)]),
  ];
}

/**
 * Stage conversion and time in stage: every deal's stays in the stages of its pipelines, each with how it
 * began and ended, indexed by pipeline and time; and per pipeline and UTC month, day by day and stage by
 * stage, the stays that began and ended, with the durations of those that ended: a report reads a period's
 * whole months and days from a few of these and only the partial days at its edges stay by stay.
 */
export const stagesProjection: Projection = {
  readsPersonalData: false,
  name: 'stages',
  version: 1,
  collections: [
    { name: STAGE_STAYS, indexes: [{ field: 'pipelineEnteredAt' }, { field: 'pipelineLeftAt' }] },
    { name: STAGE_DEALS, indexes: [] },
    { name: STAGE_BUCKETS, indexes: [{ field: 'key' }] },
  ],
  touches,
  evolve,
};
