import { type DealEvent, type Money, type Stage } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { recorded as recordedFrom } from '../testing/recorded';
import { MemoryDocuments } from '../memory-documents';
import { pipelineProjection } from './pipeline.projection';
import { type PipelineReport, pipelineReport } from './pipeline.report';

const recorded = (events: Parameters<typeof recordedFrom>[0]) => recordedFrom(events, Date.UTC(2026, 2, 1));

const at = '2026-03-01T10:00:00.000Z';
const created = (dealId: string, value: Money): DealEvent => ({
  type: 'DealCreated',
  data: {
    dealId,
    leadId: `lead-of-${dealId}`,
    title: `Deal ${dealId}`,
    value,
    expectedCloseDate: '2026-06-30',
    stage: 'qualification',
    createdAt: at,
  },
});
const advanced = (dealId: string, from: Stage, to: Stage): DealEvent => ({
  type: 'StageAdvanced',
  data: { dealId, from, to, advancedAt: at },
});
const won = (dealId: string, value: Money, stage: Stage): DealEvent => ({
  type: 'DealWon',
  data: { dealId, value, stage, wonAt: at },
});
const lost = (dealId: string, value: Money, stage: Stage): DealEvent => ({
  type: 'DealLost',
  data: { dealId, value, stage, reason: 'price', lostAt: at },
});
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

async function given(events: readonly DealEvent[]): Promise<PipelineReport> {
  const documents = new MemoryDocuments();
  const log = recorded(events);
  for (const event of log) documents.apply(pipelineProjection, event);
  return pipelineReport(documents, String(log.at(-1)?.position ?? 0n));
}

const emptyStage = (stage: Stage, probability: number) => ({ stage, probability, openDeals: 0, values: [] });

describe('pipeline value by stage', () => {
  it('shows every stage in pipeline order, empty, before any deal', async () => {
    expect(await given([])).toEqual({
      position: '0',
      stages: [
        emptyStage('qualification', 10),
        emptyStage('demo', 30),
        emptyStage('proposal', 60),
        emptyStage('negotiation', 80),
      ],
      won: { deals: 0, values: [] },
      lost: { deals: 0, values: [] },
    });
  });

  it('counts open deals by stage and currency as they move, and won and lost deals by currency', async () => {
    const report = await given([
      created('a', eur(100_000)),
      created('b', usd(250_000)),
      created('c', eur(33_300)),
      created('d', eur(0)),
      created('e', usd(99_900)),
      created('f', usd(10_000)),
      advanced('a', 'qualification', 'proposal'),
      advanced('b', 'qualification', 'demo'),
      advanced('e', 'qualification', 'demo'),
      won('c', eur(33_300), 'qualification'),
      lost('e', usd(99_900), 'demo'),
      advanced('f', 'qualification', 'negotiation'),
      won('f', usd(10_000), 'negotiation'),
    ]);
    expect(report).toEqual({
      position: '13',
      stages: [
        // A deal worth 0 still counts, and keeps its currency listed.
        {
          stage: 'qualification',
          probability: 10,
          openDeals: 1,
          values: [{ currency: 'EUR', total: 0, weighted: 0 }],
        },
        {
          stage: 'demo',
          probability: 30,
          openDeals: 1,
          values: [{ currency: 'USD', total: 250_000, weighted: 75_000 }],
        },
        {
          stage: 'proposal',
          probability: 60,
          openDeals: 1,
          values: [{ currency: 'EUR', total: 100_000, weighted: 60_000 }],
        },
        // f passed through negotiation and was won: nothing of it is left open.
        emptyStage('negotiation', 80),
      ],
      won: {
        deals: 2,
        values: [
          { currency: 'EUR', total: 33_300 },
          { currency: 'USD', total: 10_000 },
        ],
      },
      lost: { deals: 1, values: [{ currency: 'USD', total: 99_900 }] },
    });
  });

  it('keeps currencies apart within a stage and lists them by code', async () => {
    const report = await given([
      created('a', usd(1_000)),
      created('b', eur(2_000)),
      created('c', usd(3_000)),
    ]);
    expect(report.stages[0]).toEqual({
      stage: 'qualification',
      probability: 10,
      openDeals: 3,
      values: [
        { currency: 'EUR', total: 2_000, weighted: 200 },
        { currency: 'USD', total: 4_000, weighted: 400 },
      ],
    });
  });

  it('weighs the total of a stage and currency, rounding halves up', async () => {
    const report = await given([
      created('a', eur(5)),
      created('b', eur(5)),
      created('c', usd(15)),
      created('d', eur(1_234_567)),
      advanced('d', 'qualification', 'demo'),
    ]);
    expect(report.stages[0]?.values).toEqual([
      // 10 x 10% = 1, not round(0.5) + round(0.5) = 2.
      { currency: 'EUR', total: 10, weighted: 1 },
      { currency: 'USD', total: 15, weighted: 2 },
    ]);
    expect(report.stages[1]?.values).toEqual([{ currency: 'EUR', total: 1_234_567, weighted: 370_370 }]);
  });

  it('weighs exactly where total x probability exceeds 2^53', async () => {
    const report = await given(
      ['a', 'b', 'c'].flatMap((id, i) => [
        created(id, eur(i === 2 ? 681_622_173_374_168 : 1_000_000_000_000_000)),
        advanced(id, 'qualification', 'negotiation'),
      ]),
    );
    // 2,681,622,173,374,168 x 0.8 = 2,145,297,738,699,334.4; floating point would give ...335.
    expect(report.stages[3]?.values).toEqual([
      { currency: 'EUR', total: 2_681_622_173_374_168, weighted: 2_145_297_738_699_334 },
    ]);
  });

  it('ignores events for unknown or closed deals and a second DealCreated, without throwing', async () => {
    const report = await given([
      advanced('ghost', 'qualification', 'demo'),
      won('ghost', eur(1), 'demo'),
      created('a', eur(100)),
      created('a', eur(999)),
      lost('a', eur(100), 'qualification'),
      won('a', eur(100), 'qualification'),
      advanced('a', 'qualification', 'demo'),
    ]);
    expect(report.stages.map((s) => s.openDeals)).toEqual([0, 0, 0, 0]);
    expect(report.won).toEqual({ deals: 0, values: [] });
    expect(report.lost).toEqual({ deals: 1, values: [{ currency: 'EUR', total: 100 }] });
  });

  it('touches the deal and the totals for deal events, and nothing for lead events', () => {
    const [event] = recorded([created('a', eur(1))]);
    expect(pipelineProjection.touches(event!)).toEqual([
      { collection: 'pipeline_deals', id: 'a' },
      { collection: 'pipeline_totals', id: 'all' },
    ]);
    const leadEvent: RecordedEvent = { ...event!, type: 'LeadCaptured', streamId: 'lead-x' };
    expect(pipelineProjection.touches(leadEvent)).toEqual([]);
    expect(pipelineProjection.evolve(leadEvent, () => undefined)).toEqual([]);
  });
});
