import { noInteractions } from '../interactions/interactions';
import type { ExistingDeal } from './deal.state';
import { lastTouchedAt, rotsAt, rottingSince } from './rotting';

const deal = (fields: Partial<ExistingDeal> = {}): ExistingDeal => ({
  status: 'open',
  dealId: 'd',
  leadId: 'l',
  pipelineId: 'default',
  title: 'T',
  value: { amount: 1, currency: 'EUR' },
  stage: 'proposal',
  expectedCloseDate: '2026-06-30',
  owner: null,
  probabilityOverride: null,
  createdAt: '2026-03-01T00:00:00.000Z',
  closedAt: null,
  wonNote: null,
  lostReason: null,
  competitor: null,
  lostNote: null,
  reopenedAt: null,
  stageEnteredAt: '2026-03-10T00:00:00.000Z',
  interactions: noInteractions(),
  ...fields,
});

describe('rotting deals', () => {
  it('counts from the stage change, or from the last note or completed activity if later', () => {
    expect(lastTouchedAt(deal())).toBe('2026-03-10T00:00:00.000Z');
    const touched = deal({
      interactions: { ...noInteractions(), lastActivityAt: '2026-03-20T12:00:00.000Z' },
    });
    expect(lastTouchedAt(touched)).toBe('2026-03-20T12:00:00.000Z');
    const stale = deal({ interactions: { ...noInteractions(), lastActivityAt: '2026-03-05T00:00:00.000Z' } });
    expect(lastTouchedAt(stale)).toBe('2026-03-10T00:00:00.000Z');
    expect(rotsAt(touched, 7)).toBe('2026-03-27T12:00:00.000Z');
  });

  it('rots an open deal once its stage period has passed, at the moment asked', () => {
    expect(rottingSince(deal(), 14, '2026-03-23T23:59:59.999Z')).toBeNull();
    expect(rottingSince(deal(), 14, '2026-03-24T00:00:00.000Z')).toBe('2026-03-24T00:00:00.000Z');
    expect(rottingSince(deal(), 14, '2026-05-01T00:00:00.000Z')).toBe('2026-03-24T00:00:00.000Z');
  });

  it('never rots a closed deal, or a deal in a stage without a rotting period', () => {
    expect(rottingSince(deal({ status: 'won' }), 14, '2026-05-01T00:00:00.000Z')).toBeNull();
    expect(rottingSince(deal(), null, '2026-05-01T00:00:00.000Z')).toBeNull();
    expect(rotsAt(deal(), null)).toBeNull();
  });
});
