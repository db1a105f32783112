import { type TextRange, splitDays, splitMonths } from '../period-plan';
import type { DocumentReader } from '../projection';
import {
  type CurrencyTotal,
  currencyTotals,
  getOrAdd,
  ratio,
  reportInstant,
  sortedByKey,
} from '../report-values';
import {
  FUNNEL_BUCKETS,
  FUNNEL_LEADS,
  type FunnelBucketDoc,
  type FunnelCounts,
  type FunnelLeadDoc,
  type FunnelPeriod,
} from './funnel.projection';

/**
 * Which leads the funnel follows: captured in [from, to) (ISO dates or instants, either open), of one source
 * or all.
 */
export interface FunnelFilter {
  readonly from?: string;
  readonly to?: string;
  readonly source?: string;
}

export type FunnelWonValue = CurrencyTotal;

/** Fractions from 0 to 1; null when the denominator is 0. */
export interface FunnelRates {
  readonly qualification: number | null;
  readonly leadToDeal: number | null;
  readonly win: number | null;
  readonly leadToWon: number | null;
}

export interface FunnelSourceRow extends FunnelCounts {
  readonly source: string;
  readonly wonValues: readonly FunnelWonValue[];
  readonly rates: FunnelRates;
}

/** GET /analytics/funnel. */
export interface FunnelReport {
  readonly position: string;
  readonly sources: readonly FunnelSourceRow[];
}

interface SourceTotals {
  captured: number;
  qualified: number;
  disqualified: number;
  dealsCreated: number;
  won: number;
  lost: number;
  readonly wonValues: Map<string, number>;
}

/**
 * The lead-source conversion funnel of the leads captured in [from, to), followed to where they are now;
 * `position` is the last log position it includes. Throws a RangeError when from or to is not an ISO date or
 * instant.
 */
export async function funnelReport(
  reader: DocumentReader,
  filter: FunnelFilter,
  position: string,
): Promise<FunnelReport> {
  const { days, instants: leads } = splitDays(
    reportInstant(filter.from, 'from'),
    reportInstant(filter.to, 'to'),
  );
  const bySource = new Map<string, SourceTotals>();
  const totalsOf = (source: string): SourceTotals =>
    getOrAdd(bySource, source, () => ({
      captured: 0,
      qualified: 0,
      disqualified: 0,
      dealsCreated: 0,
      won: 0,
      lost: 0,
      wonValues: new Map(),
    }));
  const addWon = (totals: SourceTotals, currency: string, amount: number) =>
    totals.wonValues.set(currency, (totals.wonValues.get(currency) ?? 0) + amount);

  const addBuckets = async (period: FunnelPeriod, range: TextRange = {}) => {
    // Bucket keys are `<period>:<day>`; ';' sorts right after ':', so `<period>;` bounds them all.
    const buckets = await reader.find<FunnelBucketDoc>(FUNNEL_BUCKETS, {
      ...(filter.source === undefined ? {} : { where: { source: filter.source } }),
      range: {
        field: 'key',
        gte: `${period}:${range.gte ?? ''}`,
        lt: range.lt === undefined ? `${period};` : `${period}:${range.lt}`,
      },
    });
    for (const bucket of buckets) {
      const totals = totalsOf(bucket.source);
      totals.captured += bucket.captured;
      totals.qualified += bucket.qualified;
      totals.disqualified += bucket.disqualified;
      totals.dealsCreated += bucket.dealsCreated;
      totals.won += bucket.won;
      totals.lost += bucket.lost;
      for (const [currency, amount] of Object.entries(bucket.wonValues)) addWon(totals, currency, amount);
    }
  };

  if (days && days.gte === undefined && days.lt === undefined) {
    await addBuckets('all');
  } else if (days) {
    // The all-time bucket serves an open period; a bounded one is read as whole months and days.
    const split = splitMonths(days);
    if (split.months) await addBuckets('month', split.months);
    for (const range of split.days) await addBuckets('day', range);
  }
  for (const range of leads) {
    // funnel_leads is indexed by capture time only; the source of at most two days of leads is checked here.
    const found = await reader.find<FunnelLeadDoc>(FUNNEL_LEADS, {
      range: { field: 'capturedAt', ...range },
    });
    for (const lead of found) {
      if (filter.source !== undefined && lead.source !== filter.source) continue;
      const totals = totalsOf(lead.source);
      totals.captured += 1;
      totals.qualified += Number(lead.qualified);
      totals.disqualified += Number(lead.disqualified);
      totals.dealsCreated += Number(lead.dealId !== null);
      totals.won += Number(lead.deal === 'won');
      totals.lost += Number(lead.deal === 'lost');
      if (lead.wonValue) addWon(totals, lead.wonValue.currency, lead.wonValue.amount);
    }
  }

  // Every bucket and lead read holds at least one captured lead: each source here has captured > 0.
  const sources = sortedByKey(bySource).map(([source, { wonValues, ...counts }]): FunnelSourceRow => ({
    source,
    ...counts,
    wonValues: currencyTotals(wonValues),
    rates: {
      qualification: ratio(counts.qualified, counts.captured),
      leadToDeal: ratio(counts.dealsCreated, counts.captured),
      win: ratio(counts.won, counts.won + counts.lost),
      leadToWon: ratio(counts.won, counts.captured),
    },
  }));
  return { position, sources };
}
