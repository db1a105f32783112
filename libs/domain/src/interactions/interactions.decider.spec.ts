import { dealDecider } from '../deal/deal.decider';
import type { DealEvent } from '../deal/deal.events';
import { dealIdForLead } from '../deal/deal-id';
import { leadDecider } from '../lead/lead.decider';
import type { LeadEvent } from '../lead/lead.events';
import type { Decider } from '../shared/message';
import { deciderSpec } from '../testing/decider-spec';
import {
  type Interaction,
  type InteractionFact,
  MAX_ACTIVITIES,
  MAX_NOTE_LENGTH,
  interactionEvent,
  nextActivityOf,
  noInteractions,
} from './interactions';

const leadId = '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e';
const dealId = dealIdForLead(leadId);
const activityId = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const otherActivityId = '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a';
const noteId = '3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b';
const t0 = '2026-03-01T10:00:00.000Z';
const now = '2026-03-02T09:00:00.000Z';
const due = '2026-03-04T14:30:00.000Z';

/** One aggregate the interactions live on: how to make it, close it, and address its interactions. */
interface Subject<C, S, E> {
  readonly name: string;
  readonly decider: Decider<C, S, E>;
  readonly open: E[];
  readonly owned: E[];
  readonly closed: E[];
  readonly closedCode: string;
  readonly notFoundCode: string;
  readonly command: (interaction: Interaction, at?: string) => C;
  readonly event: (fact: InteractionFact) => E;
}

const lead: Subject<
  Parameters<typeof leadDecider.decide>[0],
  ReturnType<typeof leadDecider.initialState>,
  LeadEvent
> = {
  name: 'lead',
  decider: leadDecider,
  open: [
    {
      type: 'LeadCaptured',
      data: { leadId, name: 'Ada', email: 'ada@example.com', source: 'web_form', tags: [], capturedAt: t0 },
    },
  ],
  owned: [
    {
      type: 'LeadCaptured',
      data: { leadId, name: 'Ada', email: 'ada@example.com', source: 'web_form', tags: [], capturedAt: t0 },
    },
    { type: 'LeadOwnerChanged', data: { leadId, from: null, to: 'grace', changedAt: t0 } },
  ],
  closed: [
    {
      type: 'LeadCaptured',
      data: { leadId, name: 'Ada', email: 'ada@example.com', source: 'web_form', tags: [], capturedAt: t0 },
    },
    { type: 'LeadDisqualified', data: { leadId, reason: 'no_budget', disqualifiedAt: t0 } },
  ],
  closedCode: 'LEAD_ALREADY_DISQUALIFIED',
  notFoundCode: 'LEAD_NOT_FOUND',
  command: (interaction, at = now) => ({
    type: 'RecordLeadInteraction',
    data: { leadId, interaction },
    metadata: { now: at },
  }),
  event: (fact) => interactionEvent('Lead', 'leadId', leadId, fact),
};

const dealCreated: DealEvent = {
  type: 'DealCreated',
  data: {
    dealId,
    leadId,
    pipelineId: 'default',
    title: 'Analytics for Ada',
    value: { amount: 1_200_000, currency: 'USD' },
    expectedCloseDate: '2026-06-30',
    stage: 'qualification',
    createdAt: t0,
  },
};
const deal: Subject<
  Parameters<typeof dealDecider.decide>[0],
  ReturnType<typeof dealDecider.initialState>,
  DealEvent
> = {
  name: 'deal',
  decider: dealDecider,
  open: [dealCreated],
  owned: [{ ...dealCreated, data: { ...dealCreated.data, owner: 'grace' } }],
  closed: [
    dealCreated,
    {
      type: 'DealLost',
      data: {
        dealId,
        value: { amount: 1_200_000, currency: 'USD' },
        stage: 'qualification',
        reason: 'price',
        lostAt: t0,
      },
    },
  ],
  closedCode: 'DEAL_ALREADY_CLOSED',
  notFoundCode: 'DEAL_NOT_FOUND',
  command: (interaction, at = now) => ({
    type: 'RecordDealInteraction',
    data: { dealId, interaction },
    metadata: { now: at },
  }),
  event: (fact) => interactionEvent('Deal', 'dealId', dealId, fact),
};

