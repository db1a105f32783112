import { type Money, type Stage, STAGES, isDealEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';

export const PIPELINE_DEALS = 'pipeline_deals';
export const PIPELINE_TOTALS = 'pipeline_totals';
/** The one totals document: the report reads a single document, however many deals there are. */
export const PIPELINE_TOTALS_ID = 'all';

/** An open deal, as the pipeline needs it to move its value between stages and to an outcome. */
export interface PipelineDealDoc extends Doc {
  readonly id: string;
  readonly stage: Stage;
  readonly amount: number;
  readonly currency: string;
}

/** Deals and their summed value in one currency. */
export interface PipelineCurrencyTally {
  readonly deals: number;
  readonly total: number;
}

/**
 * Deals in one place (a stage, won or lost), per currency. A currency keeps its own deal count so that it is
 * dropped when its last deal leaves, and kept while it has deals, even deals worth 0.
 */
export interface PipelineTally {
  readonly deals: number;
  readonly values: Readonly<Record<string, PipelineCurrencyTally>>;
}

export interface PipelineTotalsDoc extends Doc {
  readonly id: typeof PIPELINE_TOTALS_ID;
  /** Open deals by stage. */
  readonly open: Readonly<Record<string, PipelineTally>>;
  readonly won: PipelineTally;
  readonly lost: PipelineTally;
}

const EMPTY_TALLY: PipelineTally = { deals: 0, values: {} };

const emptyTotals = (): PipelineTotalsDoc => ({
  id: PIPELINE_TOTALS_ID,
  open: Object.fromEntries(STAGES.map((stage) => [stage, EMPTY_TALLY])),
  won: EMPTY_TALLY,
  lost: EMPTY_TALLY,
});

/** Adds a deal of this value to a tally (sign 1) or takes it out (sign -1). */
function tally(current: PipelineTally | undefined, value: Money, sign: 1 | -1): PipelineTally {
  const { deals, values } = current ?? EMPTY_TALLY;
  const entry = values[value.currency] ?? { deals: 0, total: 0 };
  const next = { deals: entry.deals + sign, total: entry.total + sign * value.amount };
  const { [value.currency]: _old, ...others } = values;
  return { deals: deals + sign, values: next.deals > 0 ? { ...others, [value.currency]: next } : others };
}

const put = (collection: string, doc: Doc): DocChange => ({ collection, id: doc.id, doc });

function touches(event: RecordedEvent): readonly DocRef[] {
  if (!isDealEvent(event)) return [];
  return [
    { collection: PIPELINE_DEALS, id: event.data.dealId },
    { collection: PIPELINE_TOTALS, id: PIPELINE_TOTALS_ID },
  ];
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  if (!isDealEvent(event)) return [];
  const deal = docs(PIPELINE_DEALS, event.data.dealId) as PipelineDealDoc | undefined;
  const totals =
    (docs(PIPELINE_TOTALS, PIPELINE_TOTALS_ID) as PipelineTotalsDoc | undefined) ?? emptyTotals();
  switch (event.type) {
    case 'DealCreated': {
      if (deal) return [];
      const { dealId, stage, value } = event.data;
      const created: PipelineDealDoc = {
        id: dealId,
        stage,
        amount: value.amount,
        currency: value.currency,
      };
      return [
        put(PIPELINE_DEALS, created),
        put(PIPELINE_TOTALS, {
          ...totals,
          open: { ...totals.open, [stage]: tally(totals.open[stage], value, 1) },
        }),
      ];
    }
    case 'StageAdvanced': {
      if (!deal) return [];
      const { to } = event.data;
      // The event carries no value: the deal document knows what was counted in the stage it leaves.
      const value = { amount: deal.amount, currency: deal.currency };
      const left = { ...totals.open, [deal.stage]: tally(totals.open[deal.stage], value, -1) };
      return [
        put(PIPELINE_DEALS, { ...deal, stage: to }),
        put(PIPELINE_TOTALS, { ...totals, open: { ...left, [to]: tally(left[to], value, 1) } }),
      ];
    }
    case 'DealWon':
    case 'DealLost': {
      if (!deal) return [];
      const outcome = event.type === 'DealWon' ? 'won' : 'lost';
      // Out of the stage with the value it was counted with; into the outcome with the value the event states.
      const counted = { amount: deal.amount, currency: deal.currency };
      // A closed deal leaves the pipeline for good (won and lost are final): its document goes, which keeps
      // the collection, and an as-of fold in memory, to the open deals.
      return [
        { collection: PIPELINE_DEALS, id: deal.id, doc: null },
        put(PIPELINE_TOTALS, {
          ...totals,
          open: { ...totals.open, [deal.stage]: tally(totals.open[deal.stage], counted, -1) },
          [outcome]: tally(totals[outcome], event.data.value, 1),
        }),
      ];
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/** Pipeline value by stage: open deals per stage, and won and lost deals, counted and summed per currency. */
export const pipelineProjection: Projection = {
  name: 'pipeline',
  version: 3,
  collections: [
    { name: PIPELINE_DEALS, indexes: [] },
    { name: PIPELINE_TOTALS, indexes: [] },
  ],
  touches,
  evolve,
};
