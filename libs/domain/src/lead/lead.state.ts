import {
  type Interactions,
  evolveInteractions,
  interactionFactOf,
  noInteractions,
} from '../interactions/interactions';
import type { Money } from '../shared/values';
import type { DisqualificationReason, LeadEvent } from './lead.events';

export type LeadStatus = 'captured' | 'qualified' | 'disqualified';

export interface Qualification {
  readonly budget: Money;
  readonly timeline: string;
  readonly authority: string | null;
  readonly need: string | null;
  readonly note: string | null;
  readonly qualifiedAt: string;
}

export interface Disqualification {
  readonly reason: DisqualificationReason;
  readonly note: string | null;
  readonly disqualifiedAt: string;
}

/** When and why a person's data was erased. */
export interface Erasure {
  readonly at: string;
  readonly reason: string;
}

export interface CapturedLead {
  readonly status: LeadStatus;
  readonly leadId: string;
  /** null once the person's data is erased (or when it was read without its key). */
  readonly name: string | null;
  readonly email: string | null;
  readonly company: string | null;
  readonly phone: string | null;
  readonly source: string;
  readonly campaign: string | null;
  readonly interest: string | null;
  readonly tags: readonly string[];
  /** Who works the lead; null until one is assigned. */
  readonly owner: string | null;
  readonly capturedAt: string;
  readonly qualification: Qualification | null;
  readonly disqualification: Disqualification | null;
  /** Notes and activities on the lead. */
  readonly interactions: Interactions;
  /** Set once the person's data is erased: the contact fields are null from then on. */
  readonly erased: Erasure | null;
}

/** A lead's state: nothing until it is captured. */
export type LeadState = { readonly status: 'none' } | CapturedLead;

export const initialLeadState = (): LeadState => ({ status: 'none' });

export function evolveLead(state: LeadState, event: LeadEvent): LeadState {
  if (event.type === 'LeadCaptured') {
    const d = event.data;
    return {
      status: 'captured',
      leadId: d.leadId,
      name: d.name,
      email: d.email,
      company: d.company ?? null,
      phone: d.phone ?? null,
      source: d.source,
      campaign: d.campaign ?? null,
      interest: d.interest ?? null,
      tags: d.tags,
      owner: null,
      capturedAt: d.capturedAt,
      qualification: null,
      disqualification: null,
      interactions: noInteractions(),
      erased: d.erased ?? null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'LeadQualified': {
      const d = event.data;
      return {
        ...state,
        status: 'qualified',
        qualification: {
          budget: d.budget,
          timeline: d.timeline,
          authority: d.authority ?? null,
          need: d.need ?? null,
          note: d.note ?? null,
          qualifiedAt: d.qualifiedAt,
        },
      };
    }
    case 'LeadDisqualified': {
      const d = event.data;
      return {
        ...state,
        status: 'disqualified',
        disqualification: { reason: d.reason, note: d.note ?? null, disqualifiedAt: d.disqualifiedAt },
      };
    }
    case 'LeadContactCorrected': {
      // null for name or email only when read after erasure: the person's fields are gone.
      const { field, to } = event.data;
      return { ...state, [field]: to };
    }
    case 'LeadInterestChanged':
      return { ...state, interest: event.data.to };
    case 'LeadTagsChanged':
      return { ...state, tags: event.data.to };
    case 'LeadOwnerChanged':
      return { ...state, owner: event.data.to };
    case 'LeadReactivated':
      return { ...state, status: 'captured', disqualification: null };
    case 'LeadErased':
      // Everything personalFieldsOf calls the person's: their contact fields and what was written about them.
      return {
        ...state,
        name: null,
        email: null,
        company: null,
        phone: null,
        qualification: state.qualification && {
          ...state.qualification,
          authority: null,
          need: null,
          note: null,
        },
        disqualification: state.disqualification && { ...state.disqualification, note: null },
        erased: { at: event.data.erasedAt, reason: event.data.reason },
      };
    case 'LeadNoteAdded':
    case 'LeadActivityScheduled':
    case 'LeadActivityCompleted':
    case 'LeadActivityRescheduled':
    case 'LeadActivityCancelled':
      return {
        ...state,
        interactions: evolveInteractions(state.interactions, interactionFactOf('Lead', event)!),
      };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}
