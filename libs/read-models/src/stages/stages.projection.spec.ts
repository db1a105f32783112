import type { SalesEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import fc from 'fast-check';
import { MemoryDocuments } from '../memory-documents';
import { pipelinesProjection } from '../pipelines';
import type { Doc, DocLookup, Projection } from '../projection';
import { storedInstant } from '../report-values';
import { recorded } from '../testing/recorded';
import { medianInPlace } from './median';
import {
  STAGE_BUCKETS,
  STAGE_STAYS,
  type StageBucketDoc,
  type StageCounter,
  eventInstant,
  stagesProjection,
} from './stages.projection';
import { type StageRow, type StagesQuery, type StagesReport, stagesReport } from './stages.report';
import { recordingReader } from '../testing/recording-reader';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 2);
const iso = (time: number) => new Date(time).toISOString();

/** An event and the time it occurred: the log below carries that time in metadata and in the data. */
type Step = readonly [time: number, event: SalesEvent];

const created = (time: number, dealId: string, stage = 'qualification', pipelineId = 'default'): Step => [
  time,
  {
    type: 'DealCreated',
    data: {
      dealId,
      leadId: `lead-of-${dealId}`,
      pipelineId,
      title: dealId,
      value: { amount: 1_000, currency: 'EUR' },
      expectedCloseDate: '2026-06-30',
      stage,
      createdAt: iso(time),
    },
  },
];
const advanced = (time: number, dealId: string, from: string, to: string): Step => [
  time,
  { type: 'StageAdvanced', data: { dealId, from, to, advancedAt: iso(time) } },
];
const reverted = (time: number, dealId: string, from: string, to: string): Step => [
  time,
  { type: 'StageReverted', data: { dealId, from, to, reason: 'budget review', revertedAt: iso(time) } },
];
const won = (time: number, dealId: string, stage: string): Step => [
  time,
  { type: 'DealWon', data: { dealId, value: { amount: 1_000, currency: 'EUR' }, stage, wonAt: iso(time) } },
];
const lost = (time: number, dealId: string, stage: string): Step => [
  time,
  {
    type: 'DealLost',
    data: { dealId, value: { amount: 1_000, currency: 'EUR' }, stage, reason: 'price', lostAt: iso(time) },
  },
];
const reopened = (time: number, dealId: string, from: 'won' | 'lost', stage: string): Step => [
  time,
  { type: 'DealReopened', data: { dealId, reason: 'came back', from, stage, reopenedAt: iso(time) } },
];
const moved = (
  time: number,
  dealId: string,
  from: [pipelineId: string, stage: string],
  to: [pipelineId: string, stage: string],
): Step => [
  time,
  {
    type: 'DealMovedToPipeline',
    data: {
      dealId,
      from: { pipelineId: from[0], stage: from[1] },
      to: { pipelineId: to[0], stage: to[1] },
      movedAt: iso(time),
    },
  },
];
const defined = (time: number, pipelineId: string, name: string, stages: [string, string][]): Step => [
  time,
  {
    type: 'PipelineDefined',
    data: {
      pipelineId,
      name,
      stages: stages.map(([stage, stageName], i) => ({
        stage,
        name: stageName,
        probability: 10 * (i + 1),
        rottenAfterDays: null,
      })),
      definedAt: iso(time),
    },
  },
];

/** Records the steps as the store would, each at its own time. */
function log(steps: readonly Step[]): RecordedEvent[] {
  return recorded(steps.map(([, event]) => event)).map((event, i) => ({
    ...event,
    metadata: { ...event.metadata, occurredAt: iso(steps[i]![0]) },
  }));
}

function fold(steps: readonly Step[]): MemoryDocuments {
  const documents = new MemoryDocuments();
  for (const event of log(steps)) {
    documents.apply(pipelinesProjection, event);
    documents.apply(stagesProjection, event);
  }
  return documents;
}

async function report(steps: readonly Step[], query: StagesQuery): Promise<StagesReport | undefined> {
  return stagesReport(fold(steps), query, String(steps.length));
}

/** [entered, movedForward, movedBack, won, lost, movedOut], conversion, [stays, meanDays, medianDays]. */
const row = (
  stage: string,
  name: string,
  [entered, movedForward, movedBack, won, lost, movedOut]: number[],
  conversion: number | null,
  [stays, meanDays, medianDays]: [number, number | null, number | null] = [0, null, null],
  retired = false,
): StageRow => ({
  stage,
  name,
  retired,
  entered: entered!,
  movedForward: movedForward!,
  movedBack: movedBack!,
  won: won!,
  lost: lost!,
  movedOut: movedOut!,
  conversion,
  timeInStage: { stays, meanDays, medianDays },
});
const NONE = [0, 0, 0, 0, 0, 0];

