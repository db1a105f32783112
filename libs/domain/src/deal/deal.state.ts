import type { Stage } from '../pipeline/pipeline';
import type { Money } from '../shared/values';
import type { DealEvent } from './deal.events';

export type DealStatus = 'open' | 'won' | 'lost';

export interface ExistingDeal {
  readonly status: DealStatus;
  readonly dealId: string;
  readonly leadId: string;
  readonly title: string;
  readonly value: Money;
  readonly stage: Stage;
  readonly expectedCloseDate: string;
  readonly owner: string | null;
  readonly createdAt: string;
  readonly closedAt: string | null;
  readonly wonNote: string | null;
  readonly lostReason: string | null;
  readonly competitor: string | null;
  readonly lostNote: string | null;
}

/** A deal's state: nothing until it is created. */
export type DealState = { readonly status: 'none' } | ExistingDeal;

export const initialDealState = (): DealState => ({ status: 'none' });

export function evolveDeal(state: DealState, event: DealEvent): DealState {
  switch (event.type) {
    case 'DealCreated': {
      const d = event.data;
      return {
        status: 'open',
        dealId: d.dealId,
        leadId: d.leadId,
        title: d.title,
        value: d.value,
        stage: d.stage,
        expectedCloseDate: d.expectedCloseDate,
        owner: d.owner ?? null,
        createdAt: d.createdAt,
        closedAt: null,
        wonNote: null,
        lostReason: null,
        competitor: null,
        lostNote: null,
      };
    }
    case 'StageAdvanced':
      return state.status === 'none' ? state : { ...state, stage: event.data.to };
    case 'DealWon':
      return state.status === 'none'
        ? state
        : { ...state, status: 'won', closedAt: event.data.wonAt, wonNote: event.data.note ?? null };
    case 'DealLost':
      return state.status === 'none'
        ? state
        : {
            ...state,
            status: 'lost',
            closedAt: event.data.lostAt,
            lostReason: event.data.reason,
            competitor: event.data.competitor ?? null,
            lostNote: event.data.note ?? null,
          };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}
