import type { RecordedEvent } from '@app/event-store';
import { MemoryDocuments } from '../memory-documents';
import { LEADS, leadListProjection } from './lead-list.projection';

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

describe('lead list projection', () => {
  it('keeps each lead as the domain folds it, with its revision, and ignores deal events', async () => {
    const docs = new MemoryDocuments();
    const leadId = 'a1b2c3d4-0000-4000-8000-000000000001';
    const history = [
      event(`lead-${leadId}`, 0, 'LeadCaptured', {
        leadId,
        name: 'Ada',
        email: 'ada@example.com',
        source: 'referral',
        tags: ['hot'],
        capturedAt: '2026-03-01T10:00:00.000Z',
      }),
      event(`lead-${leadId}`, 1, 'LeadDisqualified', {
        leadId,
        reason: 'spam',
        disqualifiedAt: '2026-03-02T10:00:00.000Z',
      }),
      event('deal-x', 0, 'DealCreated', { dealId: 'x', leadId }),
    ];
    history.forEach((e) => docs.apply(leadListProjection, e));
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
    expect(leadListProjection.touches(history[2]!)).toEqual([]);
    expect(leadListProjection.touches(history[0]!)).toEqual([{ collection: LEADS, id: leadId }]);
  });
});