const enterprise: Step = defined(T0 - DAY, 'enterprise', 'Enterprise', [
  ['discovery', 'Discovery'],
  ['qualification', 'Qualification'],
  ['contract', 'Contract'],
]);

/** Every way out of a stage, in two pipelines that share the slug `qualification`. */
const lifecycle: Step[] = [
  enterprise,
  // d1 goes straight through and is won.
  created(T0, 'd1'),
  advanced(T0 + DAY, 'd1', 'qualification', 'demo'),
  advanced(T0 + 3 * DAY, 'd1', 'demo', 'proposal'),
  won(T0 + 4 * DAY, 'd1', 'proposal'),
  // d2 reaches demo, goes back to qualification (a second stay there) and is lost in it.
  created(T0, 'd2'),
  advanced(T0 + 2 * DAY, 'd2', 'qualification', 'demo'),
  reverted(T0 + 3 * DAY, 'd2', 'demo', 'qualification'),
  lost(T0 + 5 * DAY, 'd2', 'qualification'),
  // d3 starts in demo and is lost there.
  created(T0, 'd3', 'demo'),
  lost(T0 + DAY, 'd3', 'demo'),
  // d4 moves to the enterprise pipeline, where it goes on and is won.
  created(T0, 'd4'),
  moved(T0 + DAY, 'd4', ['default', 'qualification'], ['enterprise', 'qualification']),
  advanced(T0 + 3 * DAY, 'd4', 'qualification', 'contract'),
  won(T0 + 4 * DAY, 'd4', 'contract'),
];

