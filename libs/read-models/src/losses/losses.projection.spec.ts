import type { DealEvent, Money, PipelineEvent, SalesEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { MemoryDocuments } from '../memory-documents';
import type { Doc, DocumentReader, FindQuery } from '../projection';
import { recorded } from '../testing/recorded';
import { lossesProjection } from './losses.projection';
import { type LossesQuery, type LossesReport, lossesReport } from './losses.report';

const at = '2026-03-01T10:00:00.000Z';
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

const created = (
  dealId: string,
  value: Money,
  pipelineId = 'default',
  stage = 'qualification',
): DealEvent => ({
  type: 'DealCreated',
  data: {
    dealId,
    leadId: `lead-of-${dealId}`,
    pipelineId,
    title: `Deal ${dealId}`,
    value,
    expectedCloseDate: '2026-06-15',
    stage,
    createdAt: at,
  },
});
interface Loss {
  readonly value: Money;
  readonly reason: string;
  readonly stage?: string;
  readonly competitor?: string;
  readonly lostAt?: string;
}
const lost = (dealId: string, loss: Loss): DealEvent => ({
  type: 'DealLost',
  data: {
    dealId,
    value: loss.value,
    stage: loss.stage ?? 'qualification',
    reason: loss.reason,
    ...(loss.competitor === undefined ? {} : { competitor: loss.competitor }),
    lostAt: loss.lostAt ?? '2026-04-10T12:00:00.000Z',
  },
});
const won = (dealId: string, value: Money): DealEvent => ({
  type: 'DealWon',
  data: { dealId, value, stage: 'qualification', wonAt: at },
});
const reopened = (dealId: string, stage: string): DealEvent => ({
  type: 'DealReopened',
  data: { dealId, reason: 'they called back', from: 'lost', stage, reopenedAt: at },
});
const advanced = (dealId: string, from: string, to: string): DealEvent => ({
  type: 'StageAdvanced',
  data: { dealId, from, to, advancedAt: at },
});
const valueChanged = (dealId: string, from: Money, to: Money): DealEvent => ({
  type: 'DealValueChanged',
  data: { dealId, from, to, changedAt: at },
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
const enterprise: PipelineEvent = {
  type: 'PipelineDefined',
  data: {
    pipelineId: 'enterprise',
    name: 'Enterprise',
    stages: [{ stage: 'intro', name: 'Intro', probability: 25, rottenAfterDays: null }],
    definedAt: at,
  },
};

function fold(events: readonly SalesEvent[]): { documents: MemoryDocuments; position: string } {
  const documents = new MemoryDocuments();
  const log = recorded(events);
  for (const event of log) documents.apply(lossesProjection, event);
  return { documents, position: String(log.at(-1)?.position ?? 0n) };
}

async function losses(events: readonly SalesEvent[], query: LossesQuery = {}): Promise<LossesReport> {
  const { documents, position } = fold(events);
  return lossesReport(documents, query, position);
}

const euros = (deals: number, total: number) => ({ deals, values: [{ currency: 'EUR', total }] });

describe('losses by reason, stage and competitor', () => {
  it('is empty before any deal is lost', async () => {
    expect(await losses([created('a', eur(100)), won('a', eur(100)), created('b', eur(5))])).toEqual({
      position: '3',
      from: null,
      to: null,
      lost: { deals: 0, values: [] },
      byReason: [],
      byStage: [],
      byCompetitor: [],
    });
  });

  it('groups lost deals by reason as written, by pipeline and stage, and by competitor, per currency', async () => {
    const report = await losses([
      enterprise,
      created('a', eur(1_000)),
      lost('a', { value: eur(1_000), reason: 'price', stage: 'demo', competitor: 'Acme' }),
      created('b', usd(500)),
      lost('b', { value: usd(500), reason: 'price' }),
      created('c', eur(300)),
      lost('c', { value: eur(300), reason: 'timing', stage: 'demo', competitor: 'Acme' }),
      created('d', eur(200)),
      lost('d', { value: eur(200), reason: 'Price', stage: 'demo', competitor: 'Zeta' }),
      created('e', eur(50), 'enterprise', 'intro'),
      lost('e', { value: eur(50), reason: 'budget', stage: 'intro' }),
      created('f', eur(9_999)),
      won('f', eur(9_999)),
      created('g', eur(7_777)),
    ]);
    expect(report).toEqual({
      position: '14',
      from: null,
      to: null,
      lost: {
        deals: 5,
        values: [
          { currency: 'EUR', total: 1_550 },
          { currency: 'USD', total: 500 },
        ],
      },
      byReason: [
        {
          reason: 'price',
          deals: 2,
          values: [
            { currency: 'EUR', total: 1_000 },
            { currency: 'USD', total: 500 },
          ],
        },
        // Ties by name; "Price" is not "price".
        { reason: 'Price', ...euros(1, 200) },
        { reason: 'budget', ...euros(1, 50) },
        { reason: 'timing', ...euros(1, 300) },
      ],
      byStage: [
        { pipelineId: 'default', stage: 'demo', ...euros(3, 1_500) },
        {
          pipelineId: 'default',
          stage: 'qualification',
          deals: 1,
          values: [{ currency: 'USD', total: 500 }],
        },
        { pipelineId: 'enterprise', stage: 'intro', ...euros(1, 50) },
      ],
      byCompetitor: [
        { competitor: 'Acme', ...euros(2, 1_300) },
        // As many deals as Acme, but none named: after it.
        {
          competitor: null,
          deals: 2,
          values: [
            { currency: 'EUR', total: 50 },
            { currency: 'USD', total: 500 },
          ],
        },
        { competitor: 'Zeta', ...euros(1, 200) },
      ],
    });
  });

  it('sorts by deals first: a name later in the alphabet with more deals comes first', async () => {
    const report = await losses([
      ...['a', 'b', 'c'].flatMap((id) => [created(id, eur(1)), lost(id, { value: eur(1), reason: 'zeal' })]),
      created('d', eur(1)),
      lost('d', { value: eur(1), reason: 'anger', competitor: 'Acme' }),
    ]);
    expect(report.byReason.map((r) => [r.reason, r.deals])).toEqual([
      ['zeal', 3],
      ['anger', 1],
    ]);
    expect(report.byCompetitor.map((r) => [r.competitor, r.deals])).toEqual([
      [null, 3],
      ['Acme', 1],
    ]);
  });

  it('counts the value the loss states, in the stage and pipeline the deal was lost in', async () => {
    const report = await losses([
      enterprise,
      created('a', eur(1_000)),
      valueChanged('a', eur(1_000), usd(1_200)),
      advanced('a', 'qualification', 'proposal'),
      movedTo('a', ['default', 'proposal'], ['enterprise', 'intro']),
      lost('a', { value: usd(1_200), reason: 'price', stage: 'intro' }),
    ]);
    expect(report.lost).toEqual({ deals: 1, values: [{ currency: 'USD', total: 1_200 }] });
    expect(report.byStage).toEqual([
      { pipelineId: 'enterprise', stage: 'intro', deals: 1, values: [{ currency: 'USD', total: 1_200 }] },
    ]);
  });

  it('drops a reopened deal, and counts it once with its new loss when it is lost again', async () => {
    const first = [
      created('a', eur(1_000)),
      lost('a', {
        value: eur(1_000),
        reason: 'price',
        stage: 'demo',
        competitor: 'Acme',
        lostAt: '2026-04-01',
      }),
    ];
    const reopenedDeal = [...first, reopened('a', 'demo')];
    expect((await losses(reopenedDeal)).lost).toEqual({ deals: 0, values: [] });
    expect((await losses(reopenedDeal)).byReason).toEqual([]);
    const again = [
      ...reopenedDeal,
      advanced('a', 'demo', 'proposal'),
      valueChanged('a', eur(1_000), eur(1_200)),
      lost('a', {
        value: eur(1_200),
        reason: 'timing',
        stage: 'proposal',
        lostAt: '2026-05-05T00:00:00.000Z',
      }),
    ];
    expect(await losses(again)).toMatchObject({
      lost: euros(1, 1_200),
      byReason: [{ reason: 'timing', ...euros(1, 1_200) }],
      byStage: [{ pipelineId: 'default', stage: 'proposal', ...euros(1, 1_200) }],
      byCompetitor: [{ competitor: null, ...euros(1, 1_200) }],
    });
    // Its first loss is gone from April: only the loss it stands by counts, in its own period.
    expect((await losses(again, { from: '2026-04-01', to: '2026-05-01' })).lost.deals).toBe(0);
    expect((await losses(again, { from: '2026-05-01', to: '2026-06-01' })).lost.deals).toBe(1);
  });

  it('takes the losses made in [from, to), dates being their UTC start of day', async () => {
    const times: [string, number, string][] = [
      ['a', 1, '2026-04-30T23:59:59.999Z'],
      ['b', 10, '2026-05-01T00:00:00.000Z'],
      ['c', 100, '2026-05-31T23:59:59.999Z'],
      ['d', 1_000, '2026-06-01T00:00:00.000Z'],
    ];
    const events = times.flatMap(([id, amount, lostAt]) => [
      created(id, eur(amount)),
      lost(id, { value: eur(amount), reason: 'price', lostAt }),
    ]);
    const total = async (query: LossesQuery) => (await losses(events, query)).lost.values[0]?.total ?? 0;
    expect(await total({ from: '2026-05-01', to: '2026-06-01' })).toBe(110);
    expect(await total({ from: '2026-05-01T00:00:00.001Z' })).toBe(1_100);
    expect(await total({ to: '2026-05-31T23:59:59.999Z' })).toBe(11);
    expect(await total({ from: '2026-05-01T02:00:00+02:00', to: '2026-06-01T02:00:00+02:00' })).toBe(110);
    expect(await total({ from: '2026-06-01', to: '2026-05-01' })).toBe(0);
    expect(await losses(events, { from: '2026-05-01', to: '2026-06-01T00:00' })).toMatchObject({
      from: '2026-05-01T00:00:00.000Z',
      to: '2026-06-01T00:00:00.000Z',
    });
  });

  it('refuses a bound that is not an ISO date or instant with a RangeError', async () => {
    const { documents } = fold([]);
    for (const bad of ['last week', '2026-02-29', '2026-04-31T10:00:00Z', '2026-05-01T10:61Z', '2026']) {
      await expect(lossesReport(documents, { from: bad }, '0')).rejects.toThrow(RangeError);
      await expect(lossesReport(documents, { to: bad }, '0')).rejects.toThrow(RangeError);
    }
  });

  it('ignores losses of unknown deals and a second loss without a reopen', async () => {
    const report = await losses([
      lost('ghost', { value: eur(5), reason: 'price' }),
      created('a', eur(100)),
      lost('a', { value: eur(100), reason: 'price' }),
      lost('a', { value: eur(100), reason: 'timing' }),
    ]);
    expect(report.byReason).toEqual([{ reason: 'price', ...euros(1, 100) }]);
  });

  it('reads a deal only for the events that create, move, lose or reopen it, and its buckets once it is loaded', () => {
    const log = recorded([
      created('a', eur(1)),
      advanced('a', 'qualification', 'demo'),
      movedTo('a', ['default', 'demo'], ['enterprise', 'intro']),
      lost('a', { value: eur(1), reason: 'price', lostAt: '2026-04-10T23:30:00-02:00' }),
      reopened('a', 'intro'),
      enterprise,
    ]);
    const deal = [{ collection: 'losses_deals', id: 'a' }];
    expect(log.map((event: RecordedEvent) => lossesProjection.touches(event))).toEqual([
      deal,
      [],
      deal,
      deal,
      deal,
      [],
    ]);
    // Once the deal is loaded: the buckets of the UTC day and month of the loss, which a reopen takes it out of.
    const documents = new MemoryDocuments();
    const buckets = [
      ...deal,
      { collection: 'losses_buckets', id: 'all|day:2026-04-11' },
      { collection: 'losses_buckets', id: 'all|month:2026-04' },
    ];
    const named = log.map((event: RecordedEvent) => {
      const refs = lossesProjection.touches(event, (collection, id) =>
        documents.all(collection).find((d) => d.id === id),
      );
      documents.apply(lossesProjection, event);
      return refs;
    });
    expect(named).toEqual([deal, [], deal, buckets, buckets, []]);
    // A loss that changes nothing (unknown deal, already lost) names no bucket.
    const [ghost, twice] = recorded([
      lost('ghost', { value: eur(1), reason: 'x' }),
      lost('a', { value: eur(1), reason: 'x' }),
    ]);
    expect(lossesProjection.touches(ghost!, () => undefined)).toEqual([
      { collection: 'losses_deals', id: 'ghost' },
    ]);
    const { documents: lostOnce } = fold([
      created('a', eur(1)),
      lost('a', { value: eur(1), reason: 'price' }),
    ]);
    expect(
      lossesProjection.touches(twice!, (collection, id) => lostOnce.all(collection).find((d) => d.id === id)),
    ).toEqual(deal);
  });

  it('keeps per UTC day and month of loss a bucket of rows per group and currency, and drops what a reopen empties', () => {
    const { documents } = fold([
      created('a', eur(1_000)),
      lost('a', {
        value: eur(1_000),
        reason: 'price',
        stage: 'demo',
        competitor: 'Acme',
        lostAt: '2026-04-10T09:00:00Z',
      }),
      created('b', usd(0)),
      lost('b', { value: usd(0), reason: 'price', lostAt: '2026-04-10T10:00:00Z' }),
      created('c', eur(5)),
      lost('c', { value: eur(5), reason: 'timing', stage: 'demo', lostAt: '2026-04-20T10:00:00Z' }),
      reopened('a', 'demo'),
    ]);
    const byId = new Map(documents.all('losses_buckets').map((doc) => [doc.id, doc]));
    expect([...byId.keys()].sort()).toEqual([
      'all|day:2026-04-10',
      'all|day:2026-04-20',
      'all|month:2026-04',
    ]);
    // A deal worth 0 is still a lost deal of its currency; a's loss is gone with its rows.
    expect(byId.get('all|day:2026-04-10')).toEqual({
      id: 'all|day:2026-04-10',
      key: 'all|day:2026-04-10',
      byReason: [{ reason: 'price', currency: 'USD', deals: 1, total: 0 }],
      byStage: [{ pipelineId: 'default', stage: 'qualification', currency: 'USD', deals: 1, total: 0 }],
      byCompetitor: [{ competitor: null, currency: 'USD', deals: 1, total: 0 }],
    });
    expect(byId.get('all|month:2026-04')).toMatchObject({
      byReason: [
        { reason: 'price', currency: 'USD', deals: 1, total: 0 },
        { reason: 'timing', currency: 'EUR', deals: 1, total: 5 },
      ],
      byCompetitor: [
        { competitor: null, currency: 'USD', deals: 1, total: 0 },
        { competitor: null, currency: 'EUR', deals: 1, total: 5 },
      ],
    });
    // The deal keeps what a reopen needs: its loss, and when (the buckets it is in).
    expect(documents.all('losses_deals').find((d) => d.id === 'c')).toEqual({
      id: 'c',
      pipelineId: 'default',
      loss: {
        pipelineId: 'default',
        stage: 'demo',
        reason: 'timing',
        competitor: null,
        amount: 5,
        currency: 'EUR',
      },
      lostAt: '2026-04-20T10:00:00.000Z',
    });
    // The last loss of a bucket reopened: the bucket is gone.
    const { documents: none } = fold([
      created('a', eur(1)),
      lost('a', { value: eur(1), reason: 'price' }),
      reopened('a', 'qualification'),
    ]);
    expect(none.all('losses_buckets')).toEqual([]);
  });

  it('adds up totals exactly past 2^53, in buckets and in the report', async () => {
    const max = 1_000_000_000_000_000;
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const events = ids.flatMap((id) => [
      created(id, eur(max)),
      lost(id, { value: eur(max - 1), reason: 'price' }),
    ]);
    const { documents } = fold(events);
    const month = documents.all('losses_buckets').find((d) => d.id === 'all|month:2026-04');
    // 10 x (10^15 - 1) is past 2^53: kept as a decimal string.
    expect(month).toMatchObject({
      byReason: [{ reason: 'price', currency: 'EUR', deals: 10, total: '9999999999999990' }],
    });
    const report = await losses(events);
    expect(report.lost).toEqual({ deals: 10, values: [{ currency: 'EUR', total: 9_999_999_999_999_990 }] });
    // Back under 2^53, a number again.
    const { documents: fewer } = fold([...events, reopened('b', 'qualification')]);
    expect(fewer.all('losses_buckets').find((d) => d.id === 'all|month:2026-04')).toMatchObject({
      byReason: [{ deals: 9, total: 8_999_999_999_999_991 }],
    });
  });

  it('reads the months and days a period holds whole from buckets, and deals only at its edges', async () => {
    const times = [
      '2026-01-31T23:00:00.000Z',
      '2026-02-01T05:00:00.000Z',
      '2026-02-14T12:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-03-31T18:00:00.000Z',
      '2026-04-02T03:00:00.000Z',
      '2026-04-02T09:00:00.000Z',
      '2026-04-02T15:00:00.000Z',
    ];
    const events = times.flatMap((lostAt, i) => [
      created(`d${i}`, eur(2 ** i)),
      lost(`d${i}`, { value: eur(2 ** i), reason: 'price', lostAt }),
    ]);
    const { documents, position } = fold(events);
    const reads: string[] = [];
    const reader: DocumentReader = {
      get: (collection, id) => documents.get(collection, id),
      find: async <T extends Doc>(collection: string, query: FindQuery) => {
        const found = await documents.find<T>(collection, query);
        reads.push(...found.map((doc) => `${collection}/${doc.id}`));
        return found;
      },
      count: (collection, query) => documents.count(collection, query),
    };
    const total = async (query: LossesQuery) => {
      reads.length = 0;
      return (await lossesReport(reader, query, position)).lost.values[0]?.total ?? 0;
    };
    // All time: one bucket per month.
    expect(await total({})).toBe(255);
    expect(reads.sort()).toEqual([
      'losses_buckets/all|month:2026-01',
      'losses_buckets/all|month:2026-02',
      'losses_buckets/all|month:2026-03',
      'losses_buckets/all|month:2026-04',
    ]);
    // From an instant inside a day to one inside another: whole months, whole days, the deals at the edges.
    expect(await total({ from: '2026-01-31T22:00:00Z', to: '2026-04-02T12:00:00Z' })).toBe(127);
    // (2026-04-01 is read from day buckets too: it has none.)
    expect(reads.sort()).toEqual([
      'losses_buckets/all|month:2026-02',
      'losses_buckets/all|month:2026-03',
      'losses_deals/d0',
      'losses_deals/d5',
      'losses_deals/d6',
    ]);
    // Within one day: the deals alone.
    expect(await total({ from: '2026-04-02T04:00:00Z', to: '2026-04-02T15:00:00Z' })).toBe(64);
    expect(reads).toEqual(['losses_deals/d6']);
  });
});
