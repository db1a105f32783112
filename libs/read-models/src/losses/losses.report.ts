import type { DocumentReader } from '../projection';
import { type CurrencyTotal, byName, currencyTotals, getOrAdd, reportInstant } from '../report-values';
import { LOSSES_DEALS, type LossesDealDoc } from './losses.projection';

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

const add = (tally: Tally, currency: string, amount: number): void => {
  tally.deals += 1;
  tally.values.set(currency, (tally.values.get(currency) ?? 0n) + BigInt(amount));
};

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

  add(key: K, currency: string, amount: number): void {
    const names = this.names(key);
    // JSON keeps null apart from "null", and the parts of a pair apart.
    const id = JSON.stringify(names);
    add(getOrAdd(this.groups, id, () => ({ key, names, tally: newTally() })).tally, currency, amount);
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
 */
export async function lossesReport(
  reader: DocumentReader,
  query: LossesQuery,
  position: string,
): Promise<LossesReport> {
  const from = reportInstant(query.from, 'from');
  const to = reportInstant(query.to, 'to');
  // A lower bound is always given: a range with none would match the documents without lostAt on some stores.
  const found = await reader.find<LossesDealDoc>(LOSSES_DEALS, {
    range: { field: 'lostAt', gte: from ?? '', ...(to === undefined ? {} : { lt: to }) },
  });

  const lost = newTally();
  const byReason = new Grouping<string>((reason) => [reason]);
  const byStage = new Grouping<{ pipelineId: string; stage: string }>((s) => [s.pipelineId, s.stage]);
  const byCompetitor = new Grouping<string | null>((competitor) => [competitor]);
  for (const { loss } of found) {
    if (!loss) continue;
    const { pipelineId, stage, reason, competitor, amount, currency } = loss;
    add(lost, currency, amount);
    byReason.add(reason, currency, amount);
    byStage.add({ pipelineId, stage }, currency, amount);
    byCompetitor.add(competitor, currency, amount);
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
