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

export interface CapturedLead {
  readonly status: LeadStatus;
  readonly leadId: string;
  readonly name: string;
  readonly email: string;
  readonly company: string | null;
  readonly phone: string | null;
  readonly source: string;
  readonly campaign: string | null;
  readonly interest: string | null;
  readonly tags: readonly string[];
  readonly capturedAt: string;
  readonly qualification: Qualification | null;
  readonly disqualification: Disqualification | null;
}

/** A lead's state: nothing until it is captured. */
export type LeadState = { readonly status: 'none' } | CapturedLead;

export const initialLeadState = (): LeadState => ({ status: 'none' });

export function evolveLead(state: LeadState, event: LeadEvent): LeadState {
  switch (event.type) {
    case 'LeadCaptured': {
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
        capturedAt: d.capturedAt,
        qualification: null,
        disqualification: null,
      };
    }
    case 'LeadQualified': {
      if (state.status === 'none') return state;
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
      if (state.status === 'none') return state;
      const d = event.data;
      return {
        ...state,
        status: 'disqualified',
        disqualification: { reason: d.reason, note: d.note ?? null, disqualifiedAt: d.disqualifiedAt },
      };
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}
