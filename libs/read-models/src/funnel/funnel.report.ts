import type { DocumentReader, FindQuery } from '../projection';
import {
  type CurrencyTotal,
  currencyTotals,
  dayStart,
  firstDayFrom,
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

type Range = Pick<NonNullable<FindQuery['range']>, 'gte' | 'lt'>;

/** A range with only the bounds given: an absent bound is left out, never sent to a store as undefined. */
const between = (gte: string | undefined, lt: string | undefined): Range => ({
  ...(gte === undefined ? {} : { gte }),
  ...(lt === undefined ? {} : { lt }),
});

/**
 * Splits [from, to) into the UTC days it holds whole (read from the buckets; null for none) and the partial
 * days at its edges (read lead by lead), so that a report reads one bucket per source and day plus at most
 * two days of leads.
 */
function plan(from: string | undefined, to: string | undefined): { days: Range | null; leads: Range[] } {
  const firstDay = from === undefined ? undefined : firstDayFrom(from);
  const endDay = to?.slice(0, 10);
  if (firstDay !== undefined && endDay !== undefined && firstDay >= endDay) {
    return { days: null, leads: [between(from, to)] };
  }
  const leads: Range[] = [];
  if (from !== undefined && firstDay !== undefined && from < dayStart(firstDay)) {
    leads.push(between(from, dayStart(firstDay)));
  }
  if (to !== undefined && endDay !== undefined && dayStart(endDay) < to) {
    leads.push(between(dayStart(endDay), to));
  }
  return { days: between(firstDay, endDay), leads };
}

const nextMonth = (month: string): string => {
  const [year, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
};

/**
 * Splits a range of whole days into the whole UTC months it holds (read from month buckets; null for none)
 * and the days around them (read from day buckets), so that a year costs about 12 + 60 buckets per source.
 */
function planMonths(days: Range): { months: Range | null; days: Range[] } {
  const gte = days.gte as string | undefined;
  const lt = days.lt as string | undefined;
  const firstMonth =
    gte === undefined ? undefined : gte.endsWith('-01') ? gte.slice(0, 7) : nextMonth(gte.slice(0, 7));
  const endMonth = lt?.slice(0, 7);
  if (firstMonth !== undefined && endMonth !== undefined && firstMonth >= endMonth) {
    return { months: null, days: [days] };
  }
  const around: Range[] = [];
  if (gte !== undefined && firstMonth !== undefined && gte < `${firstMonth}-01`)
    around.push(between(gte, `${firstMonth}-01`));
  if (lt !== undefined && endMonth !== undefined && `${endMonth}-01` < lt)
    around.push(between(`${endMonth}-01`, lt));
  return { months: between(firstMonth, endMonth), days: around };
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
  const { days, leads } = plan(reportInstant(filter.from, 'from'), reportInstant(filter.to, 'to'));
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

  const addBuckets = async (period: FunnelPeriod, range: Range = {}) => {
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
    const split = planMonths(days);
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
