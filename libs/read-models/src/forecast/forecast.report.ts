import {
  type BucketPeriod,
  type TextRange,
  between,
  bucketKeyRange,
  planPeriod,
  splitMonths,
} from '../period-plan';
import { findPipeline, StageProbabilities } from '../pipelines';
import type { Doc, DocumentReader } from '../projection';
import {
  type CurrencyTotal,
  currencyTotals,
  firstDayFrom,
  getOrAdd,
  reportInstant,
  roundedPercent,
  sortedByKey,
} from '../report-values';
import {
  FORECAST_DEALS,
  FORECAST_OPEN,
  FORECAST_WON,
  type ForecastDealDoc,
  type ForecastOpenBucketDoc,
  type ForecastWonBucketDoc,
  forecastKey,
  ownerKey,
  ownerOfKey,
} from './forecast.projection';

/** GET /analytics/forecast: one pipeline, a period [from, to) (ISO dates or instants, either open). */
export interface ForecastQuery {
  readonly pipelineId: string;
  readonly from?: string;
  readonly to?: string;
  readonly groupBy?: 'owner';
}

export type ForecastWonValue = CurrencyTotal;

export interface ForecastOpenValue extends ForecastWonValue {
  /** round(sum of amount x probability / 100), halves up. */
  readonly weighted: number;
}

export interface ForecastMonth {
  /** YYYY-MM, UTC. */
  readonly month: string;
  /** Open deals expected to close this month. */
  readonly open: { readonly deals: number; readonly values: readonly ForecastOpenValue[] };
  /** Deals won this month and still won. */
  readonly won: { readonly deals: number; readonly values: readonly ForecastWonValue[] };
}

export interface ForecastOwnerRow {
  /** null: deals without an owner. */
  readonly owner: string | null;
  readonly months: readonly ForecastMonth[];
}

export interface ForecastReport {
  readonly position: string;
  readonly pipelineId: string;
  /** The period's bounds as instants (toISOString), null when open. */
  readonly from: string | null;
  readonly to: string | null;
  /** Ascending; only months with an open or won deal. */
  readonly months: readonly ForecastMonth[];
  /** With groupBy=owner only: owners by name, deals without one last. */
  readonly owners?: readonly ForecastOwnerRow[];
}

interface MonthTally {
  openDeals: number;
  /** Per currency: summed amounts, and summed amount x probability (exact: it passes 2^53 quickly). */
  readonly open: Map<string, { total: bigint; weighted: bigint }>;
  wonDeals: number;
  readonly won: Map<string, bigint>;
}

/** Month -> tally. */
type Months = Map<string, MonthTally>;

const monthOf = (months: Months, month: string): MonthTally =>
  getOrAdd(months, month, () => ({ openDeals: 0, open: new Map(), wonDeals: 0, won: new Map() }));

function addOpen(
  months: Months,
  month: string,
  currency: string,
  deals: number,
  total: bigint,
  weighted: bigint,
): void {
  const tally = monthOf(months, month);
  tally.openDeals += deals;
  const sums = tally.open.get(currency);
  if (sums) {
    sums.total += total;
    sums.weighted += weighted;
  } else {
    tally.open.set(currency, { total, weighted });
  }
}

function addWon(months: Months, month: string, currency: string, deals: number, total: bigint): void {
  const tally = monthOf(months, month);
  tally.wonDeals += deals;
  tally.won.set(currency, (tally.won.get(currency) ?? 0n) + total);
}

const report = (months: Months): ForecastMonth[] =>
  sortedByKey(months).map(([month, tally]) => ({
    month,
    open: {
      deals: tally.openDeals,
      values: sortedByKey(tally.open).map(([currency, { total, weighted }]) => ({
        currency,
        total: Number(total),
        weighted: roundedPercent(weighted),
      })),
    },
    won: { deals: tally.wonDeals, values: currencyTotals(tally.won) },
  }));

/** The start of the last day a report bound can fall on (reportInstant takes years 0000 to 9999). */
const LAST_DAY_START = '9999-12-31T00:00:00.000Z';

/**
 * The first UTC day starting at or after the instant; undefined when no day does (firstDayFrom would name a
 * day of year 10000, which sorts before every other).
 */
const dayFrom = (instant: string): string | undefined =>
  instant > LAST_DAY_START ? undefined : firstDayFrom(instant);

/**
 * The buckets of open deals to read: the close days starting in [from, to), as whole months and the whole days
 * around them. A close date is a whole day, so no deal needs to be read one by one.
 */
function closeDays(from: string | undefined, to: string | undefined): [BucketPeriod, TextRange][] {
  const gte = from === undefined ? undefined : dayFrom(from);
  const lt = to === undefined ? undefined : dayFrom(to);
  if ((from !== undefined && gte === undefined) || (gte !== undefined && lt !== undefined && gte >= lt)) {
    return [];
  }
  const { months, days } = splitMonths(between(gte, lt));
  return [...(months ? [['month', months] as [BucketPeriod, TextRange]] : []), ...days.map(inDays)];
}

