import { type Money, type SalesEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { recorded as recordedFrom } from '../testing/recorded';
import { MemoryDocuments } from '../memory-documents';
import type { Doc, DocLookup, Projection } from '../projection';
import { funnelProjection } from './funnel.projection';
import { type FunnelFilter, type FunnelReport, type FunnelSourceRow, funnelReport } from './funnel.report';
import { recordingReader } from '../testing/recording-reader';

const recorded = (events: Parameters<typeof recordedFrom>[0]) => recordedFrom(events, Date.UTC(2026, 2, 5));

const later = '2026-03-04T12:00:00.000Z';
const captured = (leadId: string, source: string, capturedAt: string): SalesEvent => ({
  type: 'LeadCaptured',
  data: { leadId, name: leadId, email: `${leadId}@example.com`, source, tags: [], capturedAt },
});
const qualified = (leadId: string): SalesEvent => ({
  type: 'LeadQualified',
  data: { leadId, budget: { amount: 1, currency: 'EUR' }, timeline: '2026-06-30', qualifiedAt: later },
});
const disqualified = (leadId: string): SalesEvent => ({
  type: 'LeadDisqualified',
  data: { leadId, reason: 'no_budget', disqualifiedAt: later },
});
const dealOf = (leadId: string) => `${leadId}-deal`;
const dealCreated = (leadId: string, value: Money): SalesEvent => ({
  type: 'DealCreated',
  data: {
    dealId: dealOf(leadId),
    leadId,
    pipelineId: 'default',
    title: leadId,
    value,
    expectedCloseDate: '2026-06-30',
    stage: 'qualification',
    createdAt: later,
  },
});
const advanced = (leadId: string): SalesEvent => ({
  type: 'StageAdvanced',
  data: { dealId: dealOf(leadId), from: 'qualification', to: 'demo', advancedAt: later },
});
const won = (leadId: string, value: Money): SalesEvent => ({
  type: 'DealWon',
  data: { dealId: dealOf(leadId), value, stage: 'demo', wonAt: later },
});
const lost = (leadId: string, value: Money): SalesEvent => ({
  type: 'DealLost',
  data: { dealId: dealOf(leadId), value, stage: 'demo', reason: 'price', lostAt: later },
});
const reopened = (leadId: string, from: 'won' | 'lost'): SalesEvent => ({
  type: 'DealReopened',
  data: { dealId: dealOf(leadId), reason: 'customer came back', from, stage: 'demo', reopenedAt: later },
});
const reactivated = (leadId: string): SalesEvent => ({
  type: 'LeadReactivated',
  data: { leadId, reason: 'budget freed up', reactivatedAt: later },
});
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

function fold(events: readonly SalesEvent[]): MemoryDocuments {
  const documents = new MemoryDocuments();
  for (const event of recorded(events)) documents.apply(funnelProjection, event);
  return documents;
}

/** Leads of three sources over three days, captured on exact instants around midnight. */
const history: SalesEvent[] = [
  captured('w1', 'web_form', '2026-03-01T09:00:00.000Z'),
  captured('w2', 'web_form', '2026-03-01T10:00:00.000Z'),
  captured('w3', 'web_form', '2026-03-01T23:59:59.999Z'),
  captured('w4', 'web_form', '2026-03-02T00:00:00.000Z'),
  captured('r1', 'referral', '2026-03-02T12:00:00.000Z'),
  captured('r2', 'referral', '2026-03-03T00:00:00.000Z'),
  captured('e1', 'event', '2026-03-03T08:00:00.000Z'),
  captured('e2', 'event', '2026-03-02T06:00:00.000Z'),
  qualified('w1'),
  qualified('w2'),
  disqualified('w3'),
  qualified('w4'),
  qualified('r1'),
  qualified('e1'),
  dealCreated('w1', eur(1_000)),
  dealCreated('w2', usd(500)),
  dealCreated('w4', eur(2_000)),
  dealCreated('r1', eur(0)),
  dealCreated('e1', { amount: 700, currency: 'JPY' }),
  advanced('w1'),
  won('w1', eur(1_000)),
  lost('w2', usd(500)),
  won('w4', eur(2_000)),
  won('r1', eur(0)),
];

const row = (
  source: string,
  [captured, qualified, disqualified, dealsCreated, won, lost]: readonly number[],
  wonValues: FunnelSourceRow['wonValues'],
  rates: readonly (number | null)[],
) => ({
  source,
  captured,
  qualified,
  disqualified,
  dealsCreated,
  won,
  lost,
  wonValues,
  rates: { qualification: rates[0], leadToDeal: rates[1], win: rates[2], leadToWon: rates[3] },
});

const report = (filter: FunnelFilter = {}): Promise<FunnelReport> =>
  funnelReport(fold(history), filter, '24');

describe('lead-source conversion funnel', () => {
  it('follows the leads of every source, sorted by name, with rates as fractions', async () => {
    expect(await report()).toEqual({
      position: '24',
      sources: [
        // Nothing closed yet: the win rate has no denominator.
        row('event', [2, 1, 0, 1, 0, 0], [], [0.5, 0.5, null, 0]),
        // A deal won at 0 still lists its currency.
        row('referral', [2, 1, 0, 1, 1, 0], [{ currency: 'EUR', total: 0 }], [0.5, 0.5, 1, 0.5]),
        row('web_form', [4, 3, 1, 3, 2, 1], [{ currency: 'EUR', total: 3_000 }], [0.75, 0.75, 2 / 3, 0.5]),
      ],
    });
  });

  it('lists won value per currency, sorted by code, never summed across currencies', async () => {
    const documents = fold([
      captured('a', 'web_form', '2026-03-01T09:00:00.000Z'),
      captured('b', 'web_form', '2026-03-01T09:00:00.000Z'),
      captured('c', 'web_form', '2026-03-02T09:00:00.000Z'),
      ...['a', 'b', 'c'].map(qualified),
      dealCreated('a', usd(300)),
      dealCreated('b', eur(200)),
      dealCreated('c', usd(50)),
      won('a', usd(300)),
      won('b', eur(200)),
      won('c', usd(50)),
    ]);
    const { sources } = await funnelReport(documents, {}, '12');
    expect(sources[0]?.wonValues).toEqual([
      { currency: 'EUR', total: 200 },
      { currency: 'USD', total: 350 },
    ]);
  });

  it('selects leads captured from `from` (inclusive) to `to` (exclusive), inside days and across them', async () => {
    expect(
      (await report({ from: '2026-03-01T10:00:00.000Z', to: '2026-03-03T08:00:00.000Z' })).sources,
    ).toEqual([
      // e1 was captured at `to` exactly: out.
      row('event', [1, 0, 0, 0, 0, 0], [], [0, 0, null, 0]),
      // r2 was captured at midnight of the last, partial day: in.
      row('referral', [2, 1, 0, 1, 1, 0], [{ currency: 'EUR', total: 0 }], [0.5, 0.5, 1, 0.5]),
      // w1 was captured before `from`; w2 at `from` exactly and w3 at the last millisecond of the day: in.
      row('web_form', [3, 2, 1, 2, 1, 1], [{ currency: 'EUR', total: 2_000 }], [2 / 3, 2 / 3, 0.5, 1 / 3]),
    ]);
  });

  it('selects whole days', async () => {
    expect(
      (await report({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' })).sources,
    ).toEqual([
      row('event', [1, 0, 0, 0, 0, 0], [], [0, 0, null, 0]),
      row('referral', [1, 1, 0, 1, 1, 0], [{ currency: 'EUR', total: 0 }], [1, 1, 1, 1]),
      row('web_form', [1, 1, 0, 1, 1, 0], [{ currency: 'EUR', total: 2_000 }], [1, 1, 1, 1]),
    ]);
  });

  it('selects part of one day, and leaves either end open when it is not given', async () => {
    expect(
      (await report({ from: '2026-03-01T09:30:00.000Z', to: '2026-03-01T12:00:00.000Z' })).sources,
    ).toEqual([row('web_form', [1, 1, 0, 1, 0, 1], [], [1, 1, 0, 0])]);
    const sinceNoon = await report({ from: '2026-03-02T12:00:00.000Z' });
    expect(sinceNoon.sources.map((s) => [s.source, s.captured])).toEqual([
      ['event', 1],
      ['referral', 2],
    ]);
    const untilNoon = await report({ to: '2026-03-02T12:00:00.000Z' });
    expect(untilNoon.sources.map((s) => [s.source, s.captured])).toEqual([
      ['event', 1],
      ['web_form', 4],
    ]);
  });

  it('reads from/to as instants, whatever their offset or precision', async () => {
    const normalized = await report({ from: '2026-03-01T10:00:00.000Z', to: '2026-03-03T08:00:00.000Z' });
    expect(await report({ from: '2026-03-01T11:00:00+01:00', to: '2026-03-03T08:00:00Z' })).toEqual(
      normalized,
    );
    await expect(report({ from: 'yesterday' })).rejects.toThrow(RangeError);
  });

  it('answers nothing for an empty or reversed range', async () => {
    expect(
      (await report({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' })).sources,
    ).toEqual([]);
    expect(
      (await report({ from: '2026-03-03T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' })).sources,
    ).toEqual([]);
  });

  it('filters by source; a source without leads in range does not appear', async () => {
    expect((await report({ source: 'referral', from: '2026-03-01T10:00:00.000Z' })).sources).toEqual([
      row('referral', [2, 1, 0, 1, 1, 0], [{ currency: 'EUR', total: 0 }], [0.5, 0.5, 1, 0.5]),
    ]);
    expect((await report({ source: 'web_form', from: '2026-03-02T06:00:00.000Z' })).sources).toEqual([]);
    expect((await report({ source: 'paid_ads' })).sources).toEqual([]);
  });

  it('reads the all-time buckets without a range; month, then day buckets, then leads of the partial edge days', async () => {
    const { reader, queries } = recordingReader(fold(history));
    await funnelReport(reader, {}, '24');
    expect(queries).toEqual([['funnel_buckets', { range: { field: 'key', gte: 'all:', lt: 'all;' } }]]);

    queries.length = 0;
    await funnelReport(reader, { from: '2026-03-01T10:00:00.000Z', to: '2026-03-03T08:00:00.000Z' }, '24');
    expect(queries).toEqual([
      ['funnel_buckets', { range: { field: 'key', gte: 'day:2026-03-02', lt: 'day:2026-03-03' } }],
      [
        'funnel_leads',
        { range: { field: 'capturedAt', gte: '2026-03-01T10:00:00.000Z', lt: '2026-03-02T00:00:00.000Z' } },
      ],
      [
        'funnel_leads',
        { range: { field: 'capturedAt', gte: '2026-03-03T00:00:00.000Z', lt: '2026-03-03T08:00:00.000Z' } },
      ],
    ]);

    queries.length = 0;
    await funnelReport(
      reader,
      { from: '2026-01-15T00:00:00.000Z', to: '2026-04-10T00:00:00.000Z', source: 'referral' },
      '24',
    );
    expect(queries).toEqual([
      [
        'funnel_buckets',
        {
          where: { source: 'referral' },
          range: { field: 'key', gte: 'month:2026-02', lt: 'month:2026-04' },
        },
      ],
      [
        'funnel_buckets',
        {
          where: { source: 'referral' },
          range: { field: 'key', gte: 'day:2026-01-15', lt: 'day:2026-02-01' },
        },
      ],
      [
        'funnel_buckets',
        {
          where: { source: 'referral' },
          range: { field: 'key', gte: 'day:2026-04-01', lt: 'day:2026-04-10' },
        },
      ],
    ]);
  });

  it('ignores events for unknown leads and deals and repeated steps, without throwing', async () => {
    const documents = fold([
      qualified('ghost'),
      dealCreated('ghost', eur(1)),
      won('ghost', eur(1)),
      captured('a', 'web_form', '2026-03-01T09:00:00.000Z'),
      captured('a', 'referral', '2026-03-01T09:00:00.000Z'),
      qualified('a'),
      qualified('a'),
      disqualified('a'),
      dealCreated('a', eur(10)),
      dealCreated('a', eur(99)),
      lost('a', eur(10)),
      won('a', eur(10)),
      lost('a', eur(10)),
    ]);
    expect((await funnelReport(documents, {}, '13')).sources).toEqual([
      row('web_form', [1, 1, 0, 1, 0, 1], [], [1, 1, 0, 0]),
    ]);
  });

  it('takes a reopened deal out of won, won value included, until it is won again, then counts it once', async () => {
    const documents = fold([
      ...history,
      // w4 was the only EUR deal won on its day; w1 (won the day before) stays won.
      reopened('w4', 'won'),
    ]);
    const afterReopen = await funnelReport(documents, {}, '25');
    expect(afterReopen.sources[2]).toEqual(
      row('web_form', [4, 3, 1, 3, 1, 1], [{ currency: 'EUR', total: 1_000 }], [0.75, 0.75, 0.5, 0.25]),
    );
    // A currency with no won deal left is no longer listed, whether read from day buckets or lead by lead.
    for (const filter of [
      { from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z', source: 'web_form' },
      { from: '2026-03-02T00:00:00.000Z', to: '2026-03-02T12:00:00.000Z', source: 'web_form' },
    ]) {
      expect((await funnelReport(documents, filter, '25')).sources).toEqual([
        row('web_form', [1, 1, 0, 1, 0, 0], [], [1, 1, null, 0]),
      ]);
    }

    const wonAgain = fold([...history, reopened('w4', 'won'), won('w4', eur(2_500)), won('w4', eur(9))]);
    expect((await funnelReport(wonAgain, {}, '27')).sources[2]).toEqual(
      row('web_form', [4, 3, 1, 3, 2, 1], [{ currency: 'EUR', total: 3_500 }], [0.75, 0.75, 2 / 3, 0.5]),
    );
  });

  it('takes a reopened lost deal out of lost; won later, it counts once, as won', async () => {
    const reopenedOnly = fold([...history, reopened('w2', 'lost')]);
    expect((await funnelReport(reopenedOnly, { source: 'web_form' }, '25')).sources).toEqual([
      row('web_form', [4, 3, 1, 3, 2, 0], [{ currency: 'EUR', total: 3_000 }], [0.75, 0.75, 1, 0.5]),
    ]);
    const documents = fold([...history, reopened('w2', 'lost'), won('w2', usd(800))]);
    const expected = row(
      'web_form',
      [4, 3, 1, 3, 3, 0],
      [
        { currency: 'EUR', total: 3_000 },
        { currency: 'USD', total: 800 },
      ],
      [0.75, 0.75, 1, 0.75],
    );
    expect((await funnelReport(documents, { source: 'web_form' }, '26')).sources).toEqual([expected]);
    // The same lead by lead: w2 was captured on a partial day.
    expect(
      (
        await funnelReport(
          documents,
          { from: '2026-03-01T09:30:00.000Z', to: '2026-03-01T12:00:00.000Z' },
          '26',
        )
      ).sources,
    ).toEqual([row('web_form', [1, 1, 0, 1, 1, 0], [{ currency: 'USD', total: 800 }], [1, 1, 1, 1])]);
  });

  it('no longer counts a reactivated lead disqualified; it may be qualified, or disqualified again', async () => {
    const documents = fold([
      captured('a', 'web_form', '2026-03-01T09:00:00.000Z'),
      captured('b', 'web_form', '2026-03-01T09:00:00.000Z'),
      captured('c', 'web_form', '2026-03-01T09:00:00.000Z'),
      ...['a', 'b', 'c'].map(disqualified),
      ...['a', 'b', 'c'].map(reactivated),
      qualified('a'),
      dealCreated('a', eur(10)),
      won('a', eur(10)),
      disqualified('b'),
    ]);
    // a: qualified and won; b: disqualified again, once; c: open again, neither.
    expect((await funnelReport(documents, {}, '14')).sources).toEqual([
      row('web_form', [3, 1, 1, 1, 1, 0], [{ currency: 'EUR', total: 10 }], [1 / 3, 1 / 3, 1, 1 / 3]),
    ]);
    expect(
      (
        await funnelReport(
          documents,
          { from: '2026-03-01T08:00:00.000Z', to: '2026-03-01T10:00:00.000Z' },
          '14',
        )
      ).sources,
    ).toEqual([
      row('web_form', [3, 1, 1, 1, 1, 0], [{ currency: 'EUR', total: 10 }], [1 / 3, 1 / 3, 1, 1 / 3]),
    ]);
  });

  it('ignores a reopen of an open deal, a reactivation of a lead not disqualified, and the events it does not count', async () => {
    const at = { changedAt: later };
    const noise: SalesEvent[] = [
      reopened('e1', 'won'),
      reactivated('r1'),
      reactivated('r2'),
      reactivated('ghost'),
      reopened('ghost', 'lost'),
      { type: 'LeadOwnerChanged', data: { leadId: 'w1', from: null, to: 'ann', ...at } },
      { type: 'LeadTagsChanged', data: { leadId: 'w1', from: [], to: ['hot'], ...at } },
      { type: 'LeadInterestChanged', data: { leadId: 'w1', from: null, to: 'crm', ...at } },
      {
        type: 'LeadContactCorrected',
        data: { leadId: 'w1', field: 'name', from: 'w1', to: 'W One', correctedAt: later },
      },
      { type: 'DealValueChanged', data: { dealId: dealOf('e1'), from: eur(700), to: eur(900), ...at } },
      { type: 'DealTitleChanged', data: { dealId: dealOf('e1'), from: 'e1', to: 'E1', ...at } },
      { type: 'DealOwnerChanged', data: { dealId: dealOf('e1'), from: null, to: 'ann', ...at } },
      { type: 'DealProbabilityOverrideChanged', data: { dealId: dealOf('e1'), from: null, to: 50, ...at } },
      {
        type: 'DealExpectedCloseDateChanged',
        data: { dealId: dealOf('e1'), from: '2026-06-30', to: '2026-07-31', ...at },
      },
      {
        type: 'StageReverted',
        data: { dealId: dealOf('e1'), from: 'demo', to: 'qualification', revertedAt: later },
      },
      {
        type: 'DealMovedToPipeline',
        data: {
          dealId: dealOf('e1'),
          from: { pipelineId: 'default', stage: 'qualification' },
          to: { pipelineId: 'enterprise', stage: 'discovery' },
          movedAt: later,
        },
      },
    ];
    const documents = fold([...history, ...noise]);
    expect(await funnelReport(documents, {}, '24')).toEqual(await report());
    for (const event of recorded(noise.slice(5))) {
      expect(funnelProjection.touches(event, () => undefined)).toEqual([]);
    }
  });

  it('touches every document evolve reads, once touches is followed to a fixed point', () => {
    const documents = new MemoryDocuments();
    const stored: DocLookup = (collection, id) => documents.all(collection).find((doc) => doc.id === id);
    const events = recorded([
      ...history,
      qualified('ghost'),
      won('ghost', eur(1)),
      captured('w1', 'event', later),
      reopened('w1', 'won'),
      reopened('w2', 'lost'),
      reopened('ghost', 'won'),
      reactivated('w3'),
      qualified('w3'),
      reactivated('ghost'),
    ]);
    for (const event of events) {
      const declared = touchedDocs(funnelProjection, event, stored);
      const strict: DocLookup = (collection, id) => {
        const key = `${collection}/${id}`;
        if (!declared.has(key)) throw new Error(`${event.type} read ${key}, which touches did not name`);
        return declared.get(key);
      };
      expect(funnelProjection.evolve(event, strict)).toEqual(funnelProjection.evolve(event, stored));
      documents.apply(funnelProjection, event);
    }
  });
});

/** What the runner loads for an event: touches, called again with what it named, until it names nothing new. */
function touchedDocs(
  projection: Projection,
  event: RecordedEvent,
  stored: DocLookup,
): Map<string, Doc | undefined> {
  const loaded = new Map<string, Doc | undefined>();
  const lookup: DocLookup = (collection, id) => loaded.get(`${collection}/${id}`);
  for (;;) {
    const fresh = projection
      .touches(event, lookup)
      .filter((ref) => !loaded.has(`${ref.collection}/${ref.id}`));
    if (fresh.length === 0) return loaded;
    for (const ref of fresh) loaded.set(`${ref.collection}/${ref.id}`, stored(ref.collection, ref.id));
  }
}
