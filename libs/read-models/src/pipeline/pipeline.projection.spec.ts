import type { DealEvent, Money, PipelineEvent, SalesEvent, StageDefinition } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { recorded as recordedFrom } from '../testing/recorded';
import { MemoryDocuments } from '../memory-documents';
import type { Doc, DocLookup } from '../projection';
import { dealListProjection } from '../deal-list';
import { pipelinesProjection } from '../pipelines';
import { pipelineProjection } from './pipeline.projection';
import { type PipelineReport, type PipelineReportQuery, pipelineReport } from './pipeline.report';

const recorded = (events: Parameters<typeof recordedFrom>[0]) => recordedFrom(events, Date.UTC(2026, 2, 1));

const at = '2026-03-01T10:00:00.000Z';
const created = (
  dealId: string,
  value: Money,
  {
    pipelineId = 'default',
    stage = 'qualification',
    owner,
  }: { pipelineId?: string; stage?: string; owner?: string } = {},
): DealEvent => ({
  type: 'DealCreated',
  data: {
    dealId,
    leadId: `lead-of-${dealId}`,
    pipelineId,
    title: `Deal ${dealId}`,
    value,
    expectedCloseDate: '2026-06-30',
    ...(owner === undefined ? {} : { owner }),
    stage,
    createdAt: at,
  },
});
const advanced = (dealId: string, from: string, to: string): DealEvent => ({
  type: 'StageAdvanced',
  data: { dealId, from, to, advancedAt: at },
});
const reverted = (dealId: string, from: string, to: string): DealEvent => ({
  type: 'StageReverted',
  data: { dealId, from, to, reason: 'demo again', revertedAt: at },
});
const won = (dealId: string, value: Money, stage: string): DealEvent => ({
  type: 'DealWon',
  data: { dealId, value, stage, wonAt: at },
});
const lost = (dealId: string, value: Money, stage: string): DealEvent => ({
  type: 'DealLost',
  data: { dealId, value, stage, reason: 'price', lostAt: at },
});
const valueChanged = (dealId: string, from: Money, to: Money): DealEvent => ({
  type: 'DealValueChanged',
  data: { dealId, from, to, changedAt: at },
});
const ownerChanged = (dealId: string, from: string | null, to: string | null): DealEvent => ({
  type: 'DealOwnerChanged',
  data: { dealId, from, to, changedAt: at },
});
const overridden = (dealId: string, from: number | null, to: number | null): DealEvent => ({
  type: 'DealProbabilityOverrideChanged',
  data: { dealId, from, to, changedAt: at },
});
const reopened = (dealId: string, from: 'won' | 'lost', stage: string): DealEvent => ({
  type: 'DealReopened',
  data: { dealId, reason: 'signed after all', from, stage, reopenedAt: at },
});
const moved = (
  dealId: string,
  from: { pipelineId: string; stage: string },
  to: { pipelineId: string; stage: string },
): DealEvent => ({ type: 'DealMovedToPipeline', data: { dealId, from, to, movedAt: at } });

const stageDef = (stage: string, probability: number): StageDefinition => ({
  stage,
  name: stage.toUpperCase(),
  probability,
  rottenAfterDays: null,
});
const defined = (pipelineId: string, name: string, stages: StageDefinition[]): PipelineEvent => ({
  type: 'PipelineDefined',
  data: { pipelineId, name, stages, definedAt: at },
});
const probabilityChanged = (pipelineId: string, stage: string, from: number, to: number): PipelineEvent => ({
  type: 'PipelineStageProbabilityChanged',
  data: { pipelineId, stage, from, to, changedAt: at },
});
const retired = (pipelineId: string, stage: string): PipelineEvent => ({
  type: 'PipelineStageRetired',
  data: { pipelineId, stage, retiredAt: at },
});

const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

/** Folds the pipelines' configuration and the report's documents, as the runner or an as-of fold does. */
function fold(events: readonly SalesEvent[]): { documents: MemoryDocuments; position: string } {
  const documents = new MemoryDocuments();
  const log = recorded(events);
  for (const event of log) {
    documents.apply(pipelinesProjection, event);
    documents.apply(pipelineProjection, event);
  }
  return { documents, position: String(log.at(-1)?.position ?? 0n) };
}