const schedule = (
  overrides: Partial<Extract<Interaction, { type: 'ScheduleActivity' }>> = {},
): Interaction => ({
  type: 'ScheduleActivity',
  activityId,
  activityType: 'call',
  subject: 'Discovery call',
  dueAt: due,
  ...overrides,
});
const scheduledFact = (
  overrides: Partial<Extract<InteractionFact, { type: 'ActivityScheduled' }>['data']> = {},
): InteractionFact => ({
  type: 'ActivityScheduled',
  data: {
    activityId,
    type: 'call',
    subject: 'Discovery call',
    dueAt: due,
    assignee: null,
    scheduledAt: now,
    ...overrides,
  },
});
const completedFact: InteractionFact = {
  type: 'ActivityCompleted',
  data: { activityId, type: 'call', completedAt: now },
};
const cancelledFact: InteractionFact = { type: 'ActivityCancelled', data: { activityId, cancelledAt: now } };

function describeInteractions<C, S, E>(subject: Subject<C, S, E>) {
  const spec = deciderSpec(subject.decider);
  const { command, event } = subject;
  const scheduled = [...subject.open, event(scheduledFact())];

  describe(`on a ${subject.name}`, () => {
    describe('notes', () => {
      it('records a note, whatever the status', () => {
        const note: Interaction = { type: 'AddNote', noteId, text: 'Wants a demo in May' };
        const added = event({
          type: 'NoteAdded',
          data: { noteId, text: 'Wants a demo in May', addedAt: now },
        });
        spec.given(subject.open).when(command(note)).then([added]);
        spec.given(subject.closed).when(command(note)).then([added]);
      });

      it('refuses an empty or too long note', () => {
        spec
          .given(subject.open)
          .when(command({ type: 'AddNote', noteId, text: '  ' }))
          .thenFails('REQUIRED_FIELD', 'invalid', 'text');
        spec
          .given(subject.open)
          .when(command({ type: 'AddNote', noteId, text: 'x'.repeat(MAX_NOTE_LENGTH + 1) }))
          .thenFails('FIELD_TOO_LONG', 'invalid', 'text');
      });

      it(`refuses a note on a ${subject.name} that does not exist`, () => {
        spec
          .given([])
          .when(command({ type: 'AddNote', noteId, text: 'hello' }))
          .thenFails(subject.notFoundCode, 'not_found');
      });
    });

    describe('scheduling', () => {
      it('schedules an activity, due time in UTC, assigned to nobody without an owner', () => {
        spec
          .given(subject.open)
          .when(command(schedule({ dueAt: '2026-03-04T15:30:00+01:00' })))
          .then([event(scheduledFact())]);
      });

      it(`assigns it to the ${subject.name}'s owner unless told otherwise`, () => {
        spec
          .given(subject.owned)
          .when(command(schedule()))
          .then([event(scheduledFact({ assignee: 'grace' }))]);
        spec
          .given(subject.owned)
          .when(command(schedule({ assignee: 'alan' })))
          .then([event(scheduledFact({ assignee: 'alan' }))]);
      });

      it(`refuses to schedule on a closed ${subject.name}`, () => {
        spec.given(subject.closed).when(command(schedule())).thenFails(subject.closedCode, 'conflict');
      });

      it('refuses an activity id used before on the same stream', () => {
        spec.given(scheduled).when(command(schedule())).thenFails('ACTIVITY_ALREADY_EXISTS', 'conflict');
      });

      it('refuses an unknown type, an empty subject, a bad due time, an empty assignee', () => {
        spec
          .given(subject.open)
          .when(command(schedule({ activityType: 'lunch' })))
          .thenFails('INVALID_ACTIVITY_TYPE', 'invalid', 'type');
        spec
          .given(subject.open)
          .when(command(schedule({ subject: '' })))
          .thenFails('REQUIRED_FIELD', 'invalid', 'subject');
        for (const dueAt of [
          '2026-03-04',
          'tomorrow',
          '2026-02-30T10:00:00Z',
          '2026-03-04T10:00:00',
          '2026-03-04T24:00:00Z',
        ]) {
          spec
            .given(subject.open)
            .when(command(schedule({ dueAt })))
            .thenFails('INVALID_TIME', 'invalid', 'dueAt');
        }
        spec
          .given(subject.open)
          .when(command(schedule({ assignee: ' ' })))
          .thenFails('REQUIRED_FIELD', 'invalid', 'assignee');
      });

      it(`keeps at most ${MAX_ACTIVITIES} activities`, () => {
        const many = Array.from({ length: MAX_ACTIVITIES }, (_, i) =>
          event(scheduledFact({ activityId: `a-${i}` })),
        );
        spec
          .given([...subject.open, ...many])
          .when(command(schedule()))
          .thenFails('TOO_MANY_ACTIVITIES', 'conflict');
      });
    });

    describe('completing, rescheduling, cancelling', () => {
      it('completes an open activity with its type, outcome and note', () => {
        spec
          .given(scheduled)
          .when(
            command({
              type: 'CompleteActivity',
              activityId,
              outcome: 'interested',
              note: 'call back in May',
            }),
          )
          .then([
            event({
              type: 'ActivityCompleted',
              data: {
                activityId,
                type: 'call',
                outcome: 'interested',
                note: 'call back in May',
                completedAt: now,
              },
            }),
          ]);
      });

      it(`completes or cancels an open activity of a closed ${subject.name}, but does not reschedule it`, () => {
        const closedLater = [...scheduled, ...subject.closed.slice(subject.open.length)];
        spec
          .given(closedLater)
          .when(command({ type: 'CompleteActivity', activityId }))
          .then([event(completedFact)]);
        spec
          .given(closedLater)
          .when(command({ type: 'CancelActivity', activityId }))
          .then([event(cancelledFact)]);
        spec
          .given(closedLater)
          .when(command({ type: 'RescheduleActivity', activityId, dueAt: '2026-03-09T10:00:00Z' }))
          .thenFails(subject.closedCode, 'conflict');
      });

      it('reschedules an open activity, and records nothing for the same due time', () => {
        spec
          .given(scheduled)
          .when(command({ type: 'RescheduleActivity', activityId, dueAt: '2026-03-09T10:00:00Z' }))
          .then([
            event({
              type: 'ActivityRescheduled',
              data: { activityId, from: due, to: '2026-03-09T10:00:00.000Z', rescheduledAt: now },
            }),
          ]);
        spec
          .given(scheduled)
          .when(command({ type: 'RescheduleActivity', activityId, dueAt: '2026-03-04T15:30:00+01:00' }))
          .then([]);
      });

      it('cancels an open activity with an optional reason', () => {
        spec
          .given(scheduled)
          .when(command({ type: 'CancelActivity', activityId, reason: 'customer on leave' }))
          .then([
            event({
              type: 'ActivityCancelled',
              data: { activityId, reason: 'customer on leave', cancelledAt: now },
            }),
          ]);
      });

      it('changes only an open activity', () => {
        for (const closing of [completedFact, cancelledFact]) {
          const history = [...scheduled, event(closing)];
          spec
            .given(history)
            .when(command({ type: 'CompleteActivity', activityId }))
            .thenFails('ACTIVITY_NOT_OPEN', 'conflict');
          spec
            .given(history)
            .when(command({ type: 'CancelActivity', activityId }))
            .thenFails('ACTIVITY_NOT_OPEN', 'conflict');
          spec
            .given(history)
            .when(command({ type: 'RescheduleActivity', activityId, dueAt: '2026-03-09T10:00:00Z' }))
            .thenFails('ACTIVITY_NOT_OPEN', 'conflict');
        }
      });

      it('refuses an activity that does not exist on this stream', () => {
        for (const interaction of [
          { type: 'CompleteActivity', activityId: otherActivityId },
          { type: 'CancelActivity', activityId: otherActivityId },
          { type: 'RescheduleActivity', activityId: otherActivityId, dueAt: due },
        ] as Interaction[]) {
          spec.given(scheduled).when(command(interaction)).thenFails('ACTIVITY_NOT_FOUND', 'not_found');
        }
      });

      it('refuses a too long outcome, note or reason, and a bad new due time', () => {
        spec
          .given(scheduled)
          .when(command({ type: 'CompleteActivity', activityId, outcome: 'x'.repeat(501) }))
          .thenFails('FIELD_TOO_LONG', 'invalid', 'outcome');
        spec
          .given(scheduled)
          .when(command({ type: 'CompleteActivity', activityId, note: 'x'.repeat(MAX_NOTE_LENGTH + 1) }))
          .thenFails('FIELD_TOO_LONG', 'invalid', 'note');
        spec
          .given(scheduled)
          .when(command({ type: 'CancelActivity', activityId, reason: 'x'.repeat(501) }))
          .thenFails('FIELD_TOO_LONG', 'invalid', 'reason');
        spec
          .given(scheduled)
          .when(command({ type: 'RescheduleActivity', activityId, dueAt: 'soon' }))
          .thenFails('INVALID_TIME', 'invalid', 'dueAt');
      });
    });
  });
}

