import {
  type Interactions,
  evolveInteractions,
  interactionFactOf,
  noInteractions,
} from '../interactions/interactions';
import type { Money } from '../shared/values';
import type { DealEvent } from './deal.events';

export type DealStatus = 'open' | 'won' | 'lost';

export interface ExistingDeal {
  readonly status: DealStatus;
  readonly dealId: string;
  readonly leadId: string;
  readonly pipelineId: string;
  /** null once the deal's lead is erased: the title is the lead's personal data. */
  readonly title: string | null;
  readonly value: Money;
  readonly stage: string;
  readonly expectedCloseDate: string;
  readonly owner: string | null;
  /** The deal's own win probability in place of its stage's; null when the stage's applies. */
  readonly probabilityOverride: number | null;
  readonly createdAt: string;
  readonly closedAt: string | null;
  readonly wonNote: string | null;
  readonly lostReason: string | null;
  readonly competitor: string | null;
  readonly lostNote: string | null;
  /** When it was last reopened, null if never. */
  readonly reopenedAt: string | null;
  /** When it entered the stage it is in (created, moved, reopened, moved to another pipeline). */
  readonly stageEnteredAt: string;
  /** Notes and activities on the deal. */
  readonly interactions: Interactions;
}

/** A deal's state: nothing until it is created. */
export type DealState = { readonly status: 'none' } | ExistingDeal;

export const initialDealState = (): DealState => ({ status: 'none' });

export function evolveDeal(state: DealState, event: DealEvent): DealState {
  if (event.type === 'DealCreated') {
    const d = event.data;
    return {
      status: 'open',
      dealId: d.dealId,
      leadId: d.leadId,
      pipelineId: d.pipelineId,
      title: d.title,
      value: d.value,
      stage: d.stage,
      expectedCloseDate: d.expectedCloseDate,
      owner: d.owner ?? null,
      probabilityOverride: null,
      createdAt: d.createdAt,
      closedAt: null,
      wonNote: null,
      lostReason: null,
      competitor: null,
      lostNote: null,
      reopenedAt: null,
      stageEnteredAt: d.createdAt,
      interactions: noInteractions(),
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'StageAdvanced':
      return { ...state, stage: event.data.to, stageEnteredAt: event.data.advancedAt };
    case 'StageReverted':
      return { ...state, stage: event.data.to, stageEnteredAt: event.data.revertedAt };
    case 'DealWon':
      return { ...state, status: 'won', closedAt: event.data.wonAt, wonNote: event.data.note ?? null };
    case 'DealLost':
      return {
        ...state,
        status: 'lost',
        closedAt: event.data.lostAt,
        lostReason: event.data.reason,
        competitor: event.data.competitor ?? null,
        lostNote: event.data.note ?? null,
      };
    case 'DealValueChanged':
      return { ...state, value: event.data.to };
    case 'DealTitleChanged':
      return { ...state, title: event.data.to };
    case 'DealExpectedCloseDateChanged':
      return { ...state, expectedCloseDate: event.data.to };
    case 'DealOwnerChanged':
      return { ...state, owner: event.data.to };
    case 'DealProbabilityOverrideChanged':
      return { ...state, probabilityOverride: event.data.to };
    case 'DealReopened':
      return {
        ...state,
        status: 'open',
        stage: event.data.stage,
        closedAt: null,
        wonNote: null,
        lostReason: null,
        competitor: null,
        lostNote: null,
        reopenedAt: event.data.reopenedAt,
        stageEnteredAt: event.data.reopenedAt,
      };
    case 'DealMovedToPipeline':
      return {
        ...state,
        pipelineId: event.data.to.pipelineId,
        stage: event.data.to.stage,
        stageEnteredAt: event.data.movedAt,
      };
    case 'DealNoteAdded':
    case 'DealActivityScheduled':
    case 'DealActivityCompleted':
    case 'DealActivityRescheduled':
    case 'DealActivityCancelled':
      return {
        ...state,
        interactions: evolveInteractions(state.interactions, interactionFactOf('Deal', event)!),
      };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}
