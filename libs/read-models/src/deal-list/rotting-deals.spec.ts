import { type DealEvent, type DefinedPipeline, type SalesEvent, rottingSince } from '@app/domain';
import { MemoryDocuments } from '../memory-documents';
import type { CountQuery } from '../projection';
import { recorded } from '../testing/recorded';
import { DEALS, type DealDoc, dealCountsProjection, dealListProjection } from './deal-list.projection';
import { notRottingSelections, rottingDealCounts, rottingSelections, touchedBefore } from './rotting-deals';

const pipelines: DefinedPipeline[] = [
  {
    status: 'defined',
    pipelineId: 'rot',
    name: 'Rot',
    stages: [
      { stage: 'fresh', name: 'Fresh', probability: 10, rottenAfterDays: 3, retired: false },
      { stage: 'slow', name: 'Slow', probability: 50, rottenAfterDays: 10, retired: true },
      { stage: 'never', name: 'Never', probability: 90, rottenAfterDays: null, retired: false },
    ],
  },
  {
    status: 'defined',
    pipelineId: 'plain',
    name: 'Plain',
    stages: [{ stage: 'only', name: 'Only', probability: 50, rottenAfterDays: null, retired: false }],
  },
];

const created = (
  dealId: string,
  pipelineId: string,
  stage: string,
  day: number,
  owner?: string,
): DealEvent => ({
  type: 'DealCreated',
  data: {
    dealId,
    leadId: `lead-${dealId}`,
    pipelineId,
    title: dealId,
    value: { amount: 1, currency: 'EUR' },
    expectedCloseDate: '2026-12-31',
    stage,
    ...(owner === undefined ? {} : { owner }),
    createdAt: `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`,
  },
});

const history: SalesEvent[] = [
  created('a', 'rot', 'fresh', 1, 'ann'),
  created('b', 'rot', 'fresh', 5),
  created('c', 'rot', 'slow', 1, 'ann'),
  created('d', 'rot', 'never', 1),
  created('e', 'plain', 'only', 1),
  created('f', 'rot', 'fresh', 2),
  {
    type: 'DealWon',
    data: { dealId: 'f', value: { amount: 1, currency: 'EUR' }, stage: 'fresh', wonAt: 'x' },
  },
  {
    type: 'DealNoteAdded',
    data: { dealId: 'a', noteId: 'n', text: 'x', addedAt: '2026-03-06T10:00:00.000Z' },
  },
];

const documents = new MemoryDocuments();
recorded(history).forEach((event) => documents.apply(dealListProjection, event));

const rottenAfterDays = (deal: DealDoc): number | null =>
  pipelines.find((p) => p.pipelineId === deal.pipelineId)?.stages.find((s) => s.stage === deal.stage)
    ?.rottenAfterDays ?? null;

async function selected(selections: readonly CountQuery[]): Promise<string[]> {
  const ids: string[] = [];
  for (const selection of selections) {
    ids.push(...(await documents.find(DEALS, selection)).map((doc) => doc.id));
  }
  return ids.sort();
}

describe('rotting deals on the deal list', () => {
  it('is rotting from the last touch plus the period on, to the millisecond', () => {
    expect(touchedBefore('2026-03-10T10:00:00.000Z', 3)).toBe('2026-03-07T10:00:00.001Z');
  });

  it.each([
    '2026-03-01T10:00:00.000Z',
    '2026-03-04T09:59:59.999Z',
    '2026-03-04T10:00:00.000Z',
    '2026-03-09T10:00:00.000Z',
    '2026-03-11T10:00:00.000Z',
    '2026-04-30T00:00:00.000Z',
  ])('finds exactly the deals the domain says rot at %s, and the others as not rotting', async (at) => {
    const all = documents.all(DEALS) as DealDoc[];
    const expected = all
      .filter((deal) => rottingSince(deal, rottenAfterDays(deal), at) !== null)
      .map((deal) => deal.id)
      .sort();
    expect(await selected(rottingSelections(pipelines, at))).toEqual(expected);
    expect(await selected(notRottingSelections(pipelines, at))).toEqual(
      all
        .map((deal) => deal.id)
        .filter((id) => !expected.includes(id))
        .sort(),
    );
  });

  it('narrows the selections by the list filters, and drops the stages they rule out', async () => {
    const at = '2026-04-30T00:00:00.000Z';
    expect(await selected(rottingSelections(pipelines, at, { owner: 'ann' }))).toEqual(['a', 'c']);
    expect(rottingSelections(pipelines, at, { stage: 'slow' }).map((s) => s.stage)).toEqual(['slow']);
    expect(rottingSelections(pipelines, at, { pipelineId: 'plain' })).toEqual([]);
    expect(rottingSelections(pipelines, at, { status: 'won' })).toEqual([]);
    expect(await selected(notRottingSelections(pipelines, at, { status: 'won' }))).toEqual(['f']);
    expect(await selected(notRottingSelections(pipelines, at, { pipelineId: 'plain' }))).toEqual(['e']);
    // A pipeline none of whose stages rots is one query.
    expect(notRottingSelections(pipelines, at, { status: 'open', pipelineId: 'plain' })).toEqual([
      { where: { status: 'open', pipelineId: 'plain' } },
    ]);
  });

  it('counts the same on the slim deal list an as-of report folds, which keeps no titles or activities', async () => {
    const slim = new MemoryDocuments();
    recorded(history).forEach((event) => slim.apply(dealCountsProjection, event));
    for (const at of ['2026-03-04T00:00:00.000Z', '2026-03-20T00:00:00.000Z', '2026-04-30T00:00:00.000Z']) {
      for (const where of [{}, { owner: 'ann' }] as Record<string, string>[]) {
        expect(await rottingDealCounts(slim, pipelines[0]!, at, where)).toEqual(
          await rottingDealCounts(documents, pipelines[0]!, at, where),
        );
      }
    }
    const doc = slim.all(DEALS).find((d) => d.id === 'a')!;
    expect(doc).not.toHaveProperty('title');
    expect(doc['interactions']).toMatchObject({ activities: {}, engagements: [] });
  });
});
