import { type DealEvent, isDealEvent, isInteractionEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';

export const PIPELINE_DEALS = 'pipeline_deals';
/** One document per pipeline (id: the pipeline id): the report reads one document, however many deals. */
export const PIPELINE_TOTALS = 'pipeline_totals';
/** One document per pipeline and owner, for the report grouped by owner. */
export const PIPELINE_OWNER_TOTALS = 'pipeline_owner_totals';

export type PipelineDealStatus = 'open' | 'won' | 'lost';

/** A deal, as the pipeline needs it to move its value between stages, owners, pipelines and outcomes. */
export interface PipelineDealDoc extends Doc {
  readonly id: string;
  readonly pipelineId: string;
  /** The stage it is open in; once closed, the stage it closed in (where a reopen puts it back). */
  readonly stage: string;
  readonly owner: string | null;
  /** What it is counted with: its value while open, the value it closed with once closed. */
  readonly amount: number;
  readonly currency: string;
  /** Its own win probability in place of its stage's; null: the stage's applies. */
  readonly override: number | null;
  readonly status: PipelineDealStatus;
}

/** The deals of a tally entry that carry their own probability, weighed with it rather than the stage's. */
export interface PipelineOverridden {
  readonly deals: number;
  readonly total: number;
  /** Exact sum of amount x override, as a decimal string: a single deal's can exceed 2^53. */
  readonly weight: string;
}

/** Deals and their summed value in one currency. */
export interface PipelineCurrencyTally {
  readonly deals: number;
  /** Every deal's amount, overridden or not. */
  readonly total: number;
  /** Open deals only, and only while some of them carry an override. */
  readonly overridden?: PipelineOverridden;
}

/**
 * Deals in one place (a stage, won or lost), per currency. A currency keeps its own deal count so that it is
 * dropped when its last deal leaves, and kept while it has deals, even deals worth 0.
 */
export interface PipelineTally {
  readonly deals: number;
  readonly values: Readonly<Record<string, PipelineCurrencyTally>>;
}

/** Where deals are: open by stage (a stage without open deals is absent), won and lost. */
export interface PipelineCounts {
  readonly open: Readonly<Record<string, PipelineTally>>;
  readonly won: PipelineTally;
  readonly lost: PipelineTally;
}

/** The deals of one pipeline; its id is the pipeline's. */
export interface PipelineTotalsDoc extends Doc, PipelineCounts {
  readonly id: string;
}

/** The deals of one owner (null: no owner) in one pipeline; deleted when it holds no deal. */
export interface PipelineOwnerTotalsDoc extends Doc, PipelineCounts {
  readonly id: string;
  readonly pipelineId: string;
  readonly owner: string | null;
}

/** Unambiguous whatever the owner's name holds, and distinct for no owner. */
export const pipelineOwnerTotalsId = (pipelineId: string, owner: string | null): string =>
  JSON.stringify([pipelineId, owner]);

const EMPTY_TALLY: PipelineTally = { deals: 0, values: {} };

/** What a deal adds to a tally (sign 1) or takes out of it (sign -1). */
interface Counted {
  readonly amount: number;
  readonly currency: string;
  readonly override: number | null;
}

function overriddenAfter(
  current: PipelineOverridden | undefined,
  { amount, override }: Counted,
  sign: 1 | -1,
): PipelineOverridden | undefined {
  if (override === null) return current;
  const { deals, total, weight } = current ?? { deals: 0, total: 0, weight: '0' };
  const next = {
    deals: deals + sign,
    total: total + sign * amount,
    weight: String(BigInt(weight) + BigInt(sign * amount) * BigInt(override)),
  };
  return next.deals > 0 ? next : undefined;
}

function tally(current: PipelineTally | undefined, counted: Counted, sign: 1 | -1): PipelineTally {
  const { deals, values } = current ?? EMPTY_TALLY;
  const entry = values[counted.currency] ?? { deals: 0, total: 0 };
  const overridden = overriddenAfter(entry.overridden, counted, sign);
  const next: PipelineCurrencyTally = {
    deals: entry.deals + sign,
    total: entry.total + sign * counted.amount,
    ...(overridden ? { overridden } : {}),
  };
  const { [counted.currency]: _old, ...others } = values;
  return { deals: deals + sign, values: next.deals > 0 ? { ...others, [counted.currency]: next } : others };
}

/** The counts with this deal added (sign 1) or taken out (sign -1) where its status puts it. */
function count<T extends PipelineCounts>(counts: T, deal: PipelineDealDoc, sign: 1 | -1): T {
  if (deal.status === 'open') {
    const stage = tally(counts.open[deal.stage], deal, sign);
    const { [deal.stage]: _old, ...others } = counts.open;
    return { ...counts, open: stage.deals > 0 ? { ...others, [deal.stage]: stage } : others };
  }
  // A closed deal is counted at the value it closed with; no probability weighs it.
  return { ...counts, [deal.status]: tally(counts[deal.status], { ...deal, override: null }, sign) };
}

const isEmpty = (counts: PipelineCounts): boolean =>
  Object.keys(counts.open).length === 0 && counts.won.deals === 0 && counts.lost.deals === 0;

/** The documents a deal is counted in: its pipeline's totals and its owner's. */
const countedIn = (deal: PipelineDealDoc): DocRef[] => [
  { collection: PIPELINE_TOTALS, id: deal.pipelineId },
  { collection: PIPELINE_OWNER_TOTALS, id: pipelineOwnerTotalsId(deal.pipelineId, deal.owner) },
];

/** The deal after this event; undefined when the event changes nothing the report counts. */
function dealAfter(deal: PipelineDealDoc | undefined, event: DealEvent): PipelineDealDoc | undefined {
  if (event.type === 'DealCreated') {
    if (deal) return undefined;
    const { dealId, pipelineId, stage, owner, value } = event.data;
    return {
      id: dealId,
      pipelineId,
      stage,
      owner: owner ?? null,
      amount: value.amount,
      currency: value.currency,
      override: null,
      status: 'open',
    };
  }
  if (!deal) return undefined;
  if (event.type === 'DealReopened') {
    // Open again in the stage it closed in, with the value, owner and override it had.
    return deal.status === 'open' ? undefined : { ...deal, status: 'open', stage: event.data.stage };
  }
  // A closed deal changes only by being reopened: anything else for it is not counted (the domain refuses it).
  if (deal.status !== 'open') return undefined;
  if (isInteractionEvent(event)) return undefined;
  switch (event.type) {
    case 'StageAdvanced':
    case 'StageReverted':
      return { ...deal, stage: event.data.to };
    case 'DealWon':
    case 'DealLost': {
      // Into its outcome with the value the event states; reopening takes out exactly that.
      const { amount, currency } = event.data.value;
      return { ...deal, status: event.type === 'DealWon' ? 'won' : 'lost', amount, currency };
    }
    case 'DealValueChanged': {
      const { amount, currency } = event.data.to;
      return { ...deal, amount, currency };
    }
    case 'DealOwnerChanged':
      return { ...deal, owner: event.data.to };
    case 'DealProbabilityOverrideChanged':
      return { ...deal, override: event.data.to };
    case 'DealMovedToPipeline':
      return { ...deal, pipelineId: event.data.to.pipelineId, stage: event.data.to.stage };
    case 'DealTitleChanged':
    case 'DealExpectedCloseDateChanged':
      return undefined;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

const dealRef = (dealId: string): DocRef => ({ collection: PIPELINE_DEALS, id: dealId });

/** The deal, then (once it is loaded) the totals it leaves and enters: their ids are on the deal. */
function touches(event: RecordedEvent, lookup?: DocLookup): readonly DocRef[] {
  if (!isDealEvent(event)) return [];
  const deal = lookup?.(PIPELINE_DEALS, event.data.dealId) as PipelineDealDoc | undefined;
  const after = dealAfter(deal, event);
  const refs = [
    dealRef(event.data.dealId),
    ...(deal && after ? countedIn(deal) : []),
    ...(after ? countedIn(after) : []),
  ];
  return refs.filter(
    (ref, i) => refs.findIndex((r) => r.collection === ref.collection && r.id === ref.id) === i,
  );
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  if (!isDealEvent(event)) return [];
  const deal = docs(PIPELINE_DEALS, event.data.dealId) as PipelineDealDoc | undefined;
  const after = dealAfter(deal, event);
  if (!after) return [];

  // The totals as they stand while the deal is taken out and put back in, by collection and id.
  const totals = new Map<string, { collection: string; doc: PipelineTotalsDoc | PipelineOwnerTotalsDoc }>();
  const move = (moved: PipelineDealDoc, sign: 1 | -1) => {
    for (const { collection, id } of countedIn(moved)) {
      const key = JSON.stringify([collection, id]);
      const empty = { id, open: {}, won: EMPTY_TALLY, lost: EMPTY_TALLY };
      const current =
        totals.get(key)?.doc ??
        (docs(collection, id) as PipelineTotalsDoc | PipelineOwnerTotalsDoc | undefined) ??
        (collection === PIPELINE_TOTALS
          ? empty
          : { ...empty, pipelineId: moved.pipelineId, owner: moved.owner });
      totals.set(key, { collection, doc: count(current, moved, sign) });
    }
  };
  if (deal) move(deal, -1);
  move(after, 1);

  return [
    { collection: PIPELINE_DEALS, id: after.id, doc: after },
    // An empty totals document is dropped: an owner without deals leaves no row behind.
    ...[...totals.values()].map(({ collection, doc }) => ({
      collection,
      id: doc.id,
      doc: isEmpty(doc) ? null : doc,
    })),
  ];
}

/**
 * Pipeline value by stage, per pipeline (and per owner in it): open deals per stage, and won and lost deals,
 * counted and summed per currency. The probabilities are not stored here: the report reads those in effect.
 */
export const pipelineProjection: Projection = {
  readsPersonalData: false,
  name: 'pipeline',
  version: 4,
  collections: [
    { name: PIPELINE_DEALS, indexes: [] },
    { name: PIPELINE_TOTALS, indexes: [] },
    { name: PIPELINE_OWNER_TOTALS, indexes: [{ field: 'pipelineId' }] },
  ],
  touches,
  evolve,
};
