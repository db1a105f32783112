import {
  DEFAULT_SCORING_RULES,
  ENGAGEMENT_EPOCH,
  type SalesEvent,
  type ScoringRules,
  initialScoringState,
} from '@app/domain';
import type { EventStore } from '@app/event-store';
import { MemoryDocuments } from '../memory-documents';
import { recorded } from '../testing/recorded';
import {
  LEADS,
  LEAD_SCORING,
  LEAD_SCORING_RULES_ID,
  type LeadDoc,
  leadListProjection,
  leadListProjectionFor,
  leadListVersion,
} from './lead-list.projection';

describe('lead list projection', () => {
  it('keeps each lead as the domain folds it, with its revision, and ignores deal events', async () => {
    const docs = new MemoryDocuments();
    const leadId = 'a1b2c3d4-0000-4000-8000-000000000001';
    const history: SalesEvent[] = [
      {
        type: 'LeadCaptured',
        data: {
          leadId,
          name: 'Ada',
          email: 'ada@example.com',
          source: 'referral',
          tags: ['hot'],
          capturedAt: '2026-03-01T10:00:00.000Z',
        },
      },
      {
        type: 'LeadDisqualified',
        data: { leadId, reason: 'spam', disqualifiedAt: '2026-03-02T10:00:00.000Z' },
      },
      {
        type: 'DealWon',
        data: { dealId: 'x', value: { amount: 1, currency: 'EUR' }, stage: 'demo', wonAt: 'x' },
      },
    ];
    const events = recorded(history);
    events.forEach((e) => docs.apply(leadListProjection, e));
    expect(await docs.get(LEADS, leadId)).toMatchObject({
      id: leadId,
      leadId,
      status: 'disqualified',
      source: 'referral',
      tags: ['hot'],
      owner: null,
      disqualification: { reason: 'spam', note: null, disqualifiedAt: '2026-03-02T10:00:00.000Z' },
      revision: 1,
    });
    expect(docs.all(LEADS)).toHaveLength(1);
    expect(leadListProjection.touches(events[2]!)).toEqual([]);
    expect(leadListProjection.touches(events[0]!)).toEqual([
      { collection: LEADS, id: leadId },
      { collection: LEAD_SCORING, id: LEAD_SCORING_RULES_ID },
    ]);
  });

  it('keeps a corrected, reassigned and reactivated lead as it now stands', async () => {
    const docs = new MemoryDocuments();
    const leadId = 'a1b2c3d4-0000-4000-8000-000000000002';
    const history: SalesEvent[] = [
      {
        type: 'LeadCaptured',
        data: {
          leadId,
          name: 'Ada',
          email: 'ada@example.com',
          phone: '+44 1',
          source: 'referral',
          tags: ['hot'],
          capturedAt: '2026-03-01T10:00:00.000Z',
        },
      },
      {
        type: 'LeadContactCorrected',
        data: {
          leadId,
          field: 'name',
          from: 'Ada',
          to: 'Ada Lovelace',
          correctedAt: '2026-03-02T10:00:00.000Z',
        },
      },
      {
        type: 'LeadContactCorrected',
        data: { leadId, field: 'phone', from: '+44 1', to: null, correctedAt: '2026-03-02T10:00:00.000Z' },
      },
      {
        type: 'LeadOwnerChanged',
        data: { leadId, from: null, to: 'grace', changedAt: '2026-03-02T11:00:00.000Z' },
      },
      {
        type: 'LeadTagsChanged',
        data: { leadId, from: ['hot'], to: ['cold', 'q3'], changedAt: '2026-03-02T12:00:00.000Z' },
      },
      {
        type: 'LeadDisqualified',
        data: { leadId, reason: 'no_budget', disqualifiedAt: '2026-03-03T10:00:00.000Z' },
      },
      {
        type: 'LeadReactivated',
        data: { leadId, reason: 'budget found', reactivatedAt: '2026-03-04T10:00:00.000Z' },
      },
    ];
    recorded(history).forEach((e) => docs.apply(leadListProjection, e));
    expect(await docs.get(LEADS, leadId)).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: null,
      owner: 'grace',
      tags: ['cold', 'q3'],
      status: 'captured',
      disqualification: null,
      revision: 6,
    });
    // Lists filter by owner and by tag: the lead is found under its new ones only.
    expect(await docs.find(LEADS, { where: { owner: 'grace' } })).toHaveLength(1);
    expect(await docs.find(LEADS, { where: { tags: 'q3', status: 'captured' } })).toHaveLength(1);
    expect(await docs.find(LEADS, { where: { tags: 'hot' } })).toHaveLength(0);
  });

  describe('scores', () => {
    const leadId = 'a1b2c3d4-0000-4000-8000-000000000003';
    const RULES: ScoringRules = {
      ...DEFAULT_SCORING_RULES,
      fit: [{ rule: 'company', field: 'company', present: true, points: 40 }],
      engagement: [{ rule: 'call', on: 'activity', activityType: 'call', points: 8 }],
      halfLifeDays: 10,
    };
    const history: SalesEvent[] = [
      {
        type: 'LeadCaptured',
        data: {
          leadId,
          name: 'Ada',
          email: 'ada@example.com',
          company: 'Cobol Ltd',
          source: 'referral',
          tags: ['hot'],
          capturedAt: '2026-03-01T10:00:00.000Z',
        },
      },
      {
        type: 'LeadNoteAdded',
        data: { leadId, noteId: 'n1', text: 'hi', addedAt: '2026-03-02T10:00:00.000Z' },
      },
      {
        type: 'LeadActivityScheduled',
        data: {
          leadId,
          activityId: 'a1',
          type: 'call',
          subject: 'Call',
          dueAt: '2026-03-04T10:00:00.000Z',
          assignee: null,
          scheduledAt: '2026-03-02T11:00:00.000Z',
        },
      },
      {
        type: 'LeadActivityCompleted',
        data: { leadId, activityId: 'a1', type: 'call', completedAt: '2026-03-03T10:00:00.000Z' },
      },
      {
        type: 'ScoringRulesDefined',
        data: { version: 2, ...RULES, definedAt: '2026-03-05T10:00:00.000Z' },
      },
    ];

    it('keeps fit and engagement rank under its rule set, and the rule set beside the leads', async () => {
      const events = recorded(history);
      const byDefault = new MemoryDocuments();
      events.forEach((e) => byDefault.apply(leadListProjection, e));
      const lead = (await byDefault.get<LeadDoc>(LEADS, leadId))!;
      // Default rules: referral 25, company 15, tagged 10; a note (3) and a call (10).
      expect(lead.fit).toBe(50);
      const epochDays = (Date.parse('2026-03-02T10:00:00.000Z') - ENGAGEMENT_EPOCH) / 86_400_000;
      const callDays = epochDays + 1;
      expect(lead.engagementRank).toBeCloseTo(
        Math.log2(3 * 2 ** (epochDays / 30) + 10 * 2 ** (callDays / 30)),
        9,
      );
      expect(await byDefault.get(LEAD_SCORING, LEAD_SCORING_RULES_ID)).toEqual({
        id: LEAD_SCORING_RULES_ID,
        ...initialScoringState(),
      });

      // The projection built with the rule set the log defines last: the call alone counts.
      const next = leadListProjection.configuration!.next(events[4]!)!;
      expect(next.version).toBe(leadListVersion({ version: 2 }));
      expect(next.configuration!.next(events[4]!)).toBeUndefined();
      expect(leadListProjection.configuration!.next(events[0]!)).toBeUndefined();
      const rescored = new MemoryDocuments();
      events.forEach((e) => rescored.apply(next, e));
      const again = (await rescored.get<LeadDoc>(LEADS, leadId))!;
      expect(again.fit).toBe(40);
      expect(again.engagementRank).toBeCloseTo(Math.log2(8) + callDays / 10, 9);
      expect(await rescored.get(LEAD_SCORING, LEAD_SCORING_RULES_ID)).toMatchObject({ version: 2 });
    });

    it('is built with the rule set at the head of the log, or the default one', async () => {
      const events = recorded(history);
      const stored = (streamId: string) => events.filter((e) => e.streamId === streamId);
      const store = {
        readStream: (streamId: string) => Promise.resolve(stored(streamId)),
      } as unknown as EventStore;
      expect((await leadListProjection.configuration!.load(store)).version).toBe(
        leadListVersion({ version: 2 }),
      );
      const empty = { readStream: () => Promise.resolve([]) } as unknown as EventStore;
      expect((await leadListProjection.configuration!.load(empty)).version).toBe(leadListProjection.version);
      expect(leadListProjectionFor(initialScoringState()).version).toBe(leadListProjection.version);
    });
  });
});
