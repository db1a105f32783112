import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import fc from 'fast-check';
import { MemoryDocuments } from './memory-documents';
import type { Doc, Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { PROJECTIONS } from './projections';
import type { ReadStore, ReadStoreCommit } from './read-store.port';
import { SqliteReadStore } from './sqlite/sqlite-read-store';
import { actionArbitrary, actionsArbitrary, historyOf, write } from './testing/histories';

/** A read store that "crashes" at chosen commits: before writing, or after writing but before answering. */
class CrashingReadStore extends SqliteReadStore {
  commits = 0;
  constructor(
    db: ReturnType<typeof openSqliteDatabase>,
    private readonly crashes: Map<number, 'before' | 'after'>,
  ) {
    super(db);
  }
  override async commit(commit: ReadStoreCommit): Promise<void> {
    const n = this.commits++;
    const crash = this.crashes.get(n);
    this.crashes.delete(n);
    if (crash === 'before') throw new Error(`crash before commit ${n}`);
    await super.commit(commit);
    if (crash === 'after') throw new Error(`crash after commit ${n}`);
  }
}

async function everything(store: ReadStore, projections: readonly Projection[]) {
  const result: Record<string, Doc[]> = {};
  for (const projection of projections) {
    for (const { name } of projection.collections) {
      result[name] = (await store.find(name, {})).sort((a, b) => (a.id < b.id ? -1 : 1));
    }
  }
  return result;
}

describe('ProjectionRunner', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('an incremental build with crashes and restarts at random moments equals a full rebuild and the pure fold', async () => {
    await fc.assert(
      fc.asyncProperty(
        actionsArbitrary(80),
        fc.integer({ min: 1, max: 15 }),
        fc.array(fc.tuple(fc.nat(40), fc.constantFrom('before' as const, 'after' as const)), {
          maxLength: 6,
        }),
        async (actions, batchSize, crashList) => {
          const run = mkdtempSync(join(dir, 'run-'));
          const eventsDb = openSqliteDatabase(join(run, 'events.sqlite'));
          const events = new SqliteEventStore(eventsDb);
          const incrementalDb = openSqliteDatabase(join(run, 'incremental.sqlite'));
          const rebuiltDb = openSqliteDatabase(join(run, 'rebuilt.sqlite'));
          try {
            const history = historyOf(actions);
            // Half the history is in the log before the first start, the rest arrives while it runs.
            const half = Math.floor(history.length / 2);
            await write(events, history.slice(0, half));

            const crashes = new Map(crashList);
            const incremental = new CrashingReadStore(incrementalDb, crashes);
            let restarts = 0;
            const catchUp = async () => {
              for (;;) {
                try {
                  await new ProjectionRunner(events, incremental, PROJECTIONS, { batchSize }).catchUp();
                  return;
                } catch (error) {
                  // The process died: start again from the durable checkpoints. Only the planned crashes may.
                  restarts += 1;
                  if (restarts > crashList.length) throw error;
                }
              }
            };
            await catchUp();
            await write(events, history.slice(half));
            await catchUp();
            expect(restarts).toBeLessThanOrEqual(crashList.length);

            const rebuilt = new SqliteReadStore(rebuiltDb);
            await new ProjectionRunner(events, rebuilt, PROJECTIONS, { batchSize: 1000 }).catchUp();

            const memory = new MemoryDocuments();
            for (const event of await events.readAll({ maxCount: 100_000 })) {
              for (const projection of PROJECTIONS) memory.apply(projection, event);
            }
            const expected = Object.fromEntries(
              PROJECTIONS.flatMap((p) => p.collections).map(({ name }) => [
                name,
                memory.all(name).sort((a, b) => (a.id < b.id ? -1 : 1)),
              ]),
            );
            expect(await everything(incremental, PROJECTIONS)).toEqual(expected);
            expect(await everything(rebuilt, PROJECTIONS)).toEqual(expected);
            const head = await events.headPosition();
            for (const projection of PROJECTIONS) {
              expect((await incremental.checkpoint(projection.name))?.position ?? 0n).toBe(head);
            }
          } finally {
            await events.close();
            eventsDb.close();
            incrementalDb.close();
            rebuiltDb.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('two runners on the same stores (two projectors) never count an event twice', async () => {
    const eventsDb = openSqliteDatabase(join(dir, 'events.sqlite'));
    const readDb = openSqliteDatabase(join(dir, 'read.sqlite'));
    const events = new SqliteEventStore(eventsDb);
    const store = new SqliteReadStore(readDb);
    try {
      const history = historyOf(
        fc
          .sample(actionArbitrary, { numRuns: 300, seed: 7 })
          .map((a, i) => (i % 3 === 0 ? { kind: 'capture' as const, source: 'web_form', minutes: 1 } : a)),
      );
      await write(events, history);
      await Promise.all([
        new ProjectionRunner(events, store, PROJECTIONS, { batchSize: 3 }).catchUp(),
        new ProjectionRunner(events, store, PROJECTIONS, { batchSize: 5 }).catchUp(),
      ]);
      const memory = new MemoryDocuments();
      for (const event of await events.readAll({ maxCount: 100_000 })) {
        for (const projection of PROJECTIONS) memory.apply(projection, event);
      }
      for (const { name } of PROJECTIONS.flatMap((p) => p.collections)) {
        const sort = (docs: Doc[]) => docs.sort((a, b) => (a.id < b.id ? -1 : 1));
        expect(sort(await store.find(name, {}))).toEqual(sort(memory.all(name)));
      }
    } finally {
      await events.close();
      eventsDb.close();
      readDb.close();
    }
  });

  it('follows the log live and lets readers wait for a position', async () => {
    const eventsDb = openSqliteDatabase(join(dir, 'events.sqlite'));
    const readDb = openSqliteDatabase(join(dir, 'read.sqlite'));
    const events = new SqliteEventStore(eventsDb);
    const runner = new ProjectionRunner(events, new SqliteReadStore(readDb), PROJECTIONS, {
      pollIntervalMs: 10_000,
    });
    try {
      await runner.start();
      const history = historyOf([{ kind: 'capture', source: 'web_form', minutes: 1 }]);
      await write(events, history);
      const head = await events.headPosition();
      // Woken by the append itself, well before the 10 s poll.
      expect(await runner.waitFor(head, 2000)).toBe(true);
      expect(await runner.waitFor(head + 10n, 50)).toBe(false);
    } finally {
      await runner.stop();
      await events.close();
      eventsDb.close();
      readDb.close();
    }
  });

  it('rebuilds a projection whose version changed', async () => {
    const eventsDb = openSqliteDatabase(join(dir, 'events.sqlite'));
    const readDb = openSqliteDatabase(join(dir, 'read.sqlite'));
    const events = new SqliteEventStore(eventsDb);
    const store = new SqliteReadStore(readDb);
    try {
      await write(events, historyOf([{ kind: 'capture', source: 'web_form', minutes: 1 }]));
      // The lead list holds a document for the captured lead.
      const leadList = PROJECTIONS.find((p) => p.name === 'lead-list')!;
      const collection = leadList.collections[0]!.name;
      await new ProjectionRunner(events, store, [leadList]).catchUp();
      const stale = (await store.find(collection, {}))[0]!;
      await store.commit({
        changes: [{ collection, id: stale.id, doc: { ...stale, tampered: true } }],
        checkpoints: [],
      });
      await new ProjectionRunner(events, store, [leadList]).catchUp();
      expect((await store.find(collection, {}))[0]).toMatchObject({ tampered: true });
      await new ProjectionRunner(events, store, [{ ...leadList, version: leadList.version + 1 }]).catchUp();
      expect((await store.find(collection, {}))[0]).toEqual(stale);
    } finally {
      await events.close();
      eventsDb.close();
      readDb.close();
    }
  });
});
