import type { DealEvent, Money, PipelineEvent, SalesEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { MemoryDocuments } from '../memory-documents';
import { pipelinesProjection } from '../pipelines';
import type { DocumentReader } from '../projection';
import { recorded } from '../testing/recorded';
import { forecastProjection } from './forecast.projection';
import { type ForecastQuery, type ForecastReport, forecastReport } from './forecast.report';

const at = '2026-03-01T10:00:00.000Z';
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

interface DealOptions {
  readonly pipelineId?: string;
  readonly stage?: string;
  readonly close?: string;
  readonly owner?: string;
}
const created = (dealId: string, value: Money, options: DealOptions = {}): DealEvent => ({
  type: 'DealCreated',
  data: {
    dealId,
    leadId: `lead-of-${dealId}`,
    pipelineId: options.pipelineId ?? 'default',
    title: `Deal ${dealId}`,
    value,
    expectedCloseDate: options.close ?? '2026-06-15',
    ...(options.owner === undefined ? {} : { owner: options.owner }),
    stage: options.stage ?? 'qualification',
    createdAt: at,
  },
});
const advanced = (dealId: string, from: string, to: string): DealEvent => ({
  type: 'StageAdvanced',
  data: { dealId, from, to, advancedAt: at },
});
const reverted = (dealId: string, from: string, to: string): DealEvent => ({
  type: 'StageReverted',
  data: { dealId, from, to, reason: 'no budget yet', revertedAt: at },
});
const won = (dealId: string, value: Money, wonAt: string, stage = 'qualification'): DealEvent => ({
  type: 'DealWon',
  data: { dealId, value, stage, wonAt },
});
const lost = (dealId: string, value: Money, stage = 'qualification'): DealEvent => ({
  type: 'DealLost',
  data: { dealId, value, stage, reason: 'price', lostAt: at },
});
const reopened = (dealId: string, from: 'won' | 'lost', stage = 'qualification'): DealEvent => ({
  type: 'DealReopened',
  data: { dealId, reason: 'customer came back', from, stage, reopenedAt: at },
});
const change = { changedAt: at };
const valueChanged = (dealId: string, from: Money, to: Money): DealEvent => ({
  type: 'DealValueChanged',
  data: { dealId, from, to, ...change },
});
const closeChanged = (dealId: string, from: string, to: string): DealEvent => ({
  type: 'DealExpectedCloseDateChanged',
  data: { dealId, from, to, ...change },
});
const ownerChanged = (dealId: string, from: string | null, to: string | null): DealEvent => ({
  type: 'DealOwnerChanged',
  data: { dealId, from, to, ...change },
});
const overridden = (dealId: string, from: number | null, to: number | null): DealEvent => ({
  type: 'DealProbabilityOverrideChanged',
  data: { dealId, from, to, ...change },
});
const titleChanged = (dealId: string): DealEvent => ({
  type: 'DealTitleChanged',
  data: { dealId, from: `Deal ${dealId}`, to: 'Renamed', ...change },
});
const movedTo = (dealId: string, from: [string, string], to: [string, string]): DealEvent => ({
  type: 'DealMovedToPipeline',
  data: {
    dealId,
    from: { pipelineId: from[0], stage: from[1] },
    to: { pipelineId: to[0], stage: to[1] },
    movedAt: at,
  },
});
/** A second pipeline: intro 25%, contract 90%. */
const enterprise: PipelineEvent = {
  type: 'PipelineDefined',
  data: {
    pipelineId: 'enterprise',
    name: 'Enterprise',
    stages: [
      { stage: 'intro', name: 'Intro', probability: 25, rottenAfterDays: null },
      { stage: 'contract', name: 'Contract', probability: 90, rottenAfterDays: null },
    ],
    definedAt: at,
  },
};
const reweighted = (pipelineId: string, stage: string, from: number, to: number): PipelineEvent => ({
  type: 'PipelineStageProbabilityChanged',
  data: { pipelineId, stage, from, to, changedAt: at },
});

/** Folds the events into the forecast and the pipelines' configuration, as the service does. */
function fold(events: readonly SalesEvent[]): { documents: MemoryDocuments; position: string } {
  const documents = new MemoryDocuments();
  const log = recorded(events);
  for (const event of log) {
    documents.apply(pipelinesProjection, event);
    documents.apply(forecastProjection, event);
  }
  return { documents, position: String(log.at(-1)?.position ?? 0n) };
}

async function forecast(
  events: readonly SalesEvent[],
  query: Partial<ForecastQuery> = {},
): Promise<ForecastReport> {
  const { documents, position } = fold(events);
  const report = await forecastReport(documents, { pipelineId: 'default', ...query }, position);
  if (!report) throw new Error('no report');
  return report;
}

const noWins = { deals: 0, values: [] };
const noOpen = { deals: 0, values: [] };
/** The open part of the months, as `month: [deals, ...values]`, for the tests that follow deals around. */
const openOf = (report: { months: ForecastReport['months'] }) =>
  Object.fromEntries(report.months.filter((m) => m.open.deals > 0).map((m) => [m.month, m.open]));
const wonOf = (report: { months: ForecastReport['months'] }) =>
  Object.fromEntries(report.months.filter((m) => m.won.deals > 0).map((m) => [m.month, m.won]));

describe('forecast by expected close month', () => {
  it('answers an empty forecast for a pipeline without deals, and nothing for an unknown pipeline', async () => {
    expect(await forecast([])).toEqual({
      position: '0',
      pipelineId: 'default',
      from: null,
      to: null,
      months: [],
    });
    const { documents } = fold([enterprise, created('a', eur(100))]);
    expect(await forecastReport(documents, { pipelineId: 'enterprise' }, '2')).toMatchObject({
      pipelineId: 'enterprise',
      months: [],
    });
    expect(await forecastReport(documents, { pipelineId: 'nowhere' }, '2')).toBeUndefined();
    // A pipeline exists once defined, not before.
    expect(await forecastReport(fold([]).documents, { pipelineId: 'enterprise' }, '0')).toBeUndefined();
  });

  it('counts open deals by the month they should close in, per currency, weighted by stage probability', async () => {
    const report = await forecast([
      created('b', usd(50_000), { stage: 'demo', close: '2026-06-30' }),
      created('a', eur(100_000), { close: '2026-06-15' }),
      created('c', eur(20_000), { stage: 'proposal', close: '2026-06-01' }),
      created('d', eur(10_000), { close: '2026-04-10' }),
      created('e', eur(7_000), { stage: 'negotiation', close: '2026-09-01' }),
    ]);
    expect(report).toEqual({
      position: '5',
      pipelineId: 'default',
      from: null,
      to: null,
      months: [
        {
          month: '2026-04',
          open: { deals: 1, values: [{ currency: 'EUR', total: 10_000, weighted: 1_000 }] },
          won: noWins,
        },
        {
          month: '2026-06',
          open: {
            deals: 3,
            values: [
              // 100,000 x 10% + 20,000 x 60%; currencies by code, never summed together.
              { currency: 'EUR', total: 120_000, weighted: 22_000 },
              { currency: 'USD', total: 50_000, weighted: 15_000 },
            ],
          },
          won: noWins,
        },
        {
          month: '2026-09',
          open: { deals: 1, values: [{ currency: 'EUR', total: 7_000, weighted: 5_600 }] },
          won: noWins,
        },
      ],
    });
  });

  it('rounds the weighted sum of a month, not each deal, halves up', async () => {
    const report = await forecast([
      // 5 x 10% twice: 0.5 + 0.5 = 1 (rounding each deal would give 2).
      created('a', eur(5), { close: '2026-04-01' }),
      created('b', eur(5), { close: '2026-04-30' }),
      // 25 x 10% = 2.5: up to 3, not to the even 2.
      created('c', eur(25), { close: '2026-05-01' }),
      // 14 x 10% = 1.4: down to 1.
      created('d', eur(14), { close: '2026-06-01' }),
    ]);
    expect(report.months.map((m) => [m.month, m.open.values])).toEqual([
      ['2026-04', [{ currency: 'EUR', total: 10, weighted: 1 }]],
      ['2026-05', [{ currency: 'EUR', total: 25, weighted: 3 }]],
      ['2026-06', [{ currency: 'EUR', total: 14, weighted: 1 }]],
    ]);
  });

  it('weighs exactly where the sums exceed 2^53', async () => {
    const report = await forecast(
      ['a', 'b', 'c'].map((id, i) =>
        created(id, eur(i === 2 ? 681_622_173_374_168 : 1_000_000_000_000_000), { stage: 'negotiation' }),
      ),
    );
    // 2,681,622,173,374,168 x 0.8 = 2,145,297,738,699,334.4; floating point would give ...335.
    expect(report.months[0]?.open.values).toEqual([
      { currency: 'EUR', total: 2_681_622_173_374_168, weighted: 2_145_297_738_699_334 },
    ]);
  });

  it('weighs with the stage it is in, its override while set, and the probabilities in effect', async () => {
    const base = [created('a', eur(1_000), { close: '2026-05-10' })];
    const weighted = async (events: readonly SalesEvent[]) =>
      (await forecast(events)).months[0]?.open.values[0]?.weighted;
    expect(await weighted(base)).toBe(100);
    const proposal = [...base, advanced('a', 'qualification', 'proposal')];
    expect(await weighted(proposal)).toBe(600);
    const demo = [...proposal, reverted('a', 'proposal', 'demo')];
    expect(await weighted(demo)).toBe(300);
    // A stage re-weighted changes the forecast of the deals in it, from then on.
    const reweightedDemo = [...demo, reweighted('default', 'demo', 30, 50)];
    expect(await weighted(reweightedDemo)).toBe(500);
    // The deal's own probability wins over its stage's, whatever the stage does meanwhile.
    const override = [...reweightedDemo, overridden('a', null, 45)];
    expect(await weighted(override)).toBe(450);
    expect(await weighted([...override, reweighted('default', 'demo', 50, 70)])).toBe(450);
    expect(await weighted([...override, advanced('a', 'demo', 'negotiation')])).toBe(450);
    // Cleared, the stage's applies again.
    expect(await weighted([...override, overridden('a', 45, null)])).toBe(500);
    // An override of 0 is an override, not "none".
    expect(await weighted([...override, overridden('a', 45, 0)])).toBe(0);
  });

  it('follows a deal whose value, expected close date or owner changes', async () => {
    const base = [created('a', eur(1_000), { close: '2026-05-10', owner: 'ann' })];
    expect(openOf(await forecast([...base, valueChanged('a', eur(1_000), usd(2_000))]))).toEqual({
      '2026-05': { deals: 1, values: [{ currency: 'USD', total: 2_000, weighted: 200 }] },
    });
    const moved = [...base, closeChanged('a', '2026-05-10', '2026-07-01')];
    expect(openOf(await forecast(moved))).toEqual({
      '2026-07': { deals: 1, values: [{ currency: 'EUR', total: 1_000, weighted: 100 }] },
    });
    // Out of the period once it is expected later.
    expect((await forecast(moved, { from: '2026-05-01', to: '2026-06-01' })).months).toEqual([]);
    const reassigned = await forecast([...base, ownerChanged('a', 'ann', 'bob')], { groupBy: 'owner' });
    expect(reassigned.owners?.map((o) => o.owner)).toEqual(['bob']);
  });

  it('moves a won deal from open to won in the month of the win, at the value it was won with', async () => {
    const base = [
      created('a', eur(1_000), { close: '2026-05-10' }),
      valueChanged('a', eur(1_000), eur(1_500)),
      advanced('a', 'qualification', 'proposal'),
      created('b', eur(300), { close: '2026-05-20' }),
    ];
    const wonInApril = [...base, won('a', eur(1_500), '2026-04-20T10:00:00.000Z', 'proposal')];
    expect(await forecast(wonInApril)).toMatchObject({
      months: [
        { month: '2026-04', open: noOpen, won: { deals: 1, values: [{ currency: 'EUR', total: 1_500 }] } },
        { month: '2026-05', open: { deals: 1, values: [{ currency: 'EUR', total: 300, weighted: 30 }] } },
      ],
    });
    // Lost: out of the forecast altogether.
    expect((await forecast([...wonInApril, lost('b', eur(300))])).months).toEqual([
      {
        month: '2026-04',
        open: noOpen,
        won: { deals: 1, values: [{ currency: 'EUR', total: 1_500 }] },
      },
    ]);
    // Reopened, the win no longer counts: the deal is open again, in the stage it was won in.
    const reopenedDeal = [...wonInApril, reopened('a', 'won', 'proposal')];
    const afterReopen = await forecast(reopenedDeal);
    expect(wonOf(afterReopen)).toEqual({});
    expect(openOf(afterReopen)).toEqual({
      // 1,500 x 60% (proposal) + 300 x 10%.
      '2026-05': { deals: 2, values: [{ currency: 'EUR', total: 1_800, weighted: 930 }] },
    });
    // Won again later: it counts once, in the month of its last win.
    const wonAgain = await forecast([
      ...reopenedDeal,
      won('a', eur(1_500), '2026-05-03T08:00:00.000Z', 'proposal'),
    ]);
    expect(wonOf(wonAgain)).toEqual({ '2026-05': { deals: 1, values: [{ currency: 'EUR', total: 1_500 }] } });
    // A lost deal reopened is back in the open deals.
    expect(openOf(await forecast([...base, lost('b', eur(300)), reopened('b', 'lost')]))).toEqual({
      '2026-05': { deals: 2, values: [{ currency: 'EUR', total: 1_800, weighted: 930 }] },
    });
  });

  it('follows a deal to the pipeline it moves to, with that pipeline’s probabilities; wins stay in theirs', async () => {
    const events = [
      enterprise,
      created('a', eur(1_000), { close: '2026-05-10' }),
      movedTo('a', ['default', 'qualification'], ['enterprise', 'contract']),
      created('b', eur(400), { pipelineId: 'enterprise', stage: 'intro', close: '2026-05-11' }),
      created('c', usd(700), { pipelineId: 'enterprise', stage: 'intro' }),
      won('c', usd(700), '2026-03-15T12:00:00.000Z', 'intro'),
      created('d', eur(50), { close: '2026-05-01' }),
      won('d', eur(50), '2026-03-16T12:00:00.000Z'),
    ];
    expect(await forecast(events)).toMatchObject({
      months: [
        { month: '2026-03', open: noOpen, won: { deals: 1, values: [{ currency: 'EUR', total: 50 }] } },
      ],
    });
    expect(await forecast(events, { pipelineId: 'enterprise' })).toMatchObject({
      pipelineId: 'enterprise',
      months: [
        { month: '2026-03', open: noOpen, won: { deals: 1, values: [{ currency: 'USD', total: 700 }] } },
        // 1,000 x 90% + 400 x 25%.
        {
          month: '2026-05',
          open: { deals: 2, values: [{ currency: 'EUR', total: 1_400, weighted: 1_000 }] },
          won: noWins,
        },
      ],
    });
  });

  it('takes the open deals whose expected close date starts (UTC) in [from, to)', async () => {
    const events = [
      created('a', eur(1), { close: '2026-04-30' }),
      created('b', eur(10), { close: '2026-05-01' }),
      created('c', eur(100), { close: '2026-05-31' }),
      created('d', eur(1_000), { close: '2026-06-01' }),
    ];
    const totals = async (from?: string, to?: string) =>
      Object.fromEntries(
        (await forecast(events, { ...(from ? { from } : {}), ...(to ? { to } : {}) })).months.map((m) => [
          m.month,
          m.open.values[0]?.total,
        ]),
      );
    expect(await totals('2026-05-01', '2026-06-01')).toEqual({ '2026-05': 110 });
    // 2026-05-01 starts before this from; 2026-06-01 starts before this to.
    expect(await totals('2026-05-01T00:00:00.001Z', '2026-06-01T00:00:00.001Z')).toEqual({
      '2026-05': 100,
      '2026-06': 1_000,
    });
    // An offset is a UTC instant like any other: this is 2026-05-01T00:00Z.
    expect(await totals('2026-05-01T02:00:00+02:00', '2026-05-31')).toEqual({ '2026-05': 10 });
    expect(await totals('2026-05-02')).toEqual({ '2026-05': 100, '2026-06': 1_000 });
    expect(await totals(undefined, '2026-05-01')).toEqual({ '2026-04': 1 });
    expect(await totals('2026-06-01', '2026-05-01')).toEqual({});
    // The last calendar day a bound can name: after it starts no close date is left, before it ends all are.
    expect(await totals('9999-12-31T12:00:00Z')).toEqual({});
    expect(await totals(undefined, '9999-12-31T12:00:00Z')).toEqual({
      '2026-04': 1,
      '2026-05': 110,
      '2026-06': 1_000,
    });
    const report = await forecast(events, { from: '2026-05-01', to: '2026-06-01T12:30:00+02:00' });
    expect([report.from, report.to]).toEqual(['2026-05-01T00:00:00.000Z', '2026-06-01T10:30:00.000Z']);
  });

  it('takes the wins made in [from, to), to the millisecond', async () => {
    const wins: [string, number, string][] = [
      ['a', 1, '2026-04-30T23:59:59.999Z'],
      ['b', 10, '2026-05-01T00:00:00.000Z'],
      ['c', 100, '2026-05-31T23:59:59.999Z'],
      ['d', 1_000, '2026-06-01T00:00:00.000Z'],
    ];
    const events = wins.flatMap(([id, amount, wonAt]) => [
      created(id, eur(amount)),
      won(id, eur(amount), wonAt),
    ]);
    const totals = async (query: Partial<ForecastQuery>) =>
      Object.fromEntries(
        (await forecast(events, query)).months.map((m) => [m.month, m.won.values[0]?.total]),
      );
    expect(await totals({ from: '2026-05-01', to: '2026-06-01' })).toEqual({ '2026-05': 110 });
    expect(await totals({ from: '2026-05-01T00:00:00.001Z' })).toEqual({ '2026-05': 100, '2026-06': 1_000 });
    expect(await totals({ to: '2026-05-31T23:59:59.999Z' })).toEqual({ '2026-04': 1, '2026-05': 10 });
    expect(await totals({ from: '2026-05-31T12:00:00Z', to: '2026-06-01T00:00:00.001Z' })).toEqual({
      '2026-05': 100,
      '2026-06': 1_000,
    });
    expect(await totals({ from: '9999-12-31T12:00:00Z' })).toEqual({});
  });

  it('groups by owner on request: owners by name, deals without one last', async () => {
    const events = [
      created('a', eur(100), { owner: 'zoe', close: '2026-05-01' }),
      created('b', eur(200), { owner: 'adam', close: '2026-05-02' }),
      created('c', eur(400), { close: '2026-06-01' }),
      created('d', usd(800), { owner: 'adam', close: '2026-07-01' }),
      created('e', eur(1_600), { owner: 'zoe', close: '2026-05-03' }),
      won('e', eur(1_600), '2026-04-02T09:00:00.000Z'),
      created('f', eur(3_200), { owner: 'mia', close: '2026-05-03' }),
      ownerChanged('f', 'mia', null),
    ];
    const report = await forecast(events, { groupBy: 'owner' });
    const open = (total: number, currency = 'EUR') => ({
      deals: 1,
      values: [{ currency, total, weighted: total / 10 }],
    });
    expect(report.owners).toEqual([
      {
        owner: 'adam',
        months: [
          { month: '2026-05', open: open(200), won: noWins },
          { month: '2026-07', open: open(800, 'USD'), won: noWins },
        ],
      },
      {
        owner: 'zoe',
        months: [
          { month: '2026-04', open: noOpen, won: { deals: 1, values: [{ currency: 'EUR', total: 1_600 }] } },
          { month: '2026-05', open: open(100), won: noWins },
        ],
      },
      {
        owner: null,
        months: [
          { month: '2026-05', open: open(3_200), won: noWins },
          { month: '2026-06', open: open(400), won: noWins },
        ],
      },
    ]);
    // The months still add up every owner.
    expect(openOf(report)['2026-05']).toEqual({
      deals: 3,
      values: [{ currency: 'EUR', total: 3_500, weighted: 350 }],
    });
    // Only the owners with something in the period.
    const may = await forecast(events, { groupBy: 'owner', from: '2026-05-01', to: '2026-05-02' });
    expect(may.owners?.map((o) => o.owner)).toEqual(['zoe']);
    expect(await forecast(events)).not.toHaveProperty('owners');
  });

  it('refuses a bound that is not an ISO date or instant with a RangeError', async () => {
    const { documents } = fold([]);
    for (const bad of [
      'yesterday',
      '2026-02-30',
      '2026-13-01',
      '2026-05-01T25:00:00Z',
      '1',
      '05/01/2026',
      '',
    ]) {
      await expect(forecastReport(documents, { pipelineId: 'default', from: bad }, '0')).rejects.toThrow(
        RangeError,
      );
      await expect(forecastReport(documents, { pipelineId: 'default', to: bad }, '0')).rejects.toThrow(
        RangeError,
      );
    }
  });

  it('ignores events for unknown deals, a second DealCreated and a second close, without throwing', async () => {
    const report = await forecast([
      advanced('ghost', 'qualification', 'demo'),
      won('ghost', eur(1), '2026-03-02T00:00:00.000Z'),
      created('a', eur(100), { close: '2026-05-01' }),
      created('a', eur(999), { close: '2026-09-01' }),
      won('a', eur(100), '2026-03-02T00:00:00.000Z'),
      won('a', eur(100), '2026-04-02T00:00:00.000Z'),
      lost('a', eur(100)),
    ]);
    expect(report.months).toEqual([
      { month: '2026-03', open: noOpen, won: { deals: 1, values: [{ currency: 'EUR', total: 100 }] } },
    ]);
  });

  it('reads the deal and the buckets it leaves and enters for every deal event but a title change', () => {
    const log = recorded([
      enterprise,
      created('a', eur(1)),
      titleChanged('a'),
      closeChanged('a', '2026-06-15', '2026-07-01'),
    ]);
    const [pipelineEvent, createdEvent, titleEvent, closeEvent] = log as [
      RecordedEvent,
      RecordedEvent,
      RecordedEvent,
      RecordedEvent,
    ];
    const deal = { collection: 'forecast_deals', id: 'a' };
    const open = (id: string) => ({ collection: 'forecast_open', id });
    // A new deal's buckets are known from the event: the batch's prefetch loads them.
    expect(forecastProjection.touches(createdEvent)).toEqual([
      deal,
      open('default|day:2026-06-15'),
      open('default|month:2026-06'),
    ]);
    // Otherwise the buckets are on the deal: named once it is loaded, those it leaves and those it enters.
    expect(forecastProjection.touches(closeEvent)).toEqual([deal]);
    const { documents } = fold([created('a', eur(1))]);
    const lookup = (collection: string, id: string) => documents.all(collection).find((d) => d.id === id);
    expect(forecastProjection.touches(closeEvent, lookup)).toEqual([
      deal,
      open('default|day:2026-06-15'),
      open('default|month:2026-06'),
      open('default|day:2026-07-01'),
      open('default|month:2026-07'),
    ]);
    expect(forecastProjection.touches(titleEvent)).toEqual([]);
    expect(forecastProjection.evolve(titleEvent, () => undefined)).toEqual([]);
    expect(forecastProjection.touches(pipelineEvent)).toEqual([]);
    expect(forecastProjection.evolve(pipelineEvent, () => undefined)).toEqual([]);
  });

  it('reads nothing in evolve that touches did not name', () => {
    const events = recorded([
      enterprise,
      created('a', eur(1_000), { close: '2026-05-10', owner: 'ann' }),
      created('b', usd(2_000), { close: '2026-05-11' }),
      overridden('a', null, 45),
      advanced('a', 'qualification', 'demo'),
      closeChanged('a', '2026-05-10', '2026-06-01'),
      ownerChanged('a', 'ann', 'bob'),
      valueChanged('b', usd(2_000), eur(3_000)),
      won('a', eur(1_000), '2026-04-20T10:00:00.000Z', 'demo'),
      reopened('a', 'won', 'demo'),
      won('a', eur(1_000), '2026-04-21T10:00:00.000Z', 'demo'),
      lost('b', eur(3_000)),
      reopened('b', 'lost'),
      movedTo('b', ['default', 'qualification'], ['enterprise', 'intro']),
      titleChanged('b'),
      created('a', eur(5)),
    ]);
    const documents = new MemoryDocuments();
    for (const event of events) {
      // As the runner does: name, load, name again with what was loaded, until nothing new is named.
      const named = new Set<string>();
      const lookup = (collection: string, id: string) =>
        named.has(`${collection}/${id}`) ? documents.all(collection).find((d) => d.id === id) : undefined;
      for (let more = true; more;) {
        more = false;
        for (const ref of forecastProjection.touches(event, lookup)) {
          const key = `${ref.collection}/${ref.id}`;
          if (named.has(key)) continue;
          named.add(key);
          more = true;
        }
      }
      const strict = (collection: string, id: string) => {
        if (!named.has(`${collection}/${id}`)) throw new Error(`read ${collection}/${id} unnamed`);
        return lookup(collection, id);
      };
      expect(() => forecastProjection.evolve(event, strict)).not.toThrow();
      documents.apply(forecastProjection, event);
    }
  });

  it('keeps buckets per pipeline and day or month, by stage, owner and currency, and drops an empty one', () => {
    const { documents } = fold([
      created('a', eur(1_000), { close: '2026-05-10', owner: 'ann' }),
      created('b', eur(500), { close: '2026-05-10' }),
      overridden('b', null, 45),
      created('c', usd(700), { close: '2026-05-20', owner: 'ann' }),
      won('c', usd(700), '2026-04-20T10:00:00.000Z'),
    ]);
    const byId = (collection: string) =>
      Object.fromEntries(documents.all(collection).map(({ id, ...doc }) => [id, doc]));
    expect(byId('forecast_open')).toEqual({
      'default|day:2026-05-10': {
        key: 'default|day:2026-05-10',
        date: '2026-05-10',
        open: {
          qualification: {
            '"ann"': { EUR: { deals: 1, total: 1_000 } },
            null: { EUR: { deals: 1, total: 500, overridden: { deals: 1, total: 500, weight: 22_500 } } },
          },
        },
      },
      'default|month:2026-05': expect.objectContaining({ date: '2026-05' }) as unknown,
    });
    // c's close date left no open bucket behind once it was won.
    expect(byId('forecast_won')).toEqual({
      'default|day:2026-04-20': {
        key: 'default|day:2026-04-20',
        date: '2026-04-20',
        won: { '"ann"': { USD: { deals: 1, total: 700 } } },
      },
      'default|month:2026-04': {
        key: 'default|month:2026-04',
        date: '2026-04',
        won: { '"ann"': { USD: { deals: 1, total: 700 } } },
      },
    });
    expect(documents.all('forecast_deals').find((d) => d.id === 'c')).toMatchObject({
      status: 'won',
      pipelineWon: 'default|2026-04-20T10:00:00.000Z',
    });
  });

  it("reads buckets, and deals only for the wins of the partial days at a period's edges", async () => {
    const { documents, position } = fold([
      created('a', eur(100), { close: '2026-05-10' }),
      created('b', eur(200), { close: '2026-07-20' }),
      created('c', eur(400)),
      won('c', eur(400), '2026-04-20T10:00:00.000Z'),
    ]);
    const reads: string[] = [];
    const reader: DocumentReader = {
      get: (collection, id) => {
        reads.push(`get ${collection}`);
        return documents.get(collection, id);
      },
      find: async (collection, query) => {
        const found = await documents.find(collection, query);
        reads.push(`${collection} ${query.range?.field ?? ''}: ${found.length}`);
        return found as never;
      },
      count: (collection, query) => documents.count(collection, query),
    };
    await forecastReport(reader, { pipelineId: 'default', groupBy: 'owner' }, position);
    expect(reads.filter((r) => !r.startsWith('get'))).toEqual([
      'forecast_open key: 2',
      'forecast_won key: 1',
    ]);
    reads.length = 0;
    await forecastReport(
      reader,
      { pipelineId: 'default', from: '2026-04-20T09:00:00Z', to: '2026-07-20T12:00:00Z' },
      position,
    );
    // Close dates from 04-21 to 07-20: May and June whole, then days; wins: whole months and days, and
    // the deals won in the two partial days.
    expect(reads.filter((r) => !r.startsWith('get'))).toEqual([
      'forecast_open key: 1',
      'forecast_open key: 0',
      'forecast_open key: 1',
      'forecast_won key: 0',
      'forecast_won key: 0',
      'forecast_won key: 0',
      'forecast_deals pipelineWon: 1',
      'forecast_deals pipelineWon: 0',
    ]);
  });

  it('keeps a sum past 2^53 as its decimal digits, and a number again once it is back', async () => {
    const big = 1_000_000_000_000_000;
    const events = [
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((id) =>
        created(id, eur(big), { stage: 'negotiation' }),
      ),
      overridden('a', null, 99),
      overridden('b', null, 99),
    ];
    const { documents } = fold(events);
    const month = documents.all('forecast_open').find((d) => d.id === 'default|month:2026-06');
    expect(month).toMatchObject({
      open: {
        negotiation: {
          null: {
            EUR: {
              deals: 10,
              total: '10000000000000000',
              overridden: { deals: 2, total: 2 * big, weight: '198000000000000000' },
            },
          },
        },
      },
    });
    // 8 x 10^15 x 80% + 2 x 10^15 x 99%, to the unit.
    expect((await forecast(events)).months[0]?.open.values).toEqual([
      { currency: 'EUR', total: 10 * big, weighted: 8_380_000_000_000_000 },
    ]);
    const back = fold([...events, lost('c', eur(big), 'negotiation'), lost('d', eur(big), 'negotiation')]);
    const after = back.documents.all('forecast_open').find((d) => d.id === 'default|month:2026-06');
    expect(after).toMatchObject({ open: { negotiation: { null: { EUR: { deals: 8, total: 8 * big } } } } });
  });
});
