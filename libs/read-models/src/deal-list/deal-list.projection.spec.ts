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
      owner: 'grace',
      stage: 'proposal',
      status: 'lost',
      lostReason: 'price',
      competitor: 'Acme',
      closedAt: '2026-04-01T00:00:00.000Z',
      revision: 2,
    });
    expect(docs.all(DEALS)).toHaveLength(1);
  });
});
