import {
  type EventStore,
  type Position,
  type RecordedEvent,
  START,
  SqliteEventStore,
} from '@app/event-store';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { dealCountsProjection } from '../deal-list';
import { forecastReport } from '../forecast';
import { funnelReport } from '../funnel';
import { lossesReport } from '../losses';
import { MemoryDocuments } from '../memory-documents';
import { pipelineReport } from '../pipeline';
import type { DocumentReader, Projection } from '../projection';
import { PROJECTIONS } from '../projections';
import { stagesReport } from '../stages';
import { type Append, PIPELINE_IDS, SOURCES, actionsArbitrary, historyOf, write } from '../testing/histories';
import type { AsOfSnapshots } from './as-of-snapshots.port';
import { SnapshotFold } from './snapshot-fold';
import { SnapshotKeeper, keptForAsOf } from './snapshot-keeper';
import { SqliteAsOfSnapshots } from './sqlite-as-of-snapshots';

/*
 * Random histories (testing/histories), some events recorded with an occurredAt earlier or later than their
 * neighbours' (a clock off, an import), folded as of random moments: from the keeper's snapshots (cut every
 * few events, so that there are many) and the events after them, the documents and every report must be
 * exactly those of the whole log folded up to the moment, the reference the service had before snapshots.
 */

const KEPT = keptForAsOf(PROJECTIONS);
const START_TIME = Date.UTC(2026, 2, 1);
const MINUTE = 60_000;

/** The reference: every event that had occurred by the moment, in log order, folded in memory. */
async function fullFold(
  events: EventStore,
  projections: readonly Projection[],
  asOf: Date,
): Promise<{ documents: MemoryDocuments; position: Position }> {
  const documents = new MemoryDocuments();
  const until = asOf.toISOString();
  let position = START;
  for (const event of await events.readAll({ maxCount: 1_000_000, occurredUntil: until })) {
    for (const projection of projections) documents.apply(projection, event);
    position = event.position;
  }
  return { documents, position };
}

/** Everything a reader answers for these projections: every document of every collection, and every report. */
async function everything(reader: DocumentReader, projections: readonly Projection[], position: string) {
  const collections: Record<string, unknown> = {};
  for (const projection of projections) {
    for (const { name } of projection.collections) {
      const docs = await reader.find(name, { orderBy: { field: 'id', direction: 'asc' } });
      collections[name] = {
        docs,
        count: await reader.count(name, {}),
        gets: await Promise.all([...docs.map((d) => d.id), 'nobody'].map((id) => reader.get(name, id))),
      };
    }
  }
  const names = new Set(projections.map((p) => p.name));
  const reports: Record<string, unknown> = { position };
  for (const pipelineId of PIPELINE_IDS) {
    if (names.has('pipeline'))
      reports[`pipeline ${pipelineId}`] = await pipelineReport(reader, { pipelineId }, position);
    if (names.has('stages'))
      reports[`stages ${pipelineId}`] = await stagesReport(reader, { pipelineId }, position);
    if (names.has('forecast')) {
      reports[`forecast ${pipelineId}`] = await forecastReport(
        reader,
        { pipelineId, groupBy: 'owner' },
        position,
      );
    }
  }
  if (names.has('funnel')) {
    reports['funnel'] = await funnelReport(reader, {}, position);
    reports['funnel referral'] = await funnelReport(reader, { source: SOURCES[1] }, position);
  }
  if (names.has('losses')) reports['losses'] = await lossesReport(reader, {}, position);
  return { collections, reports };
}

/** Moves some events' occurredAt by whole minutes (either way), so that the log is not in time order. */
function withClockSkew(appends: readonly Append[], skews: readonly number[]): Append[] {
  let n = 0;
  return appends.map((append) => ({
    ...append,
    events: append.events.map((event) => {
      const skew = skews[n++ % skews.length]!;
      if (skew === 0) return event;
      const at = Date.parse(event.metadata.occurredAt) + skew * MINUTE;
      return { ...event, metadata: { ...event.metadata, occurredAt: new Date(at).toISOString() } };
    }),
  }));
}

/** A moment: an event's time, a millisecond either side of it, or before or after the whole history. */
const momentArbitrary: fc.Arbitrary<Moment> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(-1, 0, 1)) },
  { weight: 1, arbitrary: fc.constant('before' as const) },
  { weight: 1, arbitrary: fc.constant('after' as const) },
);

type Moment = [number, number] | 'before' | 'after';

function momentOf(moment: Moment, log: readonly RecordedEvent[]): Date {
  if (moment === 'before') return new Date(START_TIME - 365 * 24 * 60 * MINUTE);
  if (moment === 'after') return new Date(Date.UTC(2030, 0, 1));
  const [index, shift] = moment;
  const event = log[index % Math.max(log.length, 1)];
  return new Date((event ? Date.parse(event.metadata.occurredAt) : START_TIME) + shift);
}

const skewsArbitrary = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: -600, max: 600 }) },
  ),
  { minLength: 1, maxLength: 40 },
);

interface World {
  readonly events: SqliteEventStore;
  readonly snapshots: AsOfSnapshots;
  readonly close: () => void;
}

