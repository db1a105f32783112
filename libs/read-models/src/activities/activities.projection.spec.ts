import type { SalesEvent } from '@app/domain';
import { MemoryDocuments } from '../memory-documents';
import { recorded } from '../testing/recorded';
import { ACTIVITIES, activitiesProjection } from './activities.projection';

const leadId = 'a1b2c3d4-0000-4000-8000-000000000001';
const dealId = 'd1b2c3d4-0000-5000-8000-000000000001';
const activityId = 'ac000000-0000-4000-8000-000000000001';
const other = 'ac000000-0000-4000-8000-000000000002';

const scheduled = (
  on: { leadId: string } | { dealId: string },
  id: string,
  dueAt = '2026-04-01T09:00:00.000Z',
): SalesEvent =>
  ({
    type: 'leadId' in on ? 'LeadActivityScheduled' : 'DealActivityScheduled',
    data: {
      ...on,
      activityId: id,
      type: 'call',
      subject: 'Call back',
      dueAt,
      assignee: 'grace',
      scheduledAt: '2026-03-01T10:00:00.000Z',
    },
  }) as SalesEvent;

const captured: SalesEvent = {
  type: 'LeadCaptured',
  data: {
    leadId,
    name: 'Ada',
    email: 'ada@example.com',
    source: 'referral',
    tags: [],
    capturedAt: '2026-03-01T09:00:00.000Z',
  },
};

function fold(history: readonly SalesEvent[]): MemoryDocuments {
  const docs = new MemoryDocuments();
  for (const event of recorded(history)) docs.apply(activitiesProjection, event);
  return docs;
}

describe('activities projection', () => {
  it('keeps one document per activity, named after the activity and its lead or deal', async () => {
    const docs = fold([
      captured,
      scheduled({ leadId }, activityId),
      // The same activity id on a deal is another activity.
      scheduled({ dealId }, activityId, '2026-04-02T09:00:00.000Z'),
      {
        type: 'LeadNoteAdded',
        data: { leadId, noteId: other, text: 'x', addedAt: '2026-03-01T11:00:00.000Z' },
      },
    ]);
    expect(await docs.get(ACTIVITIES, `${activityId}:lead:${leadId}`)).toEqual({
      id: `${activityId}:lead:${leadId}`,
      activityId,
      leadId,
      dealId: null,
      type: 'call',
      subject: 'Call back',
      dueAt: '2026-04-01T09:00:00.000Z',
      assignee: 'grace',
      status: 'open',
      scheduledAt: '2026-03-01T10:00:00.000Z',
      completedAt: null,
      cancelledAt: null,
      outcome: null,
    });
    expect(await docs.get(ACTIVITIES, `${activityId}:deal:${dealId}`)).toMatchObject({
      activityId,
      leadId: null,
      dealId,
      dueAt: '2026-04-02T09:00:00.000Z',
    });
    // Notes are not activities.
    expect(docs.all(ACTIVITIES)).toHaveLength(2);
  });

  it('follows an activity as it is rescheduled and completed, or cancelled', async () => {
    const docs = fold([
      captured,
      scheduled({ leadId }, activityId),
      scheduled({ leadId }, other),
      {
        type: 'LeadActivityRescheduled',
        data: {
          leadId,
          activityId,
          from: '2026-04-01T09:00:00.000Z',
          to: '2026-04-03T15:00:00.000Z',
          rescheduledAt: '2026-03-02T10:00:00.000Z',
        },
      },
      {
        type: 'LeadActivityCompleted',
        data: {
          leadId,
          activityId,
          type: 'call',
          outcome: 'wants a demo',
          note: 'CFO on the call',
          completedAt: '2026-04-03T15:30:00.000Z',
        },
      },
      {
        type: 'LeadActivityCancelled',
        data: { leadId, activityId: other, reason: 'duplicate', cancelledAt: '2026-03-03T10:00:00.000Z' },
      },
    ]);
    expect(await docs.get(ACTIVITIES, `${activityId}:lead:${leadId}`)).toMatchObject({
      dueAt: '2026-04-03T15:00:00.000Z',
      status: 'done',
      completedAt: '2026-04-03T15:30:00.000Z',
      cancelledAt: null,
      outcome: 'wants a demo',
    });
    expect(await docs.get(ACTIVITIES, `${other}:lead:${leadId}`)).toMatchObject({
      dueAt: '2026-04-01T09:00:00.000Z',
      status: 'cancelled',
      completedAt: null,
      cancelledAt: '2026-03-03T10:00:00.000Z',
      outcome: null,
    });
  });

  it('changes only an open activity, and touches nothing for other events', () => {
    const events = recorded([
      captured,
      scheduled({ leadId }, activityId),
      {
        type: 'LeadActivityCancelled',
        data: { leadId, activityId, cancelledAt: '2026-03-03T10:00:00.000Z' },
      },
      {
        type: 'LeadActivityCompleted',
        data: { leadId, activityId, type: 'call', completedAt: '2026-03-04T10:00:00.000Z' },
      },
      // Scheduled again under an id it has: the first stays.
      scheduled({ leadId }, activityId, '2026-05-01T09:00:00.000Z'),
    ]);
    const docs = new MemoryDocuments();
    for (const event of events) docs.apply(activitiesProjection, event);
    expect(docs.all(ACTIVITIES)).toEqual([
      expect.objectContaining({ status: 'cancelled', dueAt: '2026-04-01T09:00:00.000Z', completedAt: null }),
    ]);
    expect(activitiesProjection.touches(events[0]!)).toEqual([]);
    expect(activitiesProjection.touches(events[3]!)).toEqual([
      { collection: ACTIVITIES, id: `${activityId}:lead:${leadId}` },
    ]);
  });

  it('answers the follow-up list queries: by assignee and status, due time in order', async () => {
    const docs = fold([
      captured,
      scheduled({ leadId }, activityId, '2026-04-05T09:00:00.000Z'),
      scheduled({ dealId }, other, '2026-04-02T09:00:00.000Z'),
      scheduled({ dealId }, activityId, '2026-04-02T09:00:00.000Z'),
    ]);
    const found = await docs.find(ACTIVITIES, {
      where: { assignee: 'grace', status: 'open' },
      range: { field: 'dueAt', lt: '2026-04-03T00:00:00.000Z' },
      orderBy: { field: 'dueAt', direction: 'asc' },
    });
    // Ties on the due time by activity id.
    expect(found.map((doc) => doc['activityId'])).toEqual([activityId, other]);
    expect(await docs.count(ACTIVITIES, { where: { dealId } })).toBe(2);
  });
});
