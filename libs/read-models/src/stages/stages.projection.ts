import { isDealEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';
import { storedInstant } from '../report-values';

export const STAGE_STAYS = 'stage_stays';
export const STAGE_DEALS = 'stage_deals';

/**
 * How a stay began: the deal was created in the stage (`created`), advanced to it (`advanced`), reverted to it
 * (`reverted`), reopened in it after being won or lost (`reopened`), or moved into it from another pipeline
 * (`movedIn`).
 */
export type StayEntry = 'created' | 'advanced' | 'reverted' | 'reopened' | 'movedIn';

/**
 * How a stay ended: StageAdvanced (`forward`), StageReverted (`back`), DealWon (`won`), DealLost (`lost`),
 * DealMovedToPipeline out of the stage's pipeline (`movedOut`).
 */
export type StayExit = 'forward' | 'back' | 'won' | 'lost' | 'movedOut';

/**
 * A stay: one deal's time in one stage of one pipeline, from entering the stage to leaving it. A deal that
 * comes back to a stage (reverted, reopened) starts a new stay there. Times are the events' occurredAt, in
 * the form toISOString writes, so that text order is time order.
 */
export interface StageStayDoc extends Doc {
  /** `${dealId}:${n}`, n counting the deal's stays from 0. */
  readonly id: string;
  readonly dealId: string;
  readonly n: number;
  /** The pipeline the deal was in during the stay: a stay belongs to it, whatever the deal did later. */
  readonly pipelineId: string;
  readonly stage: string;
  readonly entry: StayEntry;
  readonly enteredAt: string;
  /** `${pipelineId}|${enteredAt}`: one range query reads the stays a pipeline's stages had entered in a period. */
  readonly pipelineEnteredAt: string;
  /** Null while the deal is in the stage. */
  readonly exit: StayExit | null;
  readonly leftAt: string | null;
  /** `${pipelineId}|${leftAt}`, null while open: one range query reads the stays that ended in a period. */
  readonly pipelineLeftAt: string | null;
  /** leftAt minus enteredAt in whole milliseconds (0 if the clock went back); null while open. */
  readonly durationMs: number | null;
}

/** What the projection remembers of a deal between events: which stay it is in, so that an exit can end it. */
export interface StageDealDoc extends Doc {
  /** The deal id. */
  readonly id: string;
  /** The pipeline of its latest stay: a reopened deal is open again there. */
  readonly pipelineId: string;
  /** How many stays it has had: the next stay's n. */
  readonly stays: number;
  /** The n of the stay it is in now; null while it is won or lost. */
  readonly current: number | null;
}

export const stayId = (dealId: string, n: number): string => `${dealId}:${n}`;

/** The key a stay is found by in a pipeline's period: pipeline first, then the instant (text order = time order). */
export const pipelineTimeKey = (pipelineId: string, instant: string): string => `${pipelineId}|${instant}`;

const dealRef = (dealId: string): DocRef => ({ collection: STAGE_DEALS, id: dealId });
const stayRef = (dealId: string, n: number): DocRef => ({ collection: STAGE_STAYS, id: stayId(dealId, n) });

const findDeal = (docs: DocLookup | undefined, dealId: string) =>
  docs?.(STAGE_DEALS, dealId) as StageDealDoc | undefined;

/** A deal, and the stay it is in once the deal is loaded: the stay's n is on the deal, not in the event. */
function dealAndStay(lookup: DocLookup | undefined, dealId: string): DocRef[] {
  const deal = findDeal(lookup, dealId);
  return deal?.current == null ? [dealRef(dealId)] : [dealRef(dealId), stayRef(dealId, deal.current)];
}

function touches(event: RecordedEvent, lookup?: DocLookup): readonly DocRef[] {
  if (!isDealEvent(event)) return [];
  switch (event.type) {
    case 'DealCreated':
    case 'DealReopened':
      return [dealRef(event.data.dealId)];
    case 'StageAdvanced':
    case 'StageReverted':
    case 'DealWon':
    case 'DealLost':
    case 'DealMovedToPipeline':
      return dealAndStay(lookup, event.data.dealId);
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

const put = (collection: string, doc: Doc): DocChange => ({ collection, id: doc.id, doc });

/** A new stay for the deal, which is in it from now on. */
function enter(
  deal: StageDealDoc,
  pipelineId: string,
  stage: string,
  entry: StayEntry,
  at: string,
): DocChange[] {
  const n = deal.stays;
  const stay: StageStayDoc = {
    id: stayId(deal.id, n),
    dealId: deal.id,
    n,
    pipelineId,
    stage,
    entry,
    enteredAt: at,
    pipelineEnteredAt: pipelineTimeKey(pipelineId, at),
    exit: null,
    leftAt: null,
    pipelineLeftAt: null,
    durationMs: null,
  };
  const next: StageDealDoc = { ...deal, pipelineId, stays: n + 1, current: n };
  return [put(STAGE_STAYS, stay), put(STAGE_DEALS, next)];
}

/**
 * Ends the deal's current stay this way, and starts the next one when the deal goes on to another stage
 * (`next`); without `next` the deal is closed. Nothing for a deal not seen created or not in a stage.
 */
function leave(
  docs: DocLookup,
  dealId: string,
  exit: StayExit,
  at: string,
  next?: { readonly pipelineId?: string; readonly stage: string; readonly entry: StayEntry },
): DocChange[] {
  const deal = findDeal(docs, dealId);
  if (!deal || deal.current === null) return [];
  const stay = docs(STAGE_STAYS, stayId(dealId, deal.current)) as StageStayDoc | undefined;
  if (!stay) return [];
  const ended: StageStayDoc = {
    ...stay,
    exit,
    leftAt: at,
    pipelineLeftAt: pipelineTimeKey(stay.pipelineId, at),
    // Events of a stream are in time order; a clock set back between two processes must not give a negative stay.
    durationMs: Math.max(0, Date.parse(at) - Date.parse(stay.enteredAt)),
  };
  if (!next) return [put(STAGE_STAYS, ended), put(STAGE_DEALS, { ...deal, current: null })];
  return [
    put(STAGE_STAYS, ended),
    ...enter(deal, next.pipelineId ?? stay.pipelineId, next.stage, next.entry, at),
  ];
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  if (!isDealEvent(event)) return [];
  // The store writes occurredAt for every event; one that is not a time cannot be placed in a period.
  const at = storedInstant(event.metadata.occurredAt);
  if (at === undefined) return [];
  switch (event.type) {
    case 'DealCreated': {
      const { dealId, pipelineId, stage } = event.data;
      if (findDeal(docs, dealId)) return [];
      return enter({ id: dealId, pipelineId, stays: 0, current: null }, pipelineId, stage, 'created', at);
    }
    case 'StageAdvanced':
      return leave(docs, event.data.dealId, 'forward', at, { stage: event.data.to, entry: 'advanced' });
    case 'StageReverted':
      return leave(docs, event.data.dealId, 'back', at, { stage: event.data.to, entry: 'reverted' });
    case 'DealWon':
      return leave(docs, event.data.dealId, 'won', at);
    case 'DealLost':
      return leave(docs, event.data.dealId, 'lost', at);
    case 'DealReopened': {
      const deal = findDeal(docs, event.data.dealId);
      // Only a closed deal reopens; its win or loss stays counted, and a new stay starts now.
      if (!deal || deal.current !== null) return [];
      return enter(deal, deal.pipelineId, event.data.stage, 'reopened', at);
    }
    case 'DealMovedToPipeline': {
      const { to } = event.data;
      return leave(docs, event.data.dealId, 'movedOut', at, {
        pipelineId: to.pipelineId,
        stage: to.stage,
        entry: 'movedIn',
      });
    }
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
 * Stage conversion and time in stage: every deal's stays in the stages of its pipelines, each with how it
 * began and ended, indexed by pipeline and time so that a report reads one pipeline's period and nothing else.
 */
export const stagesProjection: Projection = {
  name: 'stages',
  version: 1,
  collections: [
    { name: STAGE_STAYS, indexes: [{ field: 'pipelineEnteredAt' }, { field: 'pipelineLeftAt' }] },
    { name: STAGE_DEALS, indexes: [] },
  ],
  touches,
  evolve,
};
