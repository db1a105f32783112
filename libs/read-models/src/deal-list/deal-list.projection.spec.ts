import type { SalesEvent } from '@app/domain';
import { MemoryDocuments } from '../memory-documents';
import { recorded } from '../testing/recorded';
import { DEALS, dealListProjection } from './deal-list.projection';

describe('deal list projection', () => {
  it('follows a deal to its close, with its revision, and ignores lead events', async () => {
    const docs = new MemoryDocuments();
    const dealId = 'd1b2c3d4-0000-5000-8000-000000000001';
    const value = { amount: 5000, currency: 'EUR' };
    const history: SalesEvent[] = [
      {
        type: 'DealCreated',
        data: {
          dealId,
          leadId: 'l1',
          pipelineId: 'default',
          title: 'T',
          value,
          expectedCloseDate: '2026-06-30',
          owner: 'grace',
          stage: 'qualification',
          createdAt: '2026-03-01T10:00:00.000Z',
        },
      },
      { type: 'StageAdvanced', data: { dealId, from: 'qualification', to: 'proposal', advancedAt: 'x' } },
      {
        type: 'DealLost',
        data: {
          dealId,
          value,
          stage: 'proposal',
          reason: 'price',
          competitor: 'Acme',
          lostAt: '2026-04-01T00:00:00.000Z',
        },
      },
      { type: 'LeadDisqualified', data: { leadId: 'l1', reason: 'spam', disqualifiedAt: 'x' } },
    ];
    recorded(history).forEach((e) => docs.apply(dealListProjection, e));
    expect(await docs.get(DEALS, dealId)).toMatchObject({
      id: dealId,
      leadId: 'l1',
      pipelineId: 'default',
      owner: 'grace',
      stage: 'proposal',
      probabilityOverride: null,
      reopenedAt: null,
      status: 'lost',
      lostReason: 'price',
      competitor: 'Acme',
      closedAt: '2026-04-01T00:00:00.000Z',
      revision: 2,
    });
    expect(docs.all(DEALS)).toHaveLength(1);
  });

  it('shows a reopened deal open again, with its new pipeline, probability override and when it reopened', async () => {
    const docs = new MemoryDocuments();
    const dealId = 'd1b2c3d4-0000-5000-8000-000000000002';
    const value = { amount: 5000, currency: 'EUR' };
    const history: SalesEvent[] = [
      {
        type: 'DealCreated',
        data: {
          dealId,
          leadId: 'l2',
          pipelineId: 'enterprise',
          title: 'T',
          value,
          expectedCloseDate: '2026-06-30',
          stage: 'discovery',
          createdAt: '2026-03-01T10:00:00.000Z',
        },
      },
      {
        type: 'DealProbabilityOverrideChanged',
        data: { dealId, from: null, to: 35, changedAt: '2026-03-02T10:00:00.000Z' },
      },
      {
        type: 'DealWon',
        data: { dealId, value, stage: 'discovery', note: 'signed', wonAt: '2026-03-03T10:00:00.000Z' },
      },
      {
        type: 'DealReopened',
        data: {
          dealId,
          reason: 'contract fell through',
          from: 'won',
          stage: 'discovery',
          reopenedAt: '2026-03-04T10:00:00.000Z',
        },
      },
      {
        type: 'DealMovedToPipeline',
        data: {
          dealId,
          from: { pipelineId: 'enterprise', stage: 'discovery' },
          to: { pipelineId: 'default', stage: 'demo' },
          movedAt: '2026-03-05T10:00:00.000Z',
        },
      },
    ];
    recorded(history).forEach((e) => docs.apply(dealListProjection, e));
    expect(await docs.get(DEALS, dealId)).toEqual({
      id: dealId,
      dealId,
      leadId: 'l2',
      pipelineId: 'default',
      title: 'T',
      value,
      stage: 'demo',
      expectedCloseDate: '2026-06-30',
      owner: null,
      probabilityOverride: 35,
      createdAt: '2026-03-01T10:00:00.000Z',
      status: 'open',
      closedAt: null,
      wonNote: null,
      lostReason: null,
      competitor: null,
      lostNote: null,
      reopenedAt: '2026-03-04T10:00:00.000Z',
      stageEnteredAt: '2026-03-05T10:00:00.000Z',
      interactions: { activities: {}, lastActivityAt: null, engagements: [] },
      lastTouchedAt: '2026-03-05T10:00:00.000Z',
      revision: 4,
    });
    // Lists filter open deals by pipeline: the reopened deal is found in the one it moved to.
    expect(await docs.find(DEALS, { where: { status: 'open', pipelineId: 'default' } })).toHaveLength(1);
    expect(await docs.find(DEALS, { where: { pipelineId: 'enterprise' } })).toHaveLength(0);
  });
});

describe('deal list projection: last touch', () => {
  const dealId = 'd1b2c3d4-0000-5000-8000-000000000003';
  const created: SalesEvent = {
    type: 'DealCreated',
    data: {
      dealId,
      leadId: 'l3',
      pipelineId: 'default',
      title: 'T',
      value: { amount: 1, currency: 'EUR' },
      expectedCloseDate: '2026-06-30',
      stage: 'qualification',
      createdAt: '2026-03-01T10:00:00.000Z',
    },
  };
  const lastTouched = async (history: SalesEvent[]) => {
    const docs = new MemoryDocuments();
    recorded(history).forEach((e) => docs.apply(dealListProjection, e));
    return (await docs.get(DEALS, dealId))?.['lastTouchedAt'];
  };

  it('is the stage change, note or completed activity last; scheduling or cancelling is no touch', async () => {
    expect(await lastTouched([created])).toBe('2026-03-01T10:00:00.000Z');
    const scheduled: SalesEvent = {
      type: 'DealActivityScheduled',
      data: {
        dealId,
        activityId: 'a',
        type: 'call',
        subject: 's',
        dueAt: '2026-03-09T10:00:00.000Z',
        assignee: null,
        scheduledAt: '2026-03-02T10:00:00.000Z',
      },
    };
    const cancelled: SalesEvent = {
      type: 'DealActivityCancelled',
      data: { dealId, activityId: 'a', cancelledAt: '2026-03-03T10:00:00.000Z' },
    };
    expect(await lastTouched([created, scheduled, cancelled])).toBe('2026-03-01T10:00:00.000Z');
    const noted: SalesEvent = {
      type: 'DealNoteAdded',
      data: { dealId, noteId: 'n', text: 'x', addedAt: '2026-03-04T10:00:00.000Z' },
    };
    expect(await lastTouched([created, noted])).toBe('2026-03-04T10:00:00.000Z');
    const completedAt = (at: string): SalesEvent => ({
      type: 'DealActivityCompleted',
      data: { dealId, activityId: 'a', type: 'call', completedAt: at },
    });
    const completed = completedAt('2026-03-05T10:00:00.000Z');
    expect(await lastTouched([created, scheduled, completed])).toBe('2026-03-05T10:00:00.000Z');
    const advanced: SalesEvent = {
      type: 'StageAdvanced',
      data: { dealId, from: 'qualification', to: 'demo', advancedAt: '2026-03-06T10:00:00.000Z' },
    };
    expect(await lastTouched([created, scheduled, completed, advanced])).toBe('2026-03-06T10:00:00.000Z');
    // An activity done after the stage change is the last touch again.
    expect(await lastTouched([created, advanced, scheduled, completedAt('2026-03-07T10:00:00.000Z')])).toBe(
      '2026-03-07T10:00:00.000Z',
    );
  });
});