async function given(
  events: readonly SalesEvent[],
  query: PipelineReportQuery = { pipelineId: 'default' },
): Promise<PipelineReport> {
  const { documents, position } = fold(events);
  const report = await pipelineReport(documents, query, position);
  if (!report) throw new Error(`no report for pipeline ${query.pipelineId}`);
  return report;
}

const DEFAULT_STAGES = [
  ['qualification', 'Qualification', 10],
  ['demo', 'Demo', 30],
  ['proposal', 'Proposal', 60],
  ['negotiation', 'Negotiation', 80],
] as const;

const emptyStage = (stage: string, name: string, probability: number, retired = false) => ({
  stage,
  name,
  probability,
  retired,
  openDeals: 0,
  values: [],
});
const none = { deals: 0, values: [] };
/** The stages of the default pipeline, empty but for the rows given by slug. */
const defaultStages = (rows: Record<string, { openDeals: number; values: unknown[] }> = {}) =>
  DEFAULT_STAGES.map(([stage, name, probability]) => ({
    ...emptyStage(stage, name, probability),
    ...rows[stage],
  }));
const openIn = (openDeals: number, ...values: [string, number, number][]) => ({
  openDeals,
  values: values.map(([currency, total, weighted]) => ({ currency, total, weighted })),
});
const outcome = (deals: number, ...values: [string, number][]) => ({
  deals,
  values: values.map(([currency, total]) => ({ currency, total })),
});