function openWorld(): World {
  const eventsDb = new Database(':memory:');
  const snapshotsDb = new Database(':memory:');
  return {
    events: new SqliteEventStore(eventsDb),
    snapshots: new SqliteAsOfSnapshots(snapshotsDb),
    close: () => {
      eventsDb.close();
      snapshotsDb.close();
    },
  };
}

/** The answer from snapshots equals the full fold's, for these projections, at each moment. */
async function expectExactAt(world: World, projections: readonly Projection[], moments: readonly Date[]) {
  const fold = new SnapshotFold(world.events, world.snapshots);
  for (const asOf of moments) {
    const reference = await fullFold(world.events, projections, asOf);
    const expected = await everything(reference.documents, projections, reference.position.toString());
    const answer = await fold.read(projections, asOf, (reader, position) =>
      everything(reader, projections, position.toString()),
    );
    expect(answer).toEqual({ value: expected });
  }
}

describe('as of a moment, from snapshots (property)', () => {
  it('answers exactly what folding the whole log up to the moment answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        actionsArbitrary(80),
        skewsArbitrary,
        fc.integer({ min: 1, max: 12 }),
        fc.array(momentArbitrary, { minLength: 1, maxLength: 4 }),
        async (actions, skews, every, momentSeeds) => {
          const world = openWorld();
          try {
            await write(world.events, withClockSkew(historyOf(actions, START_TIME), skews));
            // Few documents held in memory: most are read back from the snapshots as the keeper folds.
            const keeper = new SnapshotKeeper(world.events, world.snapshots, KEPT, { every, recent: 5 });
            await keeper.load();
            await keeper.catchUp();
            const log = await world.events.readAll({ maxCount: 1_000_000 });
            const moments = momentSeeds.map((seed) => momentOf(seed, log));
            await expectExactAt(world, KEPT, moments);
            // As the service asks for the pipeline report: beside the pipelines' configuration and the deal counts.
            const asked = ['pipelines', 'pipeline', 'deal-list'].map((name) =>
              KEPT.find((p) => p.name === name)!,
            );
            expect(asked[2]).toBe(dealCountsProjection);
            await expectExactAt(world, asked, moments);
          } finally {
            world.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stays exact when the keeper restarts between two snapshots and the log grows meanwhile', async () => {
    await fc.assert(
      fc.asyncProperty(
        actionsArbitrary(60),
        skewsArbitrary,
        fc.integer({ min: 2, max: 9 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(momentArbitrary, { minLength: 1, maxLength: 3 }),
        async (actions, skews, every, split, momentSeeds) => {
          const world = openWorld();
          try {
            const appends = withClockSkew(historyOf(actions, START_TIME), skews);
            const cutAt = Math.floor(appends.length * split);
            await write(world.events, appends.slice(0, cutAt));
            const first = new SnapshotKeeper(world.events, world.snapshots, KEPT, { every });
            await first.load();
            await first.catchUp();
            // It stops with events folded since its last snapshot, held in memory only.
            await write(world.events, appends.slice(cutAt));
            const second = new SnapshotKeeper(world.events, world.snapshots, KEPT, { every });
            await second.load();
            await second.catchUp();
            const log = await world.events.readAll({ maxCount: 1_000_000 });
            await expectExactAt(
              world,
              KEPT,
              momentSeeds.map((seed) => momentOf(seed, log)),
            );
          } finally {
            world.close();
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("drops a projection's snapshots at a new version and stays exact before, while and after it is folded again", async () => {
    await fc.assert(
      fc.asyncProperty(
        actionsArbitrary(60),
        skewsArbitrary,
        fc.integer({ min: 2, max: 9 }),
        fc.array(momentArbitrary, { minLength: 1, maxLength: 3 }),
        async (actions, skews, every, momentSeeds) => {
          const world = openWorld();
          try {
            await write(world.events, withClockSkew(historyOf(actions, START_TIME), skews));
            const before = new SnapshotKeeper(world.events, world.snapshots, KEPT, { every });
            await before.load();
            await before.catchUp();
            const log = await world.events.readAll({ maxCount: 1_000_000 });
            const moments = momentSeeds.map((seed) => momentOf(seed, log));

            // The pipeline projection changes: the reader already has the new version, the snapshots the old.
            const bumped = KEPT.map((p) => (p.name === 'pipeline' ? { ...p, version: p.version + 1 } : p));
            await expectExactAt(world, bumped, moments);

            const after = new SnapshotKeeper(world.events, world.snapshots, bumped, { every });
            await after.load();
            expect(await world.snapshots.lastCut('pipeline')).toBeUndefined();
            expect((await world.snapshots.keptOf('pipeline'))?.version).toBe(
              bumped.find((p) => p.name === 'pipeline')!.version,
            );
            // Half-way through folding it again.
            await after.step();
            await expectExactAt(world, bumped, moments);
            await after.catchUp();
            await expectExactAt(world, bumped, moments);

            // A projection no longer kept: its snapshots are dropped, and it is folded from the log.
            const fewer = new SnapshotKeeper(
              world.events,
              world.snapshots,
              bumped.filter((p) => p.name !== 'losses'),
              {
                every,
              },
            );
            await fewer.load();
            expect(await world.snapshots.keptOf('losses')).toBeUndefined();
            expect(await world.snapshots.lastCut('losses')).toBeUndefined();
            await expectExactAt(world, bumped, moments);
          } finally {
            world.close();
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