const inDays = (range: TextRange): [BucketPeriod, TextRange] => ['day', range];

/** The wins of [from, to): whole months and days from buckets, the partial days at its edges deal by deal. */
function winPeriods(from: string | undefined, to: string | undefined) {
  const plan = planPeriod(from, to);
  const buckets: [BucketPeriod, TextRange][] = [
    ...(plan.months ? [['month', plan.months] as [BucketPeriod, TextRange]] : []),
    ...plan.days.map(inDays),
  ];
  return { buckets, instants: plan.instants };
}

/**
 * The forecast of one pipeline for [from, to): its open deals by the month they are expected to close in
 * (those whose expected close date starts, UTC, in the period), weighted with their override or their stage's
 * probability in effect now; and its won deals by the month of the win (those won in the period), at the
 * value they were won with. Undefined for an unknown pipeline; a RangeError when from or to is not an ISO
 * date or instant. `position` is the last log position it includes.
 *
 * Weighted per month and currency: round((amounts without override x their stage's probability + amounts x
 * override) / 100), halves up, over the month's sum, not deal by deal. It reads buckets, not deals: about a
 * dozen documents per year of months, plus the days around them and the wins of the partial days at the edges.
 */
export async function forecastReport(
  reader: DocumentReader,
  query: ForecastQuery,
  position: string,
): Promise<ForecastReport | undefined> {
  const from = reportInstant(query.from, 'from');
  const to = reportInstant(query.to, 'to');
  const pipeline = await findPipeline(reader, query.pipelineId);
  if (!pipeline) return undefined;
  const { pipelineId } = pipeline;
  const probabilities = new StageProbabilities([pipeline]);

  const bucketsIn = <T extends Doc>(collection: string, [period, range]: [BucketPeriod, TextRange]) =>
    reader.find<T>(collection, { range: { field: 'key', ...bucketKeyRange(pipelineId, period, range) } });
  const wins = winPeriods(from, to);
  const [open, won, wonDeals] = await Promise.all([
    Promise.all(closeDays(from, to).map((period) => bucketsIn<ForecastOpenBucketDoc>(FORECAST_OPEN, period))),
    Promise.all(wins.buckets.map((period) => bucketsIn<ForecastWonBucketDoc>(FORECAST_WON, period))),
    Promise.all(
      // Both bounds always given: '~' sorts after every instant, and a bounded range also skips the
      // documents without the key on every store.
      wins.instants.map((range) =>
        reader.find<ForecastDealDoc>(FORECAST_DEALS, {
          range: {
            field: 'pipelineWon',
            gte: forecastKey(pipelineId, range.gte ?? ''),
            lt: forecastKey(pipelineId, range.lt ?? '~'),
          },
        }),
      ),
    ),
  ]);

  const months: Months = new Map();
  const byOwner = new Map<string | null, Months>();
  /** The owner's months, with groupBy=owner only. */
  const ownerMonths = (key: string): Months | undefined =>
    query.groupBy === 'owner' ? getOrAdd(byOwner, ownerOfKey(key), (): Months => new Map()) : undefined;

  for (const bucket of open.flat()) {
    const month = bucket.date.slice(0, 7);
    for (const [stage, owners] of Object.entries(bucket.open)) {
      const probability = BigInt(probabilities.of(pipelineId, stage));
      for (const [owner, currencies] of Object.entries(owners)) {
        const ofOwner = ownerMonths(owner);
        for (const [currency, { deals, total, overridden }] of Object.entries(currencies)) {
          const sum = BigInt(total);
          const weighted = overridden
            ? (sum - BigInt(overridden.total)) * probability + BigInt(overridden.weight)
            : sum * probability;
          addOpen(months, month, currency, deals, sum, weighted);
          if (ofOwner) addOpen(ofOwner, month, currency, deals, sum, weighted);
        }
      }
    }
  }
  for (const bucket of won.flat()) {
    const month = bucket.date.slice(0, 7);
    for (const [owner, currencies] of Object.entries(bucket.won)) {
      const ofOwner = ownerMonths(owner);
      for (const [currency, { deals, total }] of Object.entries(currencies)) {
        addWon(months, month, currency, deals, BigInt(total));
        if (ofOwner) addWon(ofOwner, month, currency, deals, BigInt(total));
      }
    }
  }
  for (const deal of wonDeals.flat()) {
    // A won deal's document has its win time: the index key is built from it.
    const month = (deal.wonAt ?? '').slice(0, 7);
    addWon(months, month, deal.currency, 1, BigInt(deal.amount));
    const ofOwner = ownerMonths(ownerKey(deal.owner));
    if (ofOwner) addWon(ofOwner, month, deal.currency, 1, BigInt(deal.amount));
  }

  return {
    position,
    pipelineId,
    from: from ?? null,
    to: to ?? null,
    months: report(months),
    ...(query.groupBy === 'owner'
      ? {
          owners: sortedByKey(byOwner).map(([owner, tallies]) => ({ owner, months: report(tallies) })),
        }
      : {}),
  };
}
