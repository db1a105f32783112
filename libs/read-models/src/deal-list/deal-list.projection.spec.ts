import type { RecordedEvent } from '@app/event-store';
import { MemoryDocuments } from '../memory-documents';
import { DEALS, dealListProjection } from './deal-list.projection';

let position = 0n;
const event = (
  streamId: string,
  revision: number,
  type: string,
  data: Record<string, unknown>,
): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(++position).padStart(12, '0')}`,
  streamId,
  revision,
  position,
  type,
  data,
  metadata: {
    occurredAt: '2026-03-01T10:00:00.000Z',
    actor: 't',
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 1,
  },
});

describe('deal list projection', () => {
  it('follows a deal to its close, with its revision', async () => {
    const docs = new MemoryDocuments();
    const dealId = 'd1b2c3d4-0000-5000-8000-000000000001';
    const value = { amount: 5000, currency: 'EUR' };
    [
      event(`deal-${dealId}`, 0, 'DealCreated', {
        dealId,
        leadId: 'l1',
        title: 'T',
        value,
        expectedCloseDate: '2026-06-30',
        owner: 'grace',
        stage: 'qualification',
        createdAt: '2026-03-01T10:00:00.000Z',
      }),
      event(`deal-${dealId}`, 1, 'StageAdvanced', {
        dealId,
        from: 'qualification',
        to: 'proposal',
        advancedAt: 'x',
      }),
      event(`deal-${dealId}`, 2, 'DealLost', {
        dealId,
        value,
        stage: 'proposal',
        reason: 'price',
        competitor: 'Acme',
        lostAt: '2026-04-01T00:00:00.000Z',
      }),
      event('lead-l1', 0, 'LeadCaptured', { leadId: 'l1' }),
    ].forEach((e) => docs.apply(dealListProjection, e));
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
