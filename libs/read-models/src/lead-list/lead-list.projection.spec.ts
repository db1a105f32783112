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
      disqualification: { reason: 'spam', note: null, disqualifiedAt: '2026-03-02T10:00:00.000Z' },
      revision: 1,
    });
    expect(docs.all(LEADS)).toHaveLength(1);
    expect(leadListProjection.touches(events[2]!)).toEqual([]);
    expect(leadListProjection.touches(events[0]!)).toEqual([{ collection: LEADS, id: leadId }]);
  });
});
