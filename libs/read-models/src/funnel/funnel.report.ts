import { BANDS, type Band, bandOf } from '@app/domain';
import { LEADS, type LeadDoc, leadListRuleSet, scoreAt } from '../lead-list';
import { type TextRange, splitDays, splitMonths } from '../period-plan';
import type { DocumentReader, FindQuery } from '../projection';
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

interface FunnelTotals {
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
  const bySource = new Map<string, FunnelTotals>();
  const totalsOf = (source: string): FunnelTotals => getOrAdd(bySource, source, noTotals);

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
      countLead(totalsOf(lead.source), lead);
    }
  }

  // Every bucket and lead read holds at least one captured lead: each source here has captured > 0.
  const sources = sortedByKey(bySource).map(([source, totals]): FunnelSourceRow => ({
    source,
    ...figuresOf(totals),
  }));
  return { position, sources };
}

const addWon = (totals: FunnelTotals, currency: string, amount: number) =>
  totals.wonValues.set(currency, (totals.wonValues.get(currency) ?? 0) + amount);

/** Adds one lead, as far as it went, to a row's totals. */
function countLead(totals: FunnelTotals, lead: FunnelLeadDoc): void {
  totals.captured += 1;
  totals.qualified += Number(lead.qualified);
  totals.disqualified += Number(lead.disqualified);
  totals.dealsCreated += Number(lead.dealId !== null);
  totals.won += Number(lead.deal === 'won');
  totals.lost += Number(lead.deal === 'lost');
  if (lead.wonValue) addWon(totals, lead.wonValue.currency, lead.wonValue.amount);
}

const noTotals = (): FunnelTotals => ({
  captured: 0,
  qualified: 0,
  disqualified: 0,
  dealsCreated: 0,
  won: 0,
  lost: 0,
  wonValues: new Map(),
});

/** The figures of a row: the counts, the won values per currency, the rates. */
function figuresOf({
  wonValues,
  ...counts
}: FunnelTotals): FunnelCounts & Omit<FunnelSourceRow, 'source' | keyof FunnelCounts> {
  return {
    ...counts,
    wonValues: currencyTotals(wonValues),
    rates: {
      qualification: ratio(counts.qualified, counts.captured),
      leadToDeal: ratio(counts.dealsCreated, counts.captured),
      win: ratio(counts.won, counts.won + counts.lost),
      leadToWon: ratio(counts.won, counts.captured),
    },
  };
}

export interface FunnelBandRow extends FunnelCounts {
  readonly band: Band;
  readonly wonValues: readonly FunnelWonValue[];
  readonly rates: FunnelRates;
}

/** GET /analytics/funnel?groupBy=band. */
export interface FunnelBandReport {
  readonly position: string;
  /** The moment the leads' scores are for. */
  readonly at: string;
  /** The version of the rule set that scored them. */
  readonly rulesVersion: number;
  /** hot, warm, cold, each present. */
  readonly bands: readonly FunnelBandRow[];
}

/** Documents read at once when a report goes through every lead of a period. */
const CHUNK = 1000;

/** Every document of a collection in a range of one indexed field, in chunks, in the field's order. */
async function* everyIn<T extends LeadDoc | FunnelLeadDoc>(
  reader: DocumentReader,
  collection: string,
  query: { where?: FindQuery['where']; range: NonNullable<FindQuery['range']> },
): AsyncGenerator<T> {
  let after: FindQuery['after'];
  for (;;) {
    const docs = await reader.find<T>(collection, {
      ...query,
      orderBy: { field: query.range.field, direction: 'asc' },
      ...(after ? { after } : {}),
      limit: CHUNK,
    });
    yield* docs;
    const last = docs[docs.length - 1];
    if (!last || docs.length < CHUNK) return;
    after = { value: last[query.range.field] as string, id: last.id };
  }
}

/**
 * The funnel of the leads captured in [from, to) (of one source or all), per band of each lead's score at a
 * moment, by the rule set the lead list was built with: the funnel's own lead documents, each with its
 * score from the lead list. Unlike the report per source, it reads every lead of the period. A lead the lead
 * list does not hold yet (while it is rebuilt after a new rule set) is left out. Throws a RangeError when
 * from or to is not an ISO date or instant.
 */
export async function funnelBandReport(
  reader: DocumentReader,
  filter: FunnelFilter,
  position: string,
  at: string,
): Promise<FunnelBandReport> {
  const from = reportInstant(filter.from, 'from');
  const to = reportInstant(filter.to, 'to');
  const period = { ...(from === undefined ? {} : { gte: from }), ...(to === undefined ? {} : { lt: to }) };
  const ruleSet = await leadListRuleSet(reader);
  const bandsOf = new Map<string, Band>();
  for await (const lead of everyIn<LeadDoc>(reader, LEADS, {
    ...(filter.source === undefined ? {} : { where: { source: filter.source } }),
    range: { field: 'capturedAt', ...period },
  })) {
    bandsOf.set(lead.id, bandOf(ruleSet.rules, scoreAt(ruleSet.rules, lead, at)));
  }
  const byBand = new Map<Band, FunnelTotals>(BANDS.map((band) => [band, noTotals()]));
  for await (const lead of everyIn<FunnelLeadDoc>(reader, FUNNEL_LEADS, {
    range: { field: 'capturedAt', ...period },
  })) {
    if (filter.source !== undefined && lead.source !== filter.source) continue;
    let band = bandsOf.get(lead.id);
    if (band === undefined) {
      // A capture time written otherwise in the lead list: found by its id.
      const listed = await reader.get<LeadDoc>(LEADS, lead.id);
      if (!listed) continue;
      band = bandOf(ruleSet.rules, scoreAt(ruleSet.rules, listed, at));
    }
    countLead(byBand.get(band)!, lead);
  }
  return {
    position,
    at,
    rulesVersion: ruleSet.version,
    bands: BANDS.map((band): FunnelBandRow => ({ band, ...figuresOf(byBand.get(band)!) })),
  };
}
