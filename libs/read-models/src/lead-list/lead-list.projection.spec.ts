import type { SalesEvent } from '@app/domain';
import { MemoryDocuments } from '../memory-documents';
import { recorded } from '../testing/recorded';
import { LEADS, leadListProjection } from './lead-list.projection';

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
    expect(leadListProjection.touches(events[0]!)).toEqual([{ collection: LEADS, id: leadId }]);
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
});
