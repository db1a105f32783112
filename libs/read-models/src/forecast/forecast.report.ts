import { findPipeline, StageProbabilities } from '../pipelines';
import type { DocumentReader } from '../projection';
import {
  type CurrencyTotal,
  currencyTotals,
  firstDayFrom,
  getOrAdd,
  reportInstant,
  roundedPercent,
  sortedByKey,
} from '../report-values';
import { FORECAST_DEALS, type ForecastDealDoc, forecastKey } from './forecast.projection';

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

function addOpen(months: Months, deal: ForecastDealDoc, probability: number): void {
  const tally = monthOf(months, deal.expectedCloseDate.slice(0, 7));
  tally.openDeals += 1;
  const sums = tally.open.get(deal.currency) ?? { total: 0n, weighted: 0n };
  tally.open.set(deal.currency, {
    total: sums.total + BigInt(deal.amount),
    weighted: sums.weighted + BigInt(deal.amount) * BigInt(probability),
  });
}

function addWon(months: Months, deal: ForecastDealDoc, wonAt: string): void {
  const tally = monthOf(months, wonAt.slice(0, 7));
  tally.wonDeals += 1;
  tally.won.set(deal.currency, (tally.won.get(deal.currency) ?? 0n) + BigInt(deal.amount));
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

/**
 * The forecast of one pipeline for [from, to): its open deals by the month they are expected to close in
 * (those whose expected close date starts, UTC, in the period), weighted with their override or their stage's
 * probability in effect now; and its won deals by the month of the win (those won in the period), at the
 * value they were won with. Undefined for an unknown pipeline; a RangeError when from or to is not an ISO
 * date or instant. `position` is the last log position it includes.
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

  // Both bounds always given: '~' sorts after every date and instant, and a bounded range also skips the
  // documents without the key on every store.
  const open = await reader.find<ForecastDealDoc>(FORECAST_DEALS, {
    range: {
      field: 'pipelineCloses',
      gte: forecastKey(pipelineId, from === undefined ? '' : firstDayFrom(from)),
      lt: forecastKey(pipelineId, to === undefined ? '~' : firstDayFrom(to)),
    },
  });
  const won = await reader.find<ForecastDealDoc>(FORECAST_DEALS, {
    range: {
      field: 'pipelineWon',
      gte: forecastKey(pipelineId, from ?? ''),
      lt: forecastKey(pipelineId, to ?? '~'),
    },
  });

  const months: Months = new Map();
  const byOwner = new Map<string | null, Months>();
  const ownerMonths = (owner: string | null): Months => getOrAdd(byOwner, owner, (): Months => new Map());
  for (const deal of open) {
    const probability = probabilities.forDeal(deal);
    addOpen(months, deal, probability);
    if (query.groupBy === 'owner') addOpen(ownerMonths(deal.owner), deal, probability);
  }
  for (const deal of won) {
    // A won deal's document has its win time: the index key is built from it.
    const wonAt = deal.wonAt ?? '';
    addWon(months, deal, wonAt);
    if (query.groupBy === 'owner') addWon(ownerMonths(deal.owner), deal, wonAt);
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