describe('stage conversion and time in stage', () => {
  it('lists every stage of the default pipeline, empty, before any deal', async () => {
    expect(await report([], { pipelineId: 'default' })).toEqual({
      position: '0',
      pipelineId: 'default',
      name: 'Default pipeline',
      from: null,
      to: null,
      stages: [
        row('qualification', 'Qualification', NONE, null),
        row('demo', 'Demo', NONE, null),
        row('proposal', 'Proposal', NONE, null),
        row('negotiation', 'Negotiation', NONE, null),
      ],
      winRate: null,
    });
  });

  it('counts each way out of a stage: forward, back, won, lost and moved to another pipeline', async () => {
    expect(await report(lifecycle, { pipelineId: 'default' })).toEqual({
      position: String(lifecycle.length),
      pipelineId: 'default',
      name: 'Default pipeline',
      from: null,
      to: null,
      stages: [
        // d1, d2 twice (created, reverted to), d4; d1 and d2 moved on, d2 was lost, d4 moved out.
        // Stays of 1, 2, 2 and 1 days.
        row('qualification', 'Qualification', [4, 2, 0, 0, 1, 1], 2 / 4, [4, 1.5, 1.5]),
        // d1 moved on, d2 went back, d3 was lost; stays of 2, 1 and 1 days.
        row('demo', 'Demo', [3, 1, 1, 0, 1, 0], 1 / 3, [3, 1.3333, 1]),
        row('proposal', 'Proposal', [1, 0, 0, 1, 0, 0], 1, [1, 1, 1]),
        row('negotiation', 'Negotiation', NONE, null),
      ],
      // d1 won; d2 and d3 lost. d4 was won in the other pipeline.
      winRate: 1 / 3,
    });
  });

  it('counts a deal moved to another pipeline as entered there, and its later moves there only', async () => {
    expect(await report(lifecycle, { pipelineId: 'enterprise' })).toEqual({
      position: String(lifecycle.length),
      pipelineId: 'enterprise',
      name: 'Enterprise',
      from: null,
      to: null,
      stages: [
        row('discovery', 'Discovery', NONE, null),
        // The same slug as in the default pipeline: only d4's stay in this pipeline, of 2 days.
        row('qualification', 'Qualification', [1, 1, 0, 0, 0, 0], 1, [1, 2, 2]),
        row('contract', 'Contract', [1, 0, 0, 1, 0, 0], 1, [1, 1, 1]),
      ],
      winRate: 1,
    });
  });

  it('keeps the win or loss of a reopened deal, and counts a new stay from the reopening', async () => {
    const steps = [
      created(T0, 'a', 'proposal'),
      won(T0 + 2 * DAY, 'a', 'proposal'),
      reopened(T0 + 5 * DAY, 'a', 'won', 'proposal'),
      lost(T0 + 6 * DAY, 'a', 'proposal'),
      created(T0, 'b', 'negotiation'),
      lost(T0 + DAY, 'b', 'negotiation'),
      reopened(T0 + 2 * DAY, 'b', 'lost', 'negotiation'),
      won(T0 + 4 * DAY, 'b', 'negotiation'),
    ];
    const before = await report(steps.slice(0, 2), { pipelineId: 'default' });
    expect(before?.stages[2]).toEqual(row('proposal', 'Proposal', [1, 0, 0, 1, 0, 0], 1, [1, 2, 2]));

    const after = await report(steps, { pipelineId: 'default' });
    expect(after?.stages.slice(2)).toEqual([
      // Stays of 2 days (to the win) and 1 day (from the reopening to the loss); the 3 days closed are no stay.
      row('proposal', 'Proposal', [2, 0, 0, 1, 1, 0], 0.5, [2, 1.5, 1.5]),
      row('negotiation', 'Negotiation', [2, 0, 0, 1, 1, 0], 0.5, [2, 1.5, 1.5]),
    ]);
    expect(after?.winRate).toBe(0.5);
  });

  it('gives the mean and median time in stage in days, for odd and even counts of stays', async () => {
    const through = (dealId: string, stage: string, next: string, ms: number): Step[] => [
      created(T0, dealId, stage),
      advanced(T0 + ms, dealId, stage, next),
    ];
    const { stages } = (await report(
      [
        // Odd: 1 hour, 2 days, 10 days.
        ...through('q1', 'qualification', 'demo', 10 * DAY),
        ...through('q2', 'qualification', 'demo', HOUR),
        ...through('q3', 'qualification', 'demo', 2 * DAY),
        // Even: 1 hour, 2 days, 3 days, 10 days.
        ...through('d1', 'demo', 'proposal', 3 * DAY),
        ...through('d2', 'demo', 'proposal', HOUR),
        ...through('d3', 'demo', 'proposal', 10 * DAY),
        ...through('d4', 'demo', 'proposal', 2 * DAY),
        // 4,319 and 4,320 ms: mean and median are 4,319.5 ms, a whole 4,320 ms, 0.00005 days: 0.0001.
        ...through('p1', 'proposal', 'negotiation', 4_319),
        ...through('p2', 'proposal', 'negotiation', 4_320),
        // One stay of 12,960 ms: exactly 0.00015 days, rounded up to 0.0002 (not 0.0001 by float error).
        created(T0, 'n1', 'negotiation'),
        won(T0 + 12_960, 'n1', 'negotiation'),
      ],
      { pipelineId: 'default' },
    ))!;
    expect(stages.map((s) => s.timeInStage)).toEqual([
      // 1,040,400,000 ms / 3 = 346,800,000 ms = 4.01388... days.
      { stays: 3, meanDays: 4.0139, medianDays: 2 },
      // 1,299,600,000 ms / 4 = 324,900,000 ms = 3.76041... days; the median is between 2 and 3 days.
      { stays: 4, meanDays: 3.7604, medianDays: 2.5 },
      { stays: 2, meanDays: 0.0001, medianDays: 0.0001 },
      { stays: 1, meanDays: 0.0002, medianDays: 0.0002 },
    ]);
    // The stays still open (q1-q3 in demo, d1-d4 in proposal, p1-p2 in negotiation) are entered, not timed.
    expect(stages.map((s) => s.entered)).toEqual([3, 7, 6, 3]);
  });

  it('times a stay from its entry to its exit in whole milliseconds, never below zero', async () => {
    const { stages } = (await report(
      [
        enterprise,
        created(T0, 'e1', 'discovery', 'enterprise'),
        // 4,319 ms is 0.0000499... days, 4,320 ms is 0.00005 days: 0 and 0.0001.
        advanced(T0 + 4_319, 'e1', 'discovery', 'qualification'),
        advanced(T0 + 4_319 + 4_320, 'e1', 'qualification', 'contract'),
        // A clock set back an hour between two processes: a stay of 0, not of minus an hour.
        lost(T0 + 4_319 + 4_320 - HOUR, 'e1', 'contract'),
      ],
      { pipelineId: 'enterprise' },
    ))!;
    expect(stages.map((s) => s.timeInStage)).toEqual([
      { stays: 1, meanDays: 0, medianDays: 0 },
      { stays: 1, meanDays: 0.0001, medianDays: 0.0001 },
      { stays: 1, meanDays: 0, medianDays: 0 },
    ]);
  });

  describe('over a period [from, to)', () => {
    const from = Date.UTC(2026, 2, 10);
    const to = Date.UTC(2026, 2, 12);
    const steps = [
      // a entered before `from`, left at `from` exactly (in), entered demo at `from` (in), won at `to` (out).
      created(from - HOUR, 'a'),
      advanced(from, 'a', 'qualification', 'demo'),
      won(to, 'a', 'demo'),
      // b entered at the last millisecond of the period; c at `to`.
      created(to - 1, 'b'),
      created(to, 'c'),
      // d came and went before the period.
      created(from - 2 * DAY, 'd', 'demo'),
      lost(from - 1, 'd', 'demo'),
    ];
    const counts = (report: StagesReport | undefined) =>
      report?.stages.map(({ stage, entered, movedForward, won, lost, timeInStage }) => [
        stage,
        [entered, movedForward, won, lost],
        timeInStage.stays,
      ]);

    it('counts entries by when they occurred and exits (with their time in stage) by when they occurred', async () => {
      const inPeriod = await report(steps, { pipelineId: 'default', from: iso(from), to: iso(to) });
      expect(inPeriod?.stages.slice(0, 2)).toEqual([
        // Entered: b. Left: a, after 1 hour (0.0417 days), though it entered before the period.
        row('qualification', 'Qualification', [1, 1, 0, 0, 0, 0], 1, [1, 0.0417, 0.0417]),
        // Entered: a. Its stay ends after the period: no time in stage yet.
        row('demo', 'Demo', [1, 0, 0, 0, 0, 0], null),
      ]);
      expect(inPeriod?.winRate).toBeNull();
    });

    it('leaves either end open when it is not given', async () => {
      expect(counts(await report(steps, { pipelineId: 'default', to: iso(to) }))).toEqual([
        ['qualification', [2, 1, 0, 0], 1],
        ['demo', [2, 0, 0, 1], 1],
        ['proposal', [0, 0, 0, 0], 0],
        ['negotiation', [0, 0, 0, 0], 0],
      ]);
      expect(counts(await report(steps, { pipelineId: 'default', from: iso(from) }))).toEqual([
        ['qualification', [2, 1, 0, 0], 1],
        ['demo', [1, 0, 1, 0], 1],
        ['proposal', [0, 0, 0, 0], 0],
        ['negotiation', [0, 0, 0, 0], 0],
      ]);
    });

    it('reads from and to as instants, whatever their offset or precision, and says which it used', async () => {
      const normalized = await report(steps, { pipelineId: 'default', from: iso(from), to: iso(to) });
      const offset = await report(steps, {
        pipelineId: 'default',
        from: '2026-03-10T01:00:00+01:00',
        to: '2026-03-12T00:00:00Z',
      });
      expect(offset).toEqual(normalized);
      expect([offset?.from, offset?.to]).toEqual(['2026-03-10T00:00:00.000Z', '2026-03-12T00:00:00.000Z']);
    });

    it('counts nothing in an empty or reversed period, or one beyond the years event times are in', async () => {
      for (const period of [
        { from: iso(from), to: iso(from) },
        { from: iso(to), to: iso(from) },
        { from: '+010000-01-01T00:00:00.000Z' },
        { to: '-000001-01-01T00:00:00.000Z' },
      ]) {
        const empty = await report(steps, { pipelineId: 'default', ...period });
        expect(
          counts(empty)?.every(([, c, stays]) => (c as number[]).every((n) => n === 0) && stays === 0),
        ).toBe(true);
      }
      // A bound before year 0 or after year 9999 leaves that end open.
      expect(
        await report(steps, {
          pipelineId: 'default',
          from: '-000001-01-01T00:00:00.000Z',
          to: '+010000-01-01T00:00:00.000Z',
        }),
      ).toMatchObject({ stages: (await report(steps, { pipelineId: 'default' }))!.stages });
    });

    it('throws a RangeError for a from or to that is not an instant', async () => {
      await expect(report(steps, { pipelineId: 'default', from: 'yesterday' })).rejects.toThrow(RangeError);
      await expect(report(steps, { pipelineId: 'default', to: '2026-13-45T00:00:00Z' })).rejects.toThrow(
        RangeError,
      );
    });
  });

  it('lists the stages in the order, with the names and retirements, in effect at the report', async () => {
    const pipeline = 'partners';
    const steps: Step[] = [
      defined(T0, pipeline, 'Partners', [
        ['intro', 'Intro'],
        ['pitch', 'Pitch'],
        ['signed', 'Signed'],
      ]),
      created(T0, 'p1', 'intro', pipeline),
      advanced(T0 + DAY, 'p1', 'intro', 'pitch'),
      lost(T0 + 2 * DAY, 'p1', 'pitch'),
      [
        T0 + 3 * DAY,
        {
          type: 'PipelineStagesReordered',
          data: {
            pipelineId: pipeline,
            from: ['intro', 'pitch', 'signed'],
            to: ['pitch', 'intro', 'signed'],
            reorderedAt: iso(T0 + 3 * DAY),
          },
        },
      ],
      [
        T0 + 3 * DAY,
        {
          type: 'PipelineStageRenamed',
          data: {
            pipelineId: pipeline,
            stage: 'intro',
            from: 'Intro',
            to: 'Introduction',
            changedAt: iso(T0),
          },
        },
      ],
      [
        T0 + 3 * DAY,
        { type: 'PipelineStageRetired', data: { pipelineId: pipeline, stage: 'intro', retiredAt: iso(T0) } },
      ],
    ];
    expect((await report(steps, { pipelineId: pipeline }))?.stages).toEqual([
      row('pitch', 'Pitch', [1, 0, 0, 0, 1, 0], 0, [1, 1, 1]),
      // Retired, still listed with what happened in it.
      row('intro', 'Introduction', [1, 1, 0, 0, 0, 0], 1, [1, 1, 1], true),
      row('signed', 'Signed', NONE, null),
    ]);
  });

  it('answers undefined for an unknown pipeline', async () => {
    expect(await report(lifecycle, { pipelineId: 'nope' })).toBeUndefined();
  });

  it('reads whole months and days from month buckets, and only the partial days at the edges stay by stay', async () => {
    const { reader, queries } = recordingReader(fold(lifecycle));
    const key = (gte: string, lt: string) => ({ range: { field: 'key', gte, lt } });
    const stays = (field: string, gte: string, lt: string) => ({ range: { field, gte, lt } });
    await stagesReport(reader, { pipelineId: 'default' }, '1');
    await stagesReport(reader, { pipelineId: 'default', from: '2026-03-02T00:00:00.000Z' }, '1');
    await stagesReport(
      reader,
      { pipelineId: 'enterprise', from: '2026-01-15T10:00:00.000Z', to: '2026-03-03T12:00:00.000Z' },
      '1',
    );
    expect(queries).toEqual([
      // All time: the months alone.
      [STAGE_BUCKETS, key('default|month:', 'default|month;')],
      // From a day on: its month (for the days left in it) and every month after.
      [STAGE_BUCKETS, key('default|month:2026-03', 'default|month;')],
      // Instants inside days: the months from the first whole day's to the last's, and the stays of the two
      // partial days.
      [STAGE_BUCKETS, key('enterprise|month:2026-01', 'enterprise|month:2026-04')],
      [
        STAGE_STAYS,
        stays(
          'pipelineEnteredAt',
          'enterprise|2026-01-15T10:00:00.000Z',
          'enterprise|2026-01-16T00:00:00.000Z',
        ),
      ],
      [
        STAGE_STAYS,
        stays('pipelineLeftAt', 'enterprise|2026-01-15T10:00:00.000Z', 'enterprise|2026-01-16T00:00:00.000Z'),
      ],
      [
        STAGE_STAYS,
        stays(
          'pipelineEnteredAt',
          'enterprise|2026-03-03T00:00:00.000Z',
          'enterprise|2026-03-03T12:00:00.000Z',
        ),
      ],
      [
        STAGE_STAYS,
        stays('pipelineLeftAt', 'enterprise|2026-03-03T00:00:00.000Z', 'enterprise|2026-03-03T12:00:00.000Z'),
      ],
    ]);
    const indexed = (name: string) =>
      stagesProjection.collections.find((c) => c.name === name)?.indexes.map((i) => i.field);
    expect(indexed(STAGE_STAYS)).toEqual(expect.arrayContaining(['pipelineEnteredAt', 'pipelineLeftAt']));
    expect(indexed(STAGE_BUCKETS)).toEqual(['key']);
  });

  it('reads a bound beyond the years a period is split in stay by stay, and nothing for an empty period', async () => {
    const { reader, queries } = recordingReader(fold(lifecycle));
    await stagesReport(reader, { pipelineId: 'default', from: '2026-03-05', to: '2026-03-05' }, '1');
    expect(queries).toEqual([]);
    // December 9999 and the years before 1000 are read from the stays (none are there), the rest from buckets.
    await stagesReport(reader, { pipelineId: 'default', from: '9999-12-15T00:00:00.000Z' }, '1');
    await stagesReport(reader, { pipelineId: 'default', from: '0999-12-15', to: '2026-04-01' }, '1');
    expect(
      queries.map(([collection, { range }]) => [collection, range?.field, range?.gte, range?.lt]),
    ).toEqual([
      [STAGE_STAYS, 'pipelineEnteredAt', 'default|9999-12-15T00:00:00.000Z', 'default}'],
      [STAGE_STAYS, 'pipelineLeftAt', 'default|9999-12-15T00:00:00.000Z', 'default}'],
      [STAGE_BUCKETS, 'key', 'default|month:1000-01', 'default|month:2026-04'],
      [
        STAGE_STAYS,
        'pipelineEnteredAt',
        'default|0999-12-15T00:00:00.000Z',
        'default|1000-01-01T00:00:00.000Z',
      ],
      [STAGE_STAYS, 'pipelineLeftAt', 'default|0999-12-15T00:00:00.000Z', 'default|1000-01-01T00:00:00.000Z'],
    ]);
  });

  it('counts each stay in the month bucket of its pipeline, on the day of its entry and of its exit', () => {
    const documents = fold([
      ...lifecycle,
      // A stay entered in March and ended in April: entered in March, timed in April.
      created(Date.UTC(2026, 2, 31, 23), 'late'),
      lost(Date.UTC(2026, 3, 1, 1), 'late', 'qualification'),
    ]);
    const bucket = (key: string) =>
      documents.all(STAGE_BUCKETS).find((doc) => doc.id === key) as StageBucketDoc;
    /** One stage's counts over the days of a month bucket (or one day of it), durations sorted. */
    const counts = (key: string, stage: string, day?: string) => {
      const all = bucket(key)
        .days.filter((d) => day === undefined || d.day === day)
        .flatMap((d) => d.stages.filter((c) => c.stage === stage));
      const sum = (counter: StageCounter) => all.reduce((total, c) => total + c[counter], 0);
      return {
        entered: sum('entered'),
        movedForward: sum('movedForward'),
        movedBack: sum('movedBack'),
        won: sum('won'),
        lost: sum('lost'),
        movedOut: sum('movedOut'),
        durations: all.flatMap((c) => c.durations.flat()).sort((a, b) => a - b),
      };
    };
    expect(bucket('default|month:2026-03')).toMatchObject({
      pipelineId: 'default',
      month: '2026-03',
      key: 'default|month:2026-03',
    });
    // The days with a stay begun or ended, in order.
    expect(bucket('default|month:2026-03').days.map((d) => d.day)).toEqual([
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-31',
    ]);
    // d1, d2 (twice), d4 and late entered; d1 and d2 moved on, d2 was lost, d4 moved out, after 1, 2, 2 and 1 days.
    expect(counts('default|month:2026-03', 'qualification')).toEqual({
      entered: 5,
      movedForward: 2,
      movedBack: 0,
      won: 0,
      lost: 1,
      movedOut: 1,
      durations: [DAY, DAY, 2 * DAY, 2 * DAY],
    });
    expect(counts('default|month:2026-04', 'qualification')).toMatchObject({
      entered: 0,
      lost: 1,
      durations: [2 * HOUR],
    });
    // d4 moved out of default and into enterprise on one day: each pipeline's bucket counts its side.
    expect(counts('default|month:2026-03', 'qualification', '2026-03-03')).toMatchObject({
      entered: 0,
      movedForward: 1,
      movedOut: 1,
    });
    expect(counts('enterprise|month:2026-03', 'qualification', '2026-03-03')).toMatchObject({
      entered: 1,
      movedOut: 0,
    });
  });

  it('keeps a day’s durations in runs of distinct power-of-two lengths, longest first', () => {
    const steps = Array.from({ length: 11 }, (_, i) => [
      created(T0, `r${i}`),
      advanced(T0 + (i + 1) * HOUR, `r${i}`, 'qualification', 'demo'),
    ]).flat();
    const month = fold(steps)
      .all(STAGE_BUCKETS)
      .find((doc) => doc.id === 'default|month:2026-03') as StageBucketDoc;
    const { durations } = month.days[0]!.stages.find((c) => c.stage === 'qualification')!;
    // 11 = 8 + 2 + 1, in the order the stays ended.
    expect(durations.map((run) => run.length)).toEqual([8, 2, 1]);
    expect(durations.flat()).toEqual(Array.from({ length: 11 }, (_, i) => (i + 1) * HOUR));
  });

  it('ignores events of unknown deals, repeated creations, reopenings of open deals and field changes', async () => {
    const steps: Step[] = [
      advanced(T0, 'ghost', 'qualification', 'demo'),
      won(T0, 'ghost', 'demo'),
      reopened(T0, 'ghost', 'won', 'demo'),
      created(T0, 'a'),
      created(T0 + HOUR, 'a', 'demo'),
      reopened(T0 + HOUR, 'a', 'lost', 'demo'),
      [
        T0 + HOUR,
        { type: 'DealTitleChanged', data: { dealId: 'a', from: 'a', to: 'A', changedAt: iso(T0) } },
      ],
      lost(T0 + DAY, 'a', 'qualification'),
      lost(T0 + 2 * DAY, 'a', 'qualification'),
    ];
    expect((await report(steps, { pipelineId: 'default' }))?.stages.slice(0, 2)).toEqual([
      row('qualification', 'Qualification', [1, 0, 0, 0, 1, 0], 0, [1, 1, 1]),
      row('demo', 'Demo', NONE, null),
    ]);
  });

  it('touches every document evolve reads, once touches is followed to a fixed point', () => {
    const documents = new MemoryDocuments();
    const stored: DocLookup = (collection, id) => documents.all(collection).find((doc) => doc.id === id);
    for (const event of log([
      ...lifecycle,
      reopened(T0 + 6 * DAY, 'd1', 'won', 'proposal'),
      won(T0 + 7 * DAY, 'ghost', 'x'),
    ])) {
      const declared = touchedDocs(stagesProjection, event, stored);
      const strict: DocLookup = (collection, id) => {
        const key = `${collection}/${id}`;
        if (!declared.has(key)) throw new Error(`${event.type} read ${key}, which touches did not name`);
        return declared.get(key);
      };
      expect(stagesProjection.evolve(event, strict)).toEqual(stagesProjection.evolve(event, stored));
      documents.apply(stagesProjection, event);
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

describe('stage conversion and time in stage (property)', () => {
  const PIPELINES: Record<string, readonly string[]> = {
    default: ['qualification', 'demo', 'proposal', 'negotiation'],
    enterprise: ['discovery', 'qualification', 'contract'],
  };
  const MINUTE = 60_000;
  type Action = 'move' | 'win' | 'lose' | 'reopen' | 'switch';
  interface Plan {
    readonly pipelineId: string;
    readonly stage: number;
    readonly start: number;
    readonly actions: readonly (readonly [Action, number, number])[];
  }
  interface Stay {
    readonly pipelineId: string;
    readonly stage: string;
    readonly enteredAt: number;
    leftAt?: number;
    exit?: 'movedForward' | 'movedBack' | 'won' | 'lost' | 'movedOut';
  }

  const plan: fc.Arbitrary<Plan> = fc.record({
    pipelineId: fc.constantFrom('default', 'enterprise'),
    stage: fc.nat(3),
    // Often within days of each other, sometimes weeks apart: periods then hold whole days and months.
    start: fc.oneof(fc.integer({ min: 0, max: 6 * 24 * 4 }), fc.integer({ min: 0, max: 60 * 24 * 4 })),
    actions: fc.array(
      fc.tuple(
        fc.constantFrom<Action>('move', 'move', 'move', 'win', 'lose', 'reopen', 'switch'),
        fc.nat(20),
        // Minutes until the action: often none, so that entries and exits share instants and bounds.
        fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: 3 * 24 * 60 }),
          fc.integer({ min: 1, max: 20 * 24 * 60 }),
        ),
      ),
      { maxLength: 8 },
    ),
  });

  /** The plans' valid steps (invalid actions skipped, as the API would refuse them), and each deal's stays. */
  function history(plans: readonly Plan[]): { steps: Step[]; stays: Stay[] } {
    const steps: Step[] = [enterprise];
    const stays: Stay[] = [];
    plans.forEach((p, i) => {
      const dealId = `deal-${i}`;
      let time = T0 + p.start * 15 * MINUTE;
      let pipelineId = p.pipelineId;
      let stages = PIPELINES[pipelineId]!;
      let stage = stages[p.stage % stages.length]!;
      let open = true;
      let closedAs: 'won' | 'lost' = 'won';
      let current: Stay = { pipelineId, stage, enteredAt: time };
      stays.push(current);
      steps.push(created(time, dealId, stage, pipelineId));
      const end = (exit: NonNullable<Stay['exit']>) => {
        current.leftAt = time;
        current.exit = exit;
      };
      const begin = () => {
        current = { pipelineId, stage, enteredAt: time };
        stays.push(current);
      };
      for (const [action, pick, minutes] of p.actions) {
        time += minutes * MINUTE;
        if (action === 'reopen') {
          if (open) continue;
          steps.push(reopened(time, dealId, closedAs, stage));
          open = true;
          begin();
          continue;
        }
        if (!open) continue;
        if (action === 'move') {
          const to = stages[pick % stages.length]!;
          if (to === stage) continue;
          const forward = stages.indexOf(to) > stages.indexOf(stage);
          steps.push(forward ? advanced(time, dealId, stage, to) : reverted(time, dealId, stage, to));
          end(forward ? 'movedForward' : 'movedBack');
          stage = to;
          begin();
        } else if (action === 'win' || action === 'lose') {
          steps.push(action === 'win' ? won(time, dealId, stage) : lost(time, dealId, stage));
          closedAs = action === 'win' ? 'won' : 'lost';
          end(closedAs);
          open = false;
        } else {
          const target = pipelineId === 'default' ? 'enterprise' : 'default';
          const to = PIPELINES[target]![pick % PIPELINES[target]!.length]!;
          steps.push(moved(time, dealId, [pipelineId, stage], [target, to]));
          end('movedOut');
          pipelineId = target;
          stages = PIPELINES[target]!;
          stage = to;
          begin();
        }
      }
    });
    return { steps, stays };
  }

  const days = (ms: number) => Math.round(ms / 8_640) / 10_000;
  const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

  /** The report by its definition, from the list of stays. */
  function expected(stays: readonly Stay[], pipelineId: string, from?: number, to?: number) {
    const inPeriod = (time: number | undefined) =>
      time !== undefined && (from === undefined || time >= from) && (to === undefined || time < to);
    const rows = PIPELINES[pipelineId]!.map((stage) => {
      const these = stays.filter((s) => s.pipelineId === pipelineId && s.stage === stage);
      const ended = these.filter((s) => inPeriod(s.leftAt));
      const count = (exit: Stay['exit']) => ended.filter((s) => s.exit === exit).length;
      const [movedForward, movedBack, won, lost, movedOut] = [
        count('movedForward'),
        count('movedBack'),
        count('won'),
        count('lost'),
        count('movedOut'),
      ];
      const ms = ended.map((s) => s.leftAt! - s.enteredAt).sort((a, b) => a - b);
      const mid = ms.length >> 1;
      const median = ms.length % 2 ? ms[mid]! : Math.round((ms[mid - 1]! + ms[mid]!) / 2);
      return {
        stage,
        entered: these.filter((s) => inPeriod(s.enteredAt)).length,
        movedForward,
        movedBack,
        won,
        lost,
        movedOut,
        conversion: ratio(movedForward + won, ended.length),
        timeInStage: {
          stays: ms.length,
          meanDays: ms.length ? days(Math.round(ms.reduce((a, b) => a + b, 0) / ms.length)) : null,
          medianDays: ms.length ? days(median) : null,
        },
      };
    });
    const won = rows.reduce((sum, r) => sum + r.won, 0);
    const lost = rows.reduce((sum, r) => sum + r.lost, 0);
    return { stages: rows, winRate: ratio(won, won + lost) };
  }

  const bound = fc.option(
    fc
      .oneof(fc.integer({ min: -4, max: 12 * 24 * 4 }), fc.integer({ min: -40 * 24 * 4, max: 120 * 24 * 4 }))
      .map((q) => T0 + q * 15 * MINUTE),
    { nil: undefined },
  );

  it('equals a plain count over the stays of any valid history, for any pipeline, from and to', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(plan, { maxLength: 12 }),
        fc.array(fc.tuple(fc.constantFrom('default', 'enterprise'), bound, bound), {
          minLength: 1,
          maxLength: 4,
        }),
        async (plans, queries) => {
          const { steps, stays } = history(plans);
          const documents = fold(steps);
          for (const [pipelineId, from, to] of queries) {
            const answer = await stagesReport(
              documents,
              {
                pipelineId,
                ...(from === undefined ? {} : { from: iso(from) }),
                ...(to === undefined ? {} : { to: iso(to) }),
              },
              '1',
            );
            expect(answer).toMatchObject(expected(stays, pipelineId, from, to));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('median of the durations', () => {
  it('equals the middle of the sorted values (the rounded mean of the two middle ones for an even count)', () => {
    const values = fc.oneof(
      fc.array(fc.nat(5), { minLength: 1, maxLength: 200 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 200 }),
      fc.array(fc.integer({ min: 0, max: 2 ** 52 }), { minLength: 1, maxLength: 50 }),
      fc.integer({ min: 1, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => i)),
      fc.integer({ min: 1, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => n - i)),
    );
    fc.assert(
      fc.property(values, (list) => {
        const sorted = [...list].sort((a, b) => a - b);
        const middle = sorted.length >> 1;
        const expected =
          sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
        expect(medianInPlace(Float64Array.from(list))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the time an event is placed at', () => {
  it('is storedInstant of its occurredAt, whether the store wrote it as toISOString does or not', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const written = fc
      .tuple(
        fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1900, 2000, 2024, 2025, 2100)),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom('Z', '+01:00', ''),
      )
      .map(
        ([year, month, day, hour, minute, second, ms, zone]) =>
          `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}${zone}`,
      );
    fc.assert(
      fc.property(fc.oneof(written, fc.string()), (occurredAt) => {
        expect(eventInstant(occurredAt)).toBe(storedInstant(occurredAt));
      }),
      { numRuns: 2000 },
    );
    for (const day of ['2024-02-29', '2000-02-29', '1900-02-29', '2025-02-29', '2025-04-31', '0000-02-29']) {
      expect(eventInstant(`${day}T12:00:00.000Z`)).toBe(storedInstant(`${day}T12:00:00.000Z`));
    }
  });
});