describe('interactions', () => {
  describeInteractions(lead);
  describeInteractions(deal);

  describe('state', () => {
    const fold = (facts: InteractionFact[]) =>
      facts.reduce(
        (state, fact) => leadDecider.evolve(state, interactionEvent('Lead', 'leadId', leadId, fact)),
        leadDecider.evolve(leadDecider.initialState(), lead.open[0]!),
      );

    it('keeps the next open activity due, the last note or completed activity, and what counts as engagement', () => {
      const state = fold([
        scheduledFact(),
        scheduledFact({ activityId: otherActivityId, type: 'meeting', dueAt: '2026-03-03T08:00:00.000Z' }),
        { type: 'NoteAdded', data: { noteId, text: 'hi', addedAt: '2026-03-02T10:00:00.000Z' } },
        {
          type: 'ActivityCompleted',
          data: { activityId: otherActivityId, type: 'meeting', completedAt: '2026-03-03T09:00:00.000Z' },
        },
      ]);
      if (state.status === 'none') throw new Error('captured');
      expect(nextActivityOf(state.interactions)).toMatchObject({ activityId, dueAt: due, status: 'open' });
      expect(state.interactions.lastActivityAt).toBe('2026-03-03T09:00:00.000Z');
      expect(state.interactions.engagements).toEqual([
        { kind: 'note', activityType: null, at: '2026-03-02T10:00:00.000Z' },
        { kind: 'activity', activityType: 'meeting', at: '2026-03-03T09:00:00.000Z' },
      ]);
      expect(state.interactions.activities[otherActivityId]).toMatchObject({
        status: 'done',
        closedAt: '2026-03-03T09:00:00.000Z',
      });
    });

    it('moves a rescheduled activity, and has no next activity once all are done or cancelled', () => {
      const rescheduled = fold([
        scheduledFact(),
        {
          type: 'ActivityRescheduled',
          data: { activityId, from: due, to: '2026-03-10T10:00:00.000Z', rescheduledAt: now },
        },
      ]);
      if (rescheduled.status === 'none') throw new Error('captured');
      expect(nextActivityOf(rescheduled.interactions)?.dueAt).toBe('2026-03-10T10:00:00.000Z');
      const cancelled = fold([scheduledFact(), cancelledFact]);
      if (cancelled.status === 'none') throw new Error('captured');
      expect(nextActivityOf(cancelled.interactions)).toBeNull();
      expect(cancelled.interactions.lastActivityAt).toBeNull();
      expect(nextActivityOf(noInteractions())).toBeNull();
    });
  });
});
