import { type BucketPeriod, type TextRange, bucketKeyRange, planPeriod } from '../period-plan';
import type { DocumentReader } from '../projection';
import { type CurrencyTotal, byName, currencyTotals, getOrAdd, reportInstant } from '../report-values';
import {
  LOSSES_BUCKETS,
  LOSSES_DEALS,
  LOSSES_SCOPE,
  type LossesBucketDoc,
  type LossesBucketEntry,
  type LossesDealDoc,
} from './losses.projection';

/** GET /analytics/losses: the deals lost in [from, to) (ISO dates or instants, either open). */
export interface LossesQuery {
  readonly from?: string;
  readonly to?: string;
}

export type LossesCurrencyTotal = CurrencyTotal;

export interface LossesTally {
  readonly deals: number;
  /** By currency code; never summed across currencies. */
  readonly values: readonly LossesCurrencyTotal[];
}

export interface LossesReasonRow extends LossesTally {
  readonly reason: string;
}

export interface LossesStageRow extends LossesTally {
  readonly pipelineId: string;
  readonly stage: string;
}

export interface LossesCompetitorRow extends LossesTally {
  /** null: no competitor named. */
  readonly competitor: string | null;
}

export interface LossesReport {
  readonly position: string;
  /** The period's bounds as instants (toISOString), null when open. */
  readonly from: string | null;
  readonly to: string | null;
  readonly lost: LossesTally;
  /** Each list: most deals first, then by name (null last). */
  readonly byReason: readonly LossesReasonRow[];
  readonly byStage: readonly LossesStageRow[];
  readonly byCompetitor: readonly LossesCompetitorRow[];
}

interface Tally {
  deals: number;
  readonly values: Map<string, bigint>;
}

const newTally = (): Tally => ({ deals: 0, values: new Map() });

/** Adds lost deals of one currency: one deal, or a bucket's tally of them. */
const add = (tally: Tally, currency: string, deals: number, total: bigint): void => {
  tally.deals += deals;
  tally.values.set(currency, (tally.values.get(currency) ?? 0n) + total);
};

const addRow = (tally: Tally, { currency, deals, total }: LossesBucketEntry): void =>
  add(tally, currency, deals, BigInt(total));

const out = (tally: Tally): LossesTally => ({ deals: tally.deals, values: currencyTotals(tally.values) });

const compareNames = (x: readonly (string | null)[], y: readonly (string | null)[]): number => {
  for (let i = 0; i < x.length; i++) {
    const order = byName(x[i] ?? null, y[i] ?? null);
    if (order !== 0) return order;
  }
  return 0;
};

/** Lost deals grouped by a key, which `names` spells out for grouping and for ties. */
class Grouping<K> {
  private readonly groups = new Map<
    string,
    { readonly key: K; readonly names: (string | null)[]; tally: Tally }
  >();

  constructor(private readonly names: (key: K) => (string | null)[]) {}

  /** The tally of the key's group. */
  of(key: K): Tally {
    const names = this.names(key);
    // JSON keeps null apart from "null", and the parts of a pair apart.
    const id = JSON.stringify(names);
    return getOrAdd(this.groups, id, () => ({ key, names, tally: newTally() })).tally;
  }

  /** Most deals first, ties by the names in order (null last). */
  rows<R>(row: (key: K, tally: LossesTally) => R): R[] {
    return [...this.groups.values()]
      .sort((a, b) => b.tally.deals - a.tally.deals || compareNames(a.names, b.names))
      .map(({ key, tally }) => row(key, out(tally)));
  }
}

/**
 * The deals lost in [from, to) and still lost, by reason (as written), by the pipeline and stage they were
 * lost in and by competitor, each with the value its DealLost stated, per currency. A RangeError when from
 * or to is not an ISO date or instant. `position` is the last log position it includes.
 *
 * Reads the period as its whole UTC months and days (buckets) and, at its edges only, the deals lost in the
 * part of a day it holds: all time is a bucket per month, however many deals were lost.
 */
export async function lossesReport(
  reader: DocumentReader,
  query: LossesQuery,
  position: string,
): Promise<LossesReport> {
  const from = reportInstant(query.from, 'from');
  const to = reportInstant(query.to, 'to');
  const plan = planPeriod(from, to);

  const lost = newTally();
  const byReason = new Grouping<string>((reason) => [reason]);
  const byStage = new Grouping<{ pipelineId: string; stage: string }>((s) => [s.pipelineId, s.stage]);
  const byCompetitor = new Grouping<string | null>((competitor) => [competitor]);

  const addBuckets = async (period: BucketPeriod, range: TextRange) => {
    const buckets = await reader.find<LossesBucketDoc>(LOSSES_BUCKETS, {
      range: { field: 'key', ...bucketKeyRange(LOSSES_SCOPE, period, range) },
    });
    for (const bucket of buckets) {
      for (const row of bucket.byReason) {
        // Each lost deal of a bucket is in one reason row.
        addRow(lost, row);
        addRow(byReason.of(row.reason), row);
      }
      for (const row of bucket.byStage)
        addRow(byStage.of({ pipelineId: row.pipelineId, stage: row.stage }), row);
      for (const row of bucket.byCompetitor) addRow(byCompetitor.of(row.competitor), row);
    }
  };
  if (plan.months) await addBuckets('month', plan.months);
  for (const range of plan.days) await addBuckets('day', range);
  for (const range of plan.instants) {
    // A lower bound is always given: a range with none would match the documents without lostAt on some stores.
    const found = await reader.find<LossesDealDoc>(LOSSES_DEALS, {
      range: { field: 'lostAt', gte: range.gte ?? '', ...(range.lt === undefined ? {} : { lt: range.lt }) },
    });
    for (const { loss } of found) {
      if (!loss) continue;
      const { pipelineId, stage, reason, competitor, amount, currency } = loss;
      const total = BigInt(amount);
      add(lost, currency, 1, total);
      add(byReason.of(reason), currency, 1, total);
      add(byStage.of({ pipelineId, stage }), currency, 1, total);
      add(byCompetitor.of(competitor), currency, 1, total);
    }
  }

  return {
    position,
    from: from ?? null,
    to: to ?? null,
    lost: out(lost),
    byReason: byReason.rows((reason, tally) => ({ reason, ...tally })),
    byStage: byStage.rows(({ pipelineId, stage }, tally) => ({ pipelineId, stage, ...tally })),
    byCompetitor: byCompetitor.rows((competitor, tally) => ({ competitor, ...tally })),
  };
}
