import { type DealEvent, type DealStatus, isDealEvent, isInteractionEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { bucketKey } from '../period-plan';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';
import { storedInstant } from '../report-values';

export const FORECAST_DEALS = 'forecast_deals';
/** Open deals per pipeline and UTC day, and month, of their expected close date. */
export const FORECAST_OPEN = 'forecast_open';
/** Won deals per pipeline and UTC day, and month, of the win. */
export const FORECAST_WON = 'forecast_won';

/** A deal as the forecast needs it: where it is, when it should close, what it is worth, whether it was won. */
export interface ForecastDeal {
  readonly id: string;
  readonly pipelineId: string;
  readonly stage: string;
  /** null: no owner. */
  readonly owner: string | null;
  /** YYYY-MM-DD. */
  readonly expectedCloseDate: string;
  /** Minor units. While open, the deal's value; once won or lost, the value it closed with. */
  readonly amount: number;
  readonly currency: string;
  /** The deal's own win probability (whole percent); null: its stage's applies. */
  readonly probabilityOverride: number | null;
  readonly status: DealStatus;
  /** When it was won, as toISOString writes it; null unless it is won now. */
  readonly wonAt: string | null;
}

/**
 * A deal's document: it says which buckets the deal is counted in, so that a change takes it out of those
 * exactly as it went in.
 */
export interface ForecastDealDoc extends Doc, ForecastDeal {
  /**
   * `<pipelineId>|<wonAt>`, present only while the deal is won: the report reads the wins of the partial days
   * at a period's edges by it.
   */
  readonly pipelineWon?: string;
}

/**
 * An exact sum of minor units: a number while it is a safe integer, its decimal digits beyond (a sum of
 * amount x percent passes 2^53 quickly), so that the report can weigh it exactly with BigInt.
 */
export type ExactSum = number | string;

/** The deals of an open tally entry that carry their own probability, weighed with it rather than the stage's. */
export interface ForecastOverridden {
  readonly deals: number;
  readonly total: ExactSum;
  /** Sum of amount x override. */
  readonly weight: ExactSum;
}

export interface ForecastOpenTally {
  readonly deals: number;
  /** Every deal's amount, overridden or not. */
  readonly total: ExactSum;
  /** Only while some of these deals carry an override. */
  readonly overridden?: ForecastOverridden;
}

export interface ForecastWonTally {
  readonly deals: number;
  readonly total: ExactSum;
}

/** Per currency: an entry is there while it has deals, even deals worth 0. */
export type ForecastCurrencies<T> = Readonly<Record<string, T>>;

/** Keys tallies by owner: JSON of the owner, unambiguous whatever the name holds, and `null` for no owner. */
export const ownerKey = (owner: string | null): string => JSON.stringify(owner);

/** The owner a tally key stands for. */
export const ownerOfKey = (key: string): string | null => JSON.parse(key) as string | null;

/** A bucket: one pipeline's deals of one UTC day or month. Deleted when it holds no deal. */
interface ForecastBucketDoc extends Doc {
  /** Its key. */
  readonly id: string;
  /** `<pipelineId>|<period>:<date>` (bucketKey): one index orders a pipeline's buckets of a period by date. */
  readonly key: string;
  /** YYYY-MM-DD for a day, YYYY-MM for a month. */
  readonly date: string;
}

/** Open deals expected to close on this day or in this month: stage -> owner key -> currency -> tally. */
export interface ForecastOpenBucketDoc extends ForecastBucketDoc {
  readonly open: Readonly<Record<string, OpenStage>>;
}

/** The open deals of one stage in a bucket: owner key -> currency -> tally. */
type OpenStage = Readonly<Record<string, ForecastCurrencies<ForecastOpenTally>>>;

/** Deals won on this day or in this month, at the value they were won with: owner key -> currency -> tally. */
export interface ForecastWonBucketDoc extends ForecastBucketDoc {
  readonly won: Readonly<Record<string, ForecastCurrencies<ForecastWonTally>>>;
}

/** The key of the win index: pipeline ids are slugs, so `|` never occurs in one. */
export const forecastKey = (pipelineId: string, time: string): string => `${pipelineId}|${time}`;

/**
 * The deal's document, with its index key derived from its status so that they can never disagree; built
 * field by field, so that the key of a win since reopened is not carried over from the document before.
 */
function docOf(deal: ForecastDeal): ForecastDealDoc {
  const { id, pipelineId, stage, owner, expectedCloseDate, amount, currency, probabilityOverride } = deal;
  const { status, wonAt } = deal;
  const doc = {
    id,
    pipelineId,
    stage,
    owner,
    expectedCloseDate,
    amount,
    currency,
    probabilityOverride,
    status,
    wonAt,
  };
  return status === 'won' && wonAt !== null ? { ...doc, pipelineWon: forecastKey(pipelineId, wonAt) } : doc;
}

/** The deal after this event; undefined when it changes nothing here (a title, an unknown deal, a repeat). */
function dealAfter(
  deal: ForecastDeal | undefined,
  event: DealEvent & RecordedEvent,
): ForecastDeal | undefined {
  if (event.type === 'DealCreated') {
    if (deal) return undefined;
    const { dealId, pipelineId, stage, owner, expectedCloseDate, value } = event.data;
    return {
      id: dealId,
      pipelineId,
      stage,
      owner: owner ?? null,
      expectedCloseDate,
      amount: value.amount,
      currency: value.currency,
      probabilityOverride: null,
      status: 'open',
      wonAt: null,
    };
  }
  if (!deal) return undefined;
  if (isInteractionEvent(event)) return undefined;
  switch (event.type) {
    case 'StageAdvanced':
    case 'StageReverted':
      return { ...deal, stage: event.data.to };
    case 'DealWon':
    case 'DealLost': {
      // Only an open deal closes; a second close without a reopen in between is ignored.
      if (deal.status !== 'open') return undefined;
      const { value, stage } = event.data;
      const closed = { ...deal, amount: value.amount, currency: value.currency, stage };
      return event.type === 'DealWon'
        ? { ...closed, status: 'won', wonAt: storedInstant(event.data.wonAt) ?? event.metadata.occurredAt }
        : { ...closed, status: 'lost', wonAt: null };
    }
    case 'DealReopened':
      // Open again in the stage it closed in: a reopened win no longer counts as won.
      return deal.status === 'open'
        ? undefined
        : { ...deal, status: 'open', wonAt: null, stage: event.data.stage };
    case 'DealValueChanged':
      return { ...deal, amount: event.data.to.amount, currency: event.data.to.currency };
    case 'DealExpectedCloseDateChanged':
      return { ...deal, expectedCloseDate: event.data.to };
    case 'DealOwnerChanged':
      return { ...deal, owner: event.data.to };
    case 'DealProbabilityOverrideChanged':
      return { ...deal, probabilityOverride: event.data.to };
    case 'DealMovedToPipeline':
      return { ...deal, pipelineId: event.data.to.pipelineId, stage: event.data.to.stage };
    case 'DealTitleChanged':
      return undefined;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

const NOWHERE: readonly DocRef[] = [];
const NOWHERE_CHANGED: readonly DocChange[] = [];

/**
 * The buckets a deal is counted in: open, the UTC day and month of its expected close date; won, those of
 * its win (as bucketsOf gives them); lost, none.
 */
function bucketsOfDeal(deal: ForecastDeal): readonly DocRef[] {
  const open = deal.status === 'open';
  const time = open ? deal.expectedCloseDate : deal.status === 'won' ? deal.wonAt : null;
  if (time === null) return NOWHERE;
  const collection = open ? FORECAST_OPEN : FORECAST_WON;
  return [
    { collection, id: bucketKey(deal.pipelineId, 'day', time.slice(0, 10)) },
    { collection, id: bucketKey(deal.pipelineId, 'month', time.slice(0, 7)) },
  ];
}

function includes(refs: readonly DocRef[], ref: DocRef): boolean {
  for (const r of refs) if (r.id === ref.id && r.collection === ref.collection) return true;
  return false;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** The sum plus sign x amount x factor, exactly; on numbers while they stay safe integers (the usual case). */
function added(sum: ExactSum, amount: number, factor: number, sign: 1 | -1): ExactSum {
  const delta = sign * amount * factor;
  if (typeof sum === 'number' && Number.isSafeInteger(delta)) {
    const next = sum + delta;
    if (Number.isSafeInteger(next)) return next;
  }
  const next = BigInt(sum) + BigInt(sign * amount) * BigInt(factor);
  return next <= MAX_EXACT && next >= -MAX_EXACT ? Number(next) : String(next);
}

/** Sets the key, or removes it for undefined: only on a record copied for this event. */
function setEntry<V>(record: Record<string, V>, key: string, value: V | undefined): void {
  if (value === undefined) delete record[key];
  else record[key] = value;
}

function isEmpty(record: Readonly<Record<string, unknown>>): boolean {
  for (const _key in record) return false;
  return true;
}

const nonEmpty = <V>(record: Record<string, V>): Record<string, V> | undefined =>
  isEmpty(record) ? undefined : record;

function openTallyAfter(
  tally: ForecastOpenTally | undefined,
  deal: ForecastDeal,
  sign: 1 | -1,
): ForecastOpenTally | undefined {
  const deals = (tally?.deals ?? 0) + sign;
  if (deals <= 0) return undefined;
  const override = deal.probabilityOverride;
  let overridden = tally?.overridden;
  if (override !== null) {
    const count = (overridden?.deals ?? 0) + sign;
    overridden =
      count > 0
        ? {
            deals: count,
            total: added(overridden?.total ?? 0, deal.amount, 1, sign),
            weight: added(overridden?.weight ?? 0, deal.amount, override, sign),
          }
        : undefined;
  }
  return {
    deals,
    total: added(tally?.total ?? 0, deal.amount, 1, sign),
    ...(overridden ? { overridden } : {}),
  };
}

function wonTallyAfter(
  tally: ForecastWonTally | undefined,
  deal: ForecastDeal,
  sign: 1 | -1,
): ForecastWonTally | undefined {
  const deals = (tally?.deals ?? 0) + sign;
  return deals > 0 ? { deals, total: added(tally?.total ?? 0, deal.amount, 1, sign) } : undefined;
}

/*
 * A bucket with a deal taken out (leaving) and one put in (entering): each record on a moved deal's path is
 * copied and changed in the copy, so that the documents read are never changed in place (the runner and
 * the as-of fold may still hold them). Undefined once the bucket holds no deal.
 */
function moveOpen(open: Record<string, OpenStage>, deal: ForecastDeal, sign: 1 | -1): void {
  const owner = ownerKey(deal.owner);
  const stage = { ...open[deal.stage] };
  const currencies = { ...stage[owner] };
  setEntry(currencies, deal.currency, openTallyAfter(currencies[deal.currency], deal, sign));
  setEntry(stage, owner, nonEmpty(currencies));
  setEntry(open, deal.stage, nonEmpty(stage));
}

function countOpen(
  bucket: ForecastOpenBucketDoc,
  leaving: ForecastDeal | undefined,
  entering: ForecastDeal | undefined,
): ForecastOpenBucketDoc | undefined {
  const open = { ...bucket.open };
  if (leaving) moveOpen(open, leaving, -1);
  if (entering) moveOpen(open, entering, 1);
  return isEmpty(open) ? undefined : { id: bucket.id, key: bucket.key, date: bucket.date, open };
}

function moveWon(
  won: Record<string, ForecastCurrencies<ForecastWonTally>>,
  deal: ForecastDeal,
  sign: 1 | -1,
) {
  const owner = ownerKey(deal.owner);
  const currencies = { ...won[owner] };
  setEntry(currencies, deal.currency, wonTallyAfter(currencies[deal.currency], deal, sign));
  setEntry(won, owner, nonEmpty(currencies));
}

function countWon(
  bucket: ForecastWonBucketDoc,
  leaving: ForecastDeal | undefined,
  entering: ForecastDeal | undefined,
): ForecastWonBucketDoc | undefined {
  const won = { ...bucket.won };
  if (leaving) moveWon(won, leaving, -1);
  if (entering) moveWon(won, entering, 1);
  return isEmpty(won) ? undefined : { id: bucket.id, key: bucket.key, date: bucket.date, won };
}

/** The change to one bucket the deal leaves, enters, or both. */
function bucketChange(
  { collection, id }: DocRef,
  docs: DocLookup,
  leaving: ForecastDeal | undefined,
  entering: ForecastDeal | undefined,
): DocChange {
  // A new bucket's date is its key's, after the period.
  const current = docs(collection, id) ?? {
    id,
    key: id,
    date: id.slice(id.indexOf(':') + 1),
    open: {},
    won: {},
  };
  const doc =
    collection === FORECAST_OPEN
      ? countOpen(current as ForecastOpenBucketDoc, leaving, entering)
      : countWon(current as ForecastWonBucketDoc, leaving, entering);
  // An empty bucket is deleted: a day without deals leaves nothing behind.
  return { collection, id, doc: doc ?? null };
}

const dealRef = (dealId: string): DocRef => ({ collection: FORECAST_DEALS, id: dealId });

/**
 * The deal, then (once it is loaded) the buckets it leaves and enters: their ids come from the deal. A new
 * deal's buckets are known from the event alone, so a batch's prefetch loads them.
 */
function touches(event: RecordedEvent, lookup?: DocLookup): readonly DocRef[] {
  if (!isDealEvent(event) || event.type === 'DealTitleChanged') return NOWHERE;
  const deal = lookup?.(FORECAST_DEALS, event.data.dealId) as ForecastDealDoc | undefined;
  const refs = [dealRef(event.data.dealId)];
  for (const ref of deal ? bucketsOfDeal(deal) : NOWHERE) refs.push(ref);
  if (!keepsPlace(event)) {
    const after = dealAfter(deal, event);
    for (const ref of after ? bucketsOfDeal(after) : NOWHERE) if (!includes(refs, ref)) refs.push(ref);
  }
  return refs;
}

/**
 * Whether the event leaves the deal in the buckets it is counted in: a stage, value, owner or override is
 * counted within them, so neither touches nor evolve need to work out where the deal goes.
 */
function keepsPlace(event: DealEvent): boolean {
  if (isInteractionEvent(event)) return false;
  switch (event.type) {
    case 'StageAdvanced':
    case 'StageReverted':
    case 'DealValueChanged':
    case 'DealOwnerChanged':
    case 'DealProbabilityOverrideChanged':
    case 'DealTitleChanged':
      return true;
    case 'DealCreated':
    case 'DealWon':
    case 'DealLost':
    case 'DealReopened':
    case 'DealExpectedCloseDateChanged':
    case 'DealMovedToPipeline':
      return false;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  // A title is not part of the forecast: its document is neither named nor read.
  if (!isDealEvent(event) || event.type === 'DealTitleChanged') return NOWHERE_CHANGED;
  const deal = docs(FORECAST_DEALS, event.data.dealId) as ForecastDealDoc | undefined;
  const after = dealAfter(deal, event);
  if (!after) return NOWHERE_CHANGED;
  const changes: DocChange[] = [{ collection: FORECAST_DEALS, id: after.id, doc: docOf(after) }];
  // Out of the buckets it was counted in, into those it is counted in now (often the same ones).
  const left = deal ? bucketsOfDeal(deal) : NOWHERE;
  const entered = deal && keepsPlace(event) ? left : bucketsOfDeal(after);
  for (const ref of left) {
    changes.push(bucketChange(ref, docs, deal, includes(entered, ref) ? after : undefined));
  }
  for (const ref of entered) {
    if (!includes(left, ref)) changes.push(bucketChange(ref, docs, undefined, after));
  }
  return changes;
}

/**
 * Forecast by expected close month: per pipeline, open deals tallied by UTC day and month of their expected
 * close date, and won deals by UTC day and month of the win, beside one document per deal (which says where
 * the deal is counted, and serves the wins of a period's partial edge days). Probabilities are not stored:
 * the report weighs with those in effect at its moment, so a stage re-weighted later changes nothing here.
 */
export const forecastProjection: Projection = {
  readsPersonalData: false,
  name: 'forecast',
  version: 1,
  collections: [
    { name: FORECAST_DEALS, indexes: [{ field: 'pipelineWon' }] },
    { name: FORECAST_OPEN, indexes: [{ field: 'key' }] },
    { name: FORECAST_WON, indexes: [{ field: 'key' }] },
  ],
  touches,
  evolve,
};