describe('pipeline value by stage', () => {
  it('shows every stage of the default pipeline in order, empty, before any deal', async () => {
    expect(await given([])).toEqual({
      position: '0',
      pipelineId: 'default',
      name: 'Default pipeline',
      stages: defaultStages(),
      won: none,
      lost: none,
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
      pipelineId: 'default',
      name: 'Default pipeline',
      stages: defaultStages({
        // A deal worth 0 still counts, and keeps its currency listed.
        qualification: openIn(1, ['EUR', 0, 0]),
        demo: openIn(1, ['USD', 250_000, 75_000]),
        proposal: openIn(1, ['EUR', 100_000, 60_000]),
        // f passed through negotiation and was won: nothing of it is left open there.
      }),
      won: outcome(2, ['EUR', 33_300], ['USD', 10_000]),
      lost: outcome(1, ['USD', 99_900]),
    });
  });

  it('keeps currencies apart within a stage and lists them by code', async () => {
    const report = await given([
      created('a', usd(1_000)),
      created('b', eur(2_000)),
      created('c', usd(3_000)),
    ]);
    expect(report.stages[0]).toEqual({
      ...emptyStage('qualification', 'Qualification', 10),
      ...openIn(3, ['EUR', 2_000, 200], ['USD', 4_000, 400]),
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

  it('weighs exactly where deals carry their own probabilities beyond 2^53', async () => {
    const report = await given([
      created('a', eur(823_160_489_299_124), { stage: 'negotiation' }),
      created('b', eur(309_311_365_701_183), { stage: 'negotiation' }),
      created('c', eur(236_108_786_597_296), { stage: 'negotiation' }),
      overridden('a', null, 96),
      overridden('b', null, 43),
    ]);
    // (a x 96 + b x 43 + c x 80) / 100 = 1,112,124,986,256,504.93; summed in floating point: ...504.
    expect(report.stages[3]?.values).toEqual([
      { currency: 'EUR', total: 1_368_580_641_597_603, weighted: 1_112_124_986_256_505 },
    ]);
  });

  it('ignores events for unknown or closed deals and a second DealCreated, without throwing', async () => {
    const report = await given([
      advanced('ghost', 'qualification', 'demo'),
      won('ghost', eur(1), 'demo'),
      reopened('ghost', 'won', 'demo'),
      created('a', eur(100)),
      created('a', eur(999)),
      reopened('a', 'won', 'qualification'),
      lost('a', eur(100), 'qualification'),
      won('a', eur(100), 'qualification'),
      advanced('a', 'qualification', 'demo'),
      valueChanged('a', eur(100), eur(5_000)),
      ownerChanged('a', null, 'ann'),
      moved('a', { pipelineId: 'default', stage: 'qualification' }, { pipelineId: 'other', stage: 'x' }),
    ]);
    expect(report.stages.map((s) => s.openDeals)).toEqual([0, 0, 0, 0]);
    expect(report.won).toEqual(none);
    expect(report.lost).toEqual(outcome(1, ['EUR', 100]));
    expect((await given([created('a', eur(100)), lost('a', eur(100), 'qualification')])).lost).toEqual(
      report.lost,
    );
  });

  it('moves a reverted deal back to its earlier stage', async () => {
    const report = await given([
      created('a', eur(1_000)),
      advanced('a', 'qualification', 'proposal'),
      reverted('a', 'proposal', 'demo'),
    ]);
    expect(report.stages).toEqual(defaultStages({ demo: openIn(1, ['EUR', 1_000, 300]) }));
  });

  it('follows value changes, within a currency and to another, and ignores title and date changes', async () => {
    const report = await given([
      created('a', eur(1_000)),
      created('b', eur(2_000)),
      valueChanged('a', eur(1_000), eur(1_500)),
      valueChanged('b', eur(2_000), usd(7_000)),
      { type: 'DealTitleChanged', data: { dealId: 'a', from: 'Deal a', to: 'Big deal', changedAt: at } },
      {
        type: 'DealExpectedCloseDateChanged',
        data: { dealId: 'a', from: '2026-06-30', to: '2026-09-30', changedAt: at },
      },
      won('b', usd(7_000), 'qualification'),
    ]);
    expect(report.stages[0]).toEqual({
      ...emptyStage('qualification', 'Qualification', 10),
      ...openIn(1, ['EUR', 1_500, 150]),
    });
    expect(report.won).toEqual(outcome(1, ['USD', 7_000]));
  });

  it("weighs a deal with its own probability while it has one, and with its stage's once it is cleared", async () => {
    const history = [
      created('a', eur(1_000), { stage: 'demo' }),
      created('b', eur(2_000), { stage: 'demo' }),
      created('c', eur(4_000), { stage: 'demo' }),
      overridden('a', null, 95),
      overridden('b', null, 0),
    ];
    // 1,000 x 95% + 2,000 x 0% + 4,000 x 30% = 2,150.
    expect((await given(history)).stages[1]).toEqual({
      ...emptyStage('demo', 'Demo', 30),
      ...openIn(3, ['EUR', 7_000, 2_150]),
    });
    // Overrides follow the deal to the next stage: only c takes the stage's 60%.
    const movedOn = await given([
      ...history,
      advanced('a', 'demo', 'proposal'),
      advanced('c', 'demo', 'proposal'),
    ]);
    expect(movedOn.stages[1]?.values).toEqual([{ currency: 'EUR', total: 2_000, weighted: 0 }]);
    expect(movedOn.stages[2]?.values).toEqual([{ currency: 'EUR', total: 5_000, weighted: 3_350 }]);
    // Changed, then cleared: a weighs 50%, b 30% again.
    const changed = await given([...history, overridden('a', 95, 50), overridden('b', 0, null)]);
    expect(changed.stages[1]?.values).toEqual([{ currency: 'EUR', total: 7_000, weighted: 2_300 }]);
  });

  it('changes weighted values with a stage probability, without touching a deal', async () => {
    const history = [
      created('a', eur(1_000), { stage: 'demo' }),
      created('b', eur(3_000), { stage: 'demo' }),
    ];
    const change = probabilityChanged('default', 'demo', 30, 45);
    const [recordedChange] = recorded([change]);
    expect(pipelineProjection.touches(recordedChange!)).toEqual([]);
    expect(pipelineProjection.evolve(recordedChange!, () => undefined)).toEqual([]);
    const report = await given([...history, overridden('b', null, 10), change]);
    // a at the new 45%; b keeps its own 10%.
    expect(report.stages[1]).toEqual({
      ...emptyStage('demo', 'Demo', 45),
      ...openIn(2, ['EUR', 4_000, 750]),
    });
  });

  it('takes a reopened deal out of won or lost, open again where it closed with its value, owner and override', async () => {
    const history = [
      created('a', eur(1_000), { owner: 'ann' }),
      created('b', usd(2_000)),
      advanced('a', 'qualification', 'proposal'),
      overridden('a', null, 90),
      won('a', eur(1_000), 'proposal'),
      lost('b', usd(2_000), 'qualification'),
    ];
    const closed = await given(history);
    expect([closed.won, closed.lost]).toEqual([outcome(1, ['EUR', 1_000]), outcome(1, ['USD', 2_000])]);

    const report = await given(
      [...history, reopened('a', 'won', 'proposal'), reopened('b', 'lost', 'qualification')],
      {
        pipelineId: 'default',
        groupBy: 'owner',
      },
    );
    expect(report.stages).toEqual(
      defaultStages({
        qualification: openIn(1, ['USD', 2_000, 200]),
        proposal: openIn(1, ['EUR', 1_000, 900]),
      }),
    );
    expect([report.won, report.lost]).toEqual([none, none]);
    expect(report.owners?.map((o) => [o.owner, o.stages.map((s) => s.openDeals)])).toEqual([
      ['ann', [0, 0, 1, 0]],
      [null, [1, 0, 0, 0]],
    ]);
  });

  it('counts a deal lost, reopened and won once, as won, with the value it was won with', async () => {
    const report = await given([
      created('a', eur(1_000)),
      lost('a', eur(1_000), 'qualification'),
      reopened('a', 'lost', 'qualification'),
      valueChanged('a', eur(1_000), eur(1_200)),
      won('a', eur(1_200), 'qualification'),
    ]);
    expect(report.stages).toEqual(defaultStages());
    expect([report.won, report.lost]).toEqual([outcome(1, ['EUR', 1_200]), none]);
  });

  it("reports a custom pipeline's stages in its order, with its deals only, and undefined for an unknown one", async () => {
    const history: SalesEvent[] = [
      defined('enterprise', 'Enterprise', [
        stageDef('discovery', 5),
        stageDef('pilot', 40),
        stageDef('contract', 90),
      ]),
      {
        type: 'PipelineStagesReordered',
        data: {
          pipelineId: 'enterprise',
          from: ['discovery', 'pilot', 'contract'],
          to: ['pilot', 'discovery', 'contract'],
          reorderedAt: at,
        },
      },
      created('a', eur(10_000), { pipelineId: 'enterprise', stage: 'discovery' }),
      created('b', eur(20_000), { pipelineId: 'enterprise', stage: 'pilot' }),
      created('c', eur(30_000)),
      won('b', eur(20_000), 'pilot'),
    ];
    expect(await given(history, { pipelineId: 'enterprise' })).toEqual({
      position: '6',
      pipelineId: 'enterprise',
      name: 'Enterprise',
      stages: [
        emptyStage('pilot', 'PILOT', 40),
        { ...emptyStage('discovery', 'DISCOVERY', 5), ...openIn(1, ['EUR', 10_000, 500]) },
        emptyStage('contract', 'CONTRACT', 90),
      ],
      won: outcome(1, ['EUR', 20_000]),
      lost: none,
    });
    const defaultReport = await given(history);
    expect(defaultReport.stages).toEqual(defaultStages({ qualification: openIn(1, ['EUR', 30_000, 3_000]) }));
    expect(defaultReport.won).toEqual(none);

    const { documents, position } = fold(history);
    expect(await pipelineReport(documents, { pipelineId: 'nope' }, position)).toBeUndefined();
    expect(
      await pipelineReport(documents, { pipelineId: 'nope', groupBy: 'owner' }, position),
    ).toBeUndefined();
  });

  it('moves a deal between pipelines, and counts its outcome in the pipeline it closed in', async () => {
    const history: SalesEvent[] = [
      defined('enterprise', 'Enterprise', [stageDef('discovery', 5), stageDef('contract', 90)]),
      created('a', eur(10_000), { stage: 'demo', owner: 'ann' }),
      overridden('a', null, 70),
      moved('a', { pipelineId: 'default', stage: 'demo' }, { pipelineId: 'enterprise', stage: 'contract' }),
    ];
    const enterprise = await given(history, { pipelineId: 'enterprise', groupBy: 'owner' });
    expect(enterprise.stages[1]).toEqual({
      ...emptyStage('contract', 'CONTRACT', 90),
      ...openIn(1, ['EUR', 10_000, 7_000]),
    });
    expect(enterprise.owners?.map((o) => [o.owner, o.stages[1]?.openDeals])).toEqual([['ann', 1]]);
    const left = await given(history, { pipelineId: 'default', groupBy: 'owner' });
    expect(left.stages).toEqual(defaultStages());
    expect(left.owners).toEqual([]);

    const closed = [...history, won('a', eur(10_000), 'contract')];
    expect((await given(closed, { pipelineId: 'enterprise' })).won).toEqual(outcome(1, ['EUR', 10_000]));
    expect((await given(closed)).won).toEqual(none);
  });

  it('lists a retired stage, in its place, only while it holds open deals', async () => {
    const history: SalesEvent[] = [
      created('a', eur(1_000), { stage: 'demo' }),
      created('b', eur(2_000), { stage: 'demo' }),
      retired('default', 'demo'),
      retired('default', 'negotiation'),
      lost('b', eur(2_000), 'demo'),
    ];
    const report = await given(history);
    expect(report.stages).toEqual([
      emptyStage('qualification', 'Qualification', 10),
      { ...emptyStage('demo', 'Demo', 30, true), ...openIn(1, ['EUR', 1_000, 300]) },
      emptyStage('proposal', 'Proposal', 60),
    ]);
    // Emptied, it is no longer listed; a lost deal reopened there brings it back.
    const emptied = await given([...history, advanced('a', 'demo', 'proposal')]);
    expect(emptied.stages.map((s) => s.stage)).toEqual(['qualification', 'proposal']);
    const back = await given([...history, advanced('a', 'demo', 'proposal'), reopened('b', 'lost', 'demo')]);
    expect(back.stages.map((s) => [s.stage, s.retired, s.openDeals])).toEqual([
      ['qualification', false, 0],
      ['demo', true, 1],
      ['proposal', false, 1],
    ]);
  });

  it('groups by owner: owners by name, no owner last, each with the same stages and its own won and lost', async () => {
    const history: SalesEvent[] = [
      created('a', eur(1_000), { owner: 'zoe' }),
      created('b', eur(2_000), { owner: 'ann', stage: 'demo' }),
      created('c', usd(3_000), { stage: 'demo' }),
      created('d', eur(4_000), { owner: 'ann' }),
      created('e', eur(5_000), { owner: 'bob' }),
      retired('default', 'demo'),
      won('d', eur(4_000), 'qualification'),
      lost('e', eur(5_000), 'qualification'),
      // c gets an owner, a loses hers.
      ownerChanged('c', null, 'bob'),
      ownerChanged('a', 'zoe', null),
    ];
    const report = await given(history, { pipelineId: 'default', groupBy: 'owner' });
    const stages = (rows: Record<string, { openDeals: number; values: unknown[] }>) =>
      defaultStages(rows).map((s) => (s.stage === 'demo' ? { ...s, retired: true } : s));
    expect(report.owners).toEqual([
      {
        owner: 'ann',
        stages: stages({ demo: openIn(1, ['EUR', 2_000, 600]) }),
        won: outcome(1, ['EUR', 4_000]),
        lost: none,
      },
      {
        owner: 'bob',
        stages: stages({ demo: openIn(1, ['USD', 3_000, 900]) }),
        won: none,
        lost: outcome(1, ['EUR', 5_000]),
      },
      {
        owner: null,
        stages: stages({ qualification: openIn(1, ['EUR', 1_000, 100]) }),
        won: none,
        lost: none,
      },
    ]);
    // The whole pipeline is unchanged by owners; without groupBy there are no owner rows.
    const { owners, ...whole } = report;
    expect(owners).toBeDefined();
    expect(await given(history)).toEqual(whole);
  });

  it('touches the deal, then the totals it leaves and enters; nothing for lead and pipeline events', () => {
    const [event, leadEvent, pipelineEvent] = recorded([
      created('a', eur(1), { owner: 'ann' }),
      { type: 'LeadReactivated', data: { leadId: 'x', reason: 'back', reactivatedAt: at } },
      retired('default', 'demo'),
    ]);
    expect(pipelineProjection.touches(event!)).toEqual([
      { collection: 'pipeline_deals', id: 'a' },
      { collection: 'pipeline_totals', id: 'default' },
      { collection: 'pipeline_owner_totals', id: '["default","ann"]' },
    ]);
    for (const other of [leadEvent!, pipelineEvent!]) {
      expect(pipelineProjection.touches(other)).toEqual([]);
      expect(pipelineProjection.evolve(other, () => undefined)).toEqual([]);
    }
  });

  it('touches every document evolve reads, once touches is followed to a fixed point', () => {
    const documents = new MemoryDocuments();
    const stored: DocLookup = (collection, id) => documents.all(collection).find((doc) => doc.id === id);
    const events = recorded([
      defined('enterprise', 'Enterprise', [stageDef('discovery', 5), stageDef('contract', 90)]),
      created('a', eur(1_000), { owner: 'ann' }),
      created('b', usd(2_000)),
      advanced('a', 'qualification', 'proposal'),
      reverted('a', 'proposal', 'demo'),
      overridden('a', null, 50),
      valueChanged('a', eur(1_000), usd(1_100)),
      ownerChanged('a', 'ann', 'bob'),
      moved('a', { pipelineId: 'default', stage: 'demo' }, { pipelineId: 'enterprise', stage: 'contract' }),
      won('a', usd(1_100), 'contract'),
      reopened('a', 'won', 'contract'),
      lost('b', usd(2_000), 'qualification'),
      reopened('b', 'lost', 'qualification'),
      ownerChanged('b', null, 'bob'),
      won('ghost', eur(1), 'demo'),
    ]);
    for (const event of events) {
      const declared = touchedDocs(event, stored);
      const strict: DocLookup = (collection, id) => {
        const key = `${collection}/${id}`;
        if (!declared.has(key)) throw new Error(`${event.type} read ${key}, which touches did not name`);
        return declared.get(key);
      };
      expect(pipelineProjection.evolve(event, strict)).toEqual(pipelineProjection.evolve(event, stored));
      documents.apply(pipelineProjection, event);
    }
    // Every owner's row went with its last deal: ann's, and bob's in the default pipeline.
    expect(documents.all('pipeline_owner_totals').map((doc) => doc.id)).toEqual([
      '["enterprise","bob"]',
      '["default","bob"]',
    ]);
  });
});

/** What the runner loads for an event: touches, called again with what it named, until it names nothing new. */
function touchedDocs(event: RecordedEvent, stored: DocLookup): Map<string, Doc | undefined> {
  const loaded = new Map<string, Doc | undefined>();
  const lookup: DocLookup = (collection, id) => loaded.get(`${collection}/${id}`);
  for (;;) {
    const fresh = pipelineProjection
      .touches(event, lookup)
      .filter((ref) => !loaded.has(`${ref.collection}/${ref.id}`));
    if (fresh.length === 0) return loaded;
    for (const ref of fresh) loaded.set(`${ref.collection}/${ref.id}`, stored(ref.collection, ref.id));
  }
}

describe('pipeline report: rotting deals', () => {
  const rotting = (stage: string, rottenAfterDays: number | null): StageDefinition => ({
    ...stageDef(stage, 50),
    rottenAfterDays,
  });
  const createdIn = (dealId: string, stage: string, owner?: string): DealEvent => ({
    type: 'DealCreated',
    data: {
      dealId,
      leadId: `lead-of-${dealId}`,
      pipelineId: 'rot',
      title: dealId,
      value: eur(100),
      expectedCloseDate: '2026-06-30',
      ...(owner === undefined ? {} : { owner }),
      stage,
      createdAt: '2026-03-01T10:00:00.000Z',
    },
  });
  const events: SalesEvent[] = [
    defined('rot', 'Rot', [rotting('fresh', 3), rotting('slow', 10), rotting('never', null)]),
    createdIn('a', 'fresh', 'ann'),
    createdIn('b', 'fresh'),
    {
      type: 'DealNoteAdded',
      data: { dealId: 'b', noteId: 'n', text: 'x', addedAt: '2026-03-03T10:00:00.000Z' },
    },
    createdIn('c', 'slow', 'bob'),
    createdIn('d', 'never'),
    createdIn('e', 'fresh'),
    { type: 'DealLost', data: { dealId: 'e', value: eur(100), stage: 'fresh', reason: 'price', lostAt: at } },
    createdIn('f', 'fresh'),
    {
      type: 'DealActivityScheduled',
      data: {
        dealId: 'f',
        activityId: 'x',
        type: 'call',
        subject: 'call',
        dueAt: '2026-03-02T10:00:00.000Z',
        assignee: null,
        scheduledAt: '2026-03-02T10:00:00.000Z',
      },
    },
    createdIn('g', 'fresh', 'ann'),
    {
      type: 'DealActivityScheduled',
      data: {
        dealId: 'g',
        activityId: 'y',
        type: 'call',
        subject: 'call',
        dueAt: '2026-03-02T10:00:00.000Z',
        assignee: null,
        scheduledAt: '2026-03-01T11:00:00.000Z',
      },
    },
    {
      type: 'DealActivityCompleted',
      data: { dealId: 'g', activityId: 'y', type: 'call', completedAt: '2026-03-02T10:00:00.000Z' },
    },
  ];

  async function report(query: Omit<PipelineReportQuery, 'pipelineId'>): Promise<PipelineReport> {
    const documents = new MemoryDocuments();
    for (const event of recorded(events)) {
      documents.apply(pipelinesProjection, event);
      documents.apply(pipelineProjection, event);
      documents.apply(dealListProjection, event);
    }
    return (await pipelineReport(documents, { pipelineId: 'rot', ...query }, '1'))!;
  }
  const counts = (stages: readonly { stage: string; rottingDeals?: number }[]) =>
    Object.fromEntries(stages.map((s) => [s.stage, s.rottingDeals]));

  it("counts the open deals of each stage untouched for its period at the report's moment", async () => {
    // a and f (a scheduled activity is no touch) rot from 03-04 10:00; b was touched by a note, g by doing
    // an activity; e is lost; d's stage never rots.
    expect(counts((await report({ rottingAt: '2026-03-04T09:59:59.999Z' })).stages)).toEqual({
      fresh: 0,
      slow: 0,
      never: 0,
    });
    expect(counts((await report({ rottingAt: '2026-03-04T10:00:00.000Z' })).stages)).toEqual({
      fresh: 2,
      slow: 0,
      never: 0,
    });
    expect(counts((await report({ rottingAt: '2026-03-11T10:00:00.000Z' })).stages)).toEqual({
      fresh: 4,
      slow: 1,
      never: 0,
    });
  });

  it('counts them per owner too, the deals without one last', async () => {
    const grouped = await report({ rottingAt: '2026-03-11T10:00:00.000Z', groupBy: 'owner' });
    expect(grouped.owners!.map((row) => [row.owner, counts(row.stages)])).toEqual([
      ['ann', { fresh: 2, slow: 0, never: 0 }],
      ['bob', { fresh: 0, slow: 1, never: 0 }],
      [null, { fresh: 2, slow: 0, never: 0 }],
    ]);
  });

  it('counts none without a moment', async () => {
    const plain = await report({ groupBy: 'owner' });
    expect(plain.stages.every((row) => !('rottingDeals' in row))).toBe(true);
    expect(plain.owners!.every((owner) => owner.stages.every((row) => !('rottingDeals' in row)))).toBe(true);
  });
});
