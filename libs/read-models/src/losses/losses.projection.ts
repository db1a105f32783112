import { type DealLostData, isDealEvent, isInteractionEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { bucketKey, bucketsOf } from '../period-plan';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';
import { storedInstant } from '../report-values';

export const LOSSES_DEALS = 'losses_deals';
export const LOSSES_BUCKETS = 'losses_buckets';

/** How a deal was lost, as its DealLost event states it. */
export interface LossesLoss {
  /** The pipeline it was lost in (a closed deal does not move). */
  readonly pipelineId: string;
  readonly stage: string;
  /** As written: reasons are grouped exactly. */
  readonly reason: string;
  /** null: none named. */
  readonly competitor: string | null;
  readonly amount: number;
  readonly currency: string;
}

/**
 * A deal: its pipeline (DealLost does not name it), and its loss while it is lost. A reopened deal drops its
 * loss; lost again, it holds the new one, so that a deal counts once, with its last loss.
 */
export interface LossesDealDoc extends Doc {
  readonly id: string;
  readonly pipelineId: string;
  readonly loss: LossesLoss | null;
  /** When it was lost, as toISOString writes it; present only while lost, so a range skips the others. */
  readonly lostAt?: string;
}

/** Deals lost in one currency: a row exists while it has deals, even deals worth 0. */
export interface LossesBucketEntry {
  readonly currency: string;
  readonly deals: number;
  /**
   * The exact sum of their amounts: a number while it is a safe integer, past that a decimal string (many
   * amounts can add up beyond 2^53). Kept a number otherwise, as numbers are much cheaper to add up.
   */
  readonly total: number | string;
}

export interface LossesBucketReason extends LossesBucketEntry {
  readonly reason: string;
}

export interface LossesBucketStage extends LossesBucketEntry {
  readonly pipelineId: string;
  readonly stage: string;
}

export interface LossesBucketCompetitor extends LossesBucketEntry {
  /** null: none named. */
  readonly competitor: string | null;
}

/**
 * The deals lost in one UTC day or month and still lost, tallied as the report groups them, so that a
 * report reads whole days and months instead of every deal; deleted when no deal is left in it. Each list
 * has one row per group and currency, in no particular order (the report orders them and adds up the lost
 * deals from byReason, where each is once): lists rather than maps, as reasons and competitors are free
 * text, unsafe as field names in every store.
 */
export interface LossesBucketDoc extends Doc {
  /** Its key. */
  readonly id: string;
  /** bucketKey('all', period, day or month): one index orders the buckets of a period by time. */
  readonly key: string;
  readonly byReason: readonly LossesBucketReason[];
  readonly byStage: readonly LossesBucketStage[];
  readonly byCompetitor: readonly LossesBucketCompetitor[];
}

/** The scope of every bucket key: the report is never split by anything else than time. */
export const LOSSES_SCOPE = 'all';

const dealRef = (dealId: string): DocRef => ({ collection: LOSSES_DEALS, id: dealId });
const put = (doc: LossesDealDoc): DocChange => ({ collection: LOSSES_DEALS, id: doc.id, doc });

/** The ids of the buckets a loss at this instant counts in: its UTC day's and its UTC month's. */
const bucketIds = (lostAt: string): string[] =>
  bucketsOf(lostAt).map(([period, value]) => bucketKey(LOSSES_SCOPE, period, value));
const bucketRef = (id: string): DocRef => ({ collection: LOSSES_BUCKETS, id });

/** The buckets of a loss at this instant, by id and as documents to load. */
interface LossBuckets {
  readonly ids: readonly string[];
  readonly refs: readonly DocRef[];
}

function bucketsAt(lostAt: string): LossBuckets {
  const ids = bucketIds(lostAt);
  return { ids, refs: ids.map(bucketRef) };
}

/** When a deal was lost, and its buckets. */
interface LossTime {
  readonly lostAt: string;
  readonly buckets: LossBuckets;
}

/** When a deal was lost: the time its DealLost states, or when that was recorded if it is not a time. */
function lossTime(data: DealLostData, event: RecordedEvent): LossTime {
  const lostAt = storedInstant(data.lostAt) ?? event.metadata.occurredAt;
  return { lostAt, buckets: bucketsAt(lostAt) };
}

const findDeal = (docs: DocLookup | undefined, dealId: string) =>
  docs?.(LOSSES_DEALS, dealId) as LossesDealDoc | undefined;

function touches(event: RecordedEvent, lookup?: DocLookup): readonly DocRef[] {
  if (!isDealEvent(event)) return [];
  if (isInteractionEvent(event)) return [];
  switch (event.type) {
    case 'DealCreated':
    case 'DealMovedToPipeline':
      return [dealRef(event.data.dealId)];
    case 'DealLost': {
      // The buckets only change for a deal known and not lost yet: named once the deal is loaded.
      const deal = findDeal(lookup, event.data.dealId);
      const ref = dealRef(event.data.dealId);
      return deal && !deal.loss ? [ref, ...lossTime(event.data, event).buckets.refs] : [ref];
    }
    case 'DealReopened': {
      // The loss it takes out of its buckets is on the deal: they are named once the deal is loaded.
      const deal = findDeal(lookup, event.data.dealId);
      const ref = dealRef(event.data.dealId);
      return deal?.loss && deal.lostAt !== undefined ? [ref, ...bucketsAt(deal.lostAt).refs] : [ref];
    }
    case 'StageAdvanced':
    case 'StageReverted':
    case 'DealWon':
    case 'DealValueChanged':
    case 'DealTitleChanged':
    case 'DealExpectedCloseDateChanged':
    case 'DealOwnerChanged':
    case 'DealProbabilityOverrideChanged':
      // DealLost states the stage and value it was lost with: nothing else matters here.
      return [];
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/** A total with an amount added (sign 1) or taken out (sign -1), exact however large. */
function totalAfter(total: number | string, amount: number, sign: 1 | -1): number | string {
  const sum = typeof total === 'number' ? total + sign * amount : Number.NaN;
  if (Number.isSafeInteger(sum)) return sum;
  const exact = BigInt(total) + BigInt(sign * amount);
  return exact <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(exact) : String(exact);
}

/** How one list of a bucket finds a loss's row and makes one: module-level, nothing is made per loss. */
interface RowKind<R extends LossesBucketEntry> {
  readonly same: (row: R, loss: LossesLoss) => boolean;
  readonly make: (loss: LossesLoss, deals: number, total: number | string) => R;
}

const REASON: RowKind<LossesBucketReason> = {
  same: (row, loss) => row.reason === loss.reason,
  make: ({ reason, currency }, deals, total) => ({ reason, currency, deals, total }),
};
const STAGE: RowKind<LossesBucketStage> = {
  same: (row, loss) => row.pipelineId === loss.pipelineId && row.stage === loss.stage,
  make: ({ pipelineId, stage, currency }, deals, total) => ({ pipelineId, stage, currency, deals, total }),
};
const COMPETITOR: RowKind<LossesBucketCompetitor> = {
  same: (row, loss) => row.competitor === loss.competitor,
  make: ({ competitor, currency }, deals, total) => ({ competitor, currency, deals, total }),
};

/**
 * The rows with this loss added to (sign 1) or taken out of (sign -1) its row (its group's, in its
 * currency); a row with no deal left is dropped. A plain loop: this runs twice per list for every loss.
 */
function rowsAfter<R extends LossesBucketEntry>(
  rows: readonly R[],
  kind: RowKind<R>,
  loss: LossesLoss,
  sign: 1 | -1,
): R[] {
  for (let at = 0; at < rows.length; at++) {
    const row = rows[at]!;
    if (row.currency !== loss.currency || !kind.same(row, loss)) continue;
    const next = rows.slice();
    const deals = row.deals + sign;
    if (deals > 0) next[at] = kind.make(loss, deals, totalAfter(row.total, loss.amount, sign));
    else next.splice(at, 1);
    return next;
  }
  return sign > 0 ? [...rows, kind.make(loss, 1, loss.amount)] : rows.slice();
}

/** The buckets of a loss with the loss added (sign 1) or taken out (sign -1); a bucket left empty is deleted. */
function counted(docs: DocLookup, buckets: readonly string[], loss: LossesLoss, sign: 1 | -1): DocChange[] {
  return buckets.map((id): DocChange => {
    const bucket = docs(LOSSES_BUCKETS, id) as LossesBucketDoc | undefined;
    const byReason = rowsAfter(bucket?.byReason ?? [], REASON, loss, sign);
    // Each loss in the bucket has one reason row: without one, it holds none.
    if (byReason.length === 0) return { collection: LOSSES_BUCKETS, id, doc: null };
    const doc: LossesBucketDoc = {
      id,
      key: id,
      byReason,
      byStage: rowsAfter(bucket?.byStage ?? [], STAGE, loss, sign),
      byCompetitor: rowsAfter(bucket?.byCompetitor ?? [], COMPETITOR, loss, sign),
    };
    return { collection: LOSSES_BUCKETS, id, doc };
  });
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  if (!isDealEvent(event)) return [];
  if (isInteractionEvent(event)) return [];
  switch (event.type) {
    case 'DealCreated': {
      const { dealId, pipelineId } = event.data;
      if (findDeal(docs, dealId)) return [];
      return [put({ id: dealId, pipelineId, loss: null })];
    }
    case 'DealMovedToPipeline': {
      const doc = findDeal(docs, event.data.dealId);
      return doc ? [put({ ...doc, pipelineId: event.data.to.pipelineId })] : [];
    }
    case 'DealLost': {
      const doc = findDeal(docs, event.data.dealId);
      // A deal already lost is lost again only after a reopen: a repeated DealLost is ignored.
      if (!doc || doc.loss) return [];
      const { stage, reason, competitor, value } = event.data;
      const loss: LossesLoss = {
        pipelineId: doc.pipelineId,
        stage,
        reason,
        competitor: competitor ?? null,
        amount: value.amount,
        currency: value.currency,
      };
      const { lostAt, buckets } = lossTime(event.data, event);
      return [
        put({ id: doc.id, pipelineId: doc.pipelineId, loss, lostAt }),
        ...counted(docs, buckets.ids, loss, 1),
      ];
    }
    case 'DealReopened': {
      const doc = findDeal(docs, event.data.dealId);
      if (!doc?.loss) return [];
      // Out of the buckets of the loss it no longer stands by.
      return [
        put({ id: doc.id, pipelineId: doc.pipelineId, loss: null }),
        ...(doc.lostAt === undefined ? [] : counted(docs, bucketsAt(doc.lostAt).ids, doc.loss, -1)),
      ];
    }
    case 'StageAdvanced':
    case 'StageReverted':
    case 'DealWon':
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

/**
 * Losses by reason, stage and competitor: one document per deal, range-indexed by loss time while lost (for
 * the partial days at a period's edges), and the losses tallied per UTC day and month of loss (for the rest).
 */
export const lossesProjection: Projection = {
  readsPersonalData: false,
  name: 'losses',
  version: 1,
  collections: [
    { name: LOSSES_DEALS, indexes: [{ field: 'lostAt' }] },
    { name: LOSSES_BUCKETS, indexes: [{ field: 'key' }] },
  ],
  touches,
  evolve,
};
