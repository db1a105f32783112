import { randomUUID } from 'node:crypto';
import {
  type DealCommand,
  type DealState,
  DomainError,
  type LeadCommand,
  type LeadState,
  STAGES,
  dealDecider,
  dealIdForLead,
  leadDecider,
} from '@app/domain';
import type { EventStore, NewEvent } from '@app/event-store';
import fc from 'fast-check';

/** One step of a sales team's day, aimed at the n-th lead (modulo how many exist). */
export type Action =
  | { readonly kind: 'capture'; readonly source: string; readonly minutes: number }
  | {
      readonly kind: 'qualify' | 'disqualify' | 'create' | 'win';
      readonly lead: number;
      readonly minutes: number;
    }
  | { readonly kind: 'advance'; readonly lead: number; readonly stage: number; readonly minutes: number }
  | { readonly kind: 'lose'; readonly lead: number; readonly minutes: number }
  | {
      readonly kind: 'value';
      readonly lead: number;
      readonly amount: number;
      readonly currency: number;
      readonly minutes: number;
    };

const SOURCES = ['web_form', 'referral', 'event'];
const CURRENCIES = ['EUR', 'USD', 'JPY'];

export const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('capture' as const),
    source: fc.constantFrom(...SOURCES),
    minutes: fc.nat(600),
  }),
  fc.record({
    kind: fc.constantFrom(
      'qualify' as const,
      'disqualify' as const,
      'create' as const,
      'win' as const,
      'lose' as const,
    ),
    lead: fc.nat(),
    minutes: fc.nat(600),
  }),
  fc.record({
    kind: fc.constant('advance' as const),
    lead: fc.nat(),
    stage: fc.nat(3),
    minutes: fc.nat(600),
  }),
  fc.record({
    kind: fc.constant('value' as const),
    lead: fc.nat(),
    amount: fc.integer({ min: 0, max: 5_000_000 }),
    currency: fc.nat(2),
    minutes: fc.nat(600),
  }),
);

export interface Append {
  readonly streamId: string;
  readonly events: NewEvent[];
}

/**
 * Turns actions into the appends a real team would have made: each command decided by the domain on the
 * current state, refused ones skipped. Time moves forward by each action's minutes.
 */
export function historyOf(actions: readonly Action[], start = Date.UTC(2026, 0, 1)): Append[] {
  const leads: {
    id: string;
    state: LeadState;
    deal: DealState;
    budget: { amount: number; currency: string };
  }[] = [];
  const appends: Append[] = [];
  let clock = start;
  const emit = (streamId: string, events: { type: string; data: object }[], now: string) =>
    appends.push({
      streamId,
      events: events.map((e) => ({
        id: randomUUID(),
        type: e.type,
        data: e.data as Record<string, unknown>,
        metadata: {
          occurredAt: now,
          actor: 'test',
          correlationId: randomUUID(),
          causationId: randomUUID(),
          schemaVersion: 1,
        },
      })),
    });
  const tryDecide = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof DomainError) return undefined;
      throw error;
    }
  };

  for (const action of actions) {
    clock += action.minutes * 60_000;
    const now = new Date(clock).toISOString();
    if (action.kind === 'capture') {
      const id = randomUUID();
      const command: LeadCommand = {
        type: 'CaptureLead',
        data: { leadId: id, name: `Lead ${leads.length}`, email: 'l@example.com', source: action.source },
        metadata: { now },
      };
      const events = leadDecider.decide(command, leadDecider.initialState());
      leads.push({
        id,
        state: events.reduce(leadDecider.evolve, leadDecider.initialState()),
        deal: dealDecider.initialState(),
        budget: { amount: 100_000, currency: 'EUR' },
      });
      emit(`lead-${id}`, events, now);
      continue;
    }
    const lead = leads.length === 0 ? undefined : leads[action.lead % leads.length];
    if (!lead) continue;
    if (action.kind === 'value') {
      lead.budget = { amount: action.amount, currency: CURRENCIES[action.currency]! };
      continue;
    }
    if (action.kind === 'qualify' || action.kind === 'disqualify') {
      const command: LeadCommand =
        action.kind === 'qualify'
          ? {
              type: 'QualifyLead',
              data: { leadId: lead.id, budget: lead.budget, timeline: '2026-12-31' },
              metadata: { now },
            }
          : { type: 'DisqualifyLead', data: { leadId: lead.id, reason: 'no_budget' }, metadata: { now } };
      const events = tryDecide(() => leadDecider.decide(command, lead.state));
      if (!events) continue;
      lead.state = events.reduce(leadDecider.evolve, lead.state);
      emit(`lead-${lead.id}`, events, now);
      continue;
    }
    const dealId = dealIdForLead(lead.id);
    const command: DealCommand =
      action.kind === 'create'
        ? {
            type: 'CreateDeal',
            data: {
              dealId,
              leadId: lead.id,
              title: 'Deal',
              value: lead.budget,
              expectedCloseDate: '2026-12-31',
              lead: lead.state,
            },
            metadata: { now },
          }
        : action.kind === 'advance'
          ? { type: 'AdvanceStage', data: { dealId, stage: STAGES[action.stage]! }, metadata: { now } }
          : action.kind === 'win'
            ? { type: 'WinDeal', data: { dealId }, metadata: { now } }
            : { type: 'LoseDeal', data: { dealId, reason: 'price' }, metadata: { now } };
    const events = tryDecide(() => dealDecider.decide(command, lead.deal));
    if (!events) continue;
    lead.deal = events.reduce(dealDecider.evolve, lead.deal);
    emit(`deal-${dealId}`, events, now);
  }
  return appends;
}

export async function write(store: EventStore, appends: readonly Append[]): Promise<void> {
  for (const append of appends) await store.appendToStream(append.streamId, append.events);
}
