import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_SCORING_RULES,
  type ScoringRules,
  engagementRank,
  fitPoints,
  normalizedRules,
} from '@app/domain';
import { SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import fc from 'fast-check';
import { LEADS, LEAD_SCORING, LEAD_SCORING_RULES_ID, type LeadDoc, leadListVersion } from './lead-list';
import { MemoryDocuments } from './memory-documents';
import type { Doc, Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { PROJECTIONS } from './projections';
import { type ReadStore, type ReadStoreCommit, shadowCheckpointName } from './read-store.port';
import { SqliteReadStore } from './sqlite/sqlite-read-store';
import { allConfiguredBy } from './testing/configured';
import { type Action, actionArbitrary, actionsArbitrary, historyOf, write } from './testing/histories';

/**
 * A read store that "crashes" at chosen writes (commits, and swaps of a rebuilt projection in): before
 * writing, or after writing but before answering.
 */
class CrashingReadStore extends SqliteReadStore {
  commits = 0;
  constructor(
    db: ReturnType<typeof openSqliteDatabase>,
    private readonly crashes: Map<number, 'before' | 'after'>,
  ) {
    super(db);
  }
  override commit(commit: ReadStoreCommit): Promise<void> {
    return this.crashing('commit', () => super.commit(commit));
  }
  override swapShadow(projection: Projection, position: bigint): Promise<void> {
    return this.crashing('swap', () => super.swapShadow(projection, position));
  }
  private async crashing(what: string, write: () => Promise<void>): Promise<void> {
    const n = this.commits++;
    const crash = this.crashes.get(n);
    this.crashes.delete(n);
    if (crash === 'before') throw new Error(`crash before ${what} ${n}`);
    await write();
    if (crash === 'after') throw new Error(`crash after ${what} ${n}`);
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

            // The pure fold, each projection configured as the log leaves it (the lead list by its rules).
            const log = await events.readAll({ maxCount: 100_000 });
            const memory = new MemoryDocuments();
            for (const event of log) {
              for (const projection of allConfiguredBy(PROJECTIONS, log)) memory.apply(projection, event);
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
      const log = await events.readAll({ maxCount: 100_000 });
      const memory = new MemoryDocuments();
      for (const event of log) {
        for (const projection of allConfiguredBy(PROJECTIONS, log)) memory.apply(projection, event);
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
      const { configuration: _configuration, ...unconfigured } = leadList;
      await new ProjectionRunner(events, store, [
        { ...unconfigured, version: leadList.version + 1 },
      ]).catchUp();
      expect((await store.find(collection, {}))[0]).toEqual(stale);
    } finally {
      await events.close();
      eventsDb.close();
      readDb.close();
    }
  });
});

describe('ProjectionRunner and a projection configured from the log (the lead list and its scoring rules)', () => {
  /** A read store that notes which projections it was asked to reset, and which shadows to swap in. */
  class ResetNotingStore extends SqliteReadStore {
    readonly resets: string[] = [];
    readonly swaps: string[] = [];
    override reset(projection: Pick<Projection, 'name' | 'collections'>): Promise<void> {
      this.resets.push(projection.name);
      return super.reset(projection);
    }
    override swapShadow(projection: Projection, position: bigint): Promise<void> {
      this.swaps.push(projection.name);
      return super.swapShadow(projection, position);
    }
  }

  const RULES: ScoringRules = {
    ...DEFAULT_SCORING_RULES,
    fit: [
      { rule: 'company', field: 'company', present: true, points: 40 },
      { rule: 'enterprise', field: 'tags', equals: 'enterprise', points: -5 },
    ],
    engagement: [{ rule: 'note', on: 'note', points: 7 }],
    halfLifeDays: 10,
  };
  const before: Action[] = [
    { kind: 'capture', source: 'referral', company: 'Cobol Ltd', tags: ['enterprise'], minutes: 10 },
    { kind: 'note', lead: 1, minutes: 5 },
    { kind: 'capture', source: 'web_form', minutes: 10 },
  ];
  const after: Action[] = [
    { kind: 'defineScoringRules', rules: RULES, minutes: 60 },
    { kind: 'capture', source: 'event', company: 'Globex', minutes: 10 },
    { kind: 'note', lead: 1, minutes: 5 },
  ];

  let dir: string;
  let eventsDb: ReturnType<typeof openSqliteDatabase>;
  let readDb: ReturnType<typeof openSqliteDatabase>;
  let events: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
    eventsDb = openSqliteDatabase(join(dir, 'events.sqlite'));
    readDb = openSqliteDatabase(join(dir, 'read.sqlite'));
    events = new SqliteEventStore(eventsDb);
  });
  afterEach(async () => {
    await events.close();
    eventsDb.close();
    readDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every lead scored as the rule set says, and the rule set written beside them. */
  async function expectScoredBy(store: ReadStore, rules: ScoringRules, version: number) {
    const leads = await store.find<LeadDoc>(LEADS, {});
    expect(leads).toHaveLength(2 + (version > 1 ? 1 : 0));
    for (const lead of leads) {
      expect(lead.fit).toBe(fitPoints(rules, lead));
      expect(lead.engagementRank).toBe(engagementRank(rules, lead.interactions.engagements));
    }
    expect(await store.get(LEAD_SCORING, LEAD_SCORING_RULES_ID)).toMatchObject({
      version,
      rules: normalizedRules(rules),
    });
    expect(await store.checkpoint('lead-list')).toEqual({
      name: 'lead-list',
      position: await events.headPosition(),
      version: leadListVersion({ version }),
    });
  }

  /** The documents of every projection but the lead list, sorted by id. */
  async function othersOf(store: ReadStore) {
    const others = PROJECTIONS.filter((p) => p.name !== 'lead-list');
    return everything(store, others);
  }

  it.each([1, 2, 1000])(
    'rescores every lead, those captured before the rule change too, when the change comes while it runs (batches of %i)',
    async (batchSize) => {
      const history = historyOf([...before, ...after]);
      const changeAt = history.findIndex((append) => append.streamId === 'scoring-rules');
      await write(events, history.slice(0, changeAt));
      const store = new ResetNotingStore(readDb);
      const runner = new ProjectionRunner(events, store, PROJECTIONS, { batchSize });
      await runner.catchUp();
      const defaults = await store.find<LeadDoc>(LEADS, {});
      expect(defaults.map((lead) => lead.fit).sort((a, b) => a - b)).toEqual([0, 50]);

      await write(events, history.slice(changeAt));
      const head = await events.headPosition();
      const waiting = runner.waitFor(head, 10_000);
      await runner.catchUp();
      expect(await waiting).toBe(true);
      await expectScoredBy(store, RULES, 2);
      expect(runner.status().find((p) => p.name === 'lead-list')).toEqual({
        name: 'lead-list',
        version: leadListVersion({ version: 2 }),
        checkpoint: head,
      });
      // The lead list alone was rebuilt beside its documents, once; the others equal ones built in one go.
      expect(store.swaps).toEqual(['lead-list']);
      expect(store.resets).toEqual([]);
      const rebuiltDb = openSqliteDatabase(join(dir, 'rebuilt.sqlite'));
      try {
        const rebuilt = new SqliteReadStore(rebuiltDb);
        await new ProjectionRunner(events, rebuilt, PROJECTIONS).catchUp();
        expect(await othersOf(store)).toEqual(await othersOf(rebuilt));
        expect(await everything(store, PROJECTIONS)).toEqual(await everything(rebuilt, PROJECTIONS));
      } finally {
        rebuiltDb.close();
      }
    },
  );

  it('rebuilds the lead list at start when the rules changed while no runner ran', async () => {
    const history = historyOf([...before, ...after]);
    const changeAt = history.findIndex((append) => append.streamId === 'scoring-rules');
    await write(events, history.slice(0, changeAt));
    const store = new ResetNotingStore(readDb);
    await new ProjectionRunner(events, store, PROJECTIONS).catchUp();
    await expectScoredBy(store, DEFAULT_SCORING_RULES, 1);

    await write(events, history.slice(changeAt));
    const restarted = new ProjectionRunner(events, store, PROJECTIONS);
    await restarted.catchUp();
    expect(store.swaps).toEqual(['lead-list']);
    expect(store.resets).toEqual([]);
    await expectScoredBy(store, RULES, 2);
    expect(restarted.projections.find((p) => p.name === 'lead-list')?.version).toBe(
      leadListVersion({ version: 2 }),
    );
  });

  it('keeps answering the leads scored by the old rules while it rescores them beside, then swaps', async () => {
    const history = historyOf([...before, ...after]);
    const changeAt = history.findIndex((append) => append.streamId === 'scoring-rules');
    await write(events, history.slice(0, changeAt));
    const store = new ResetNotingStore(readDb);
    const runner = new ProjectionRunner(events, store, PROJECTIONS, { batchSize: 1 });
    await runner.catchUp();
    const scoredByDefaults = await store.find<LeadDoc>(LEADS, {
      orderBy: { field: 'fit', direction: 'desc' },
    });
    const beforeChange = await events.headPosition();

    await write(events, history.slice(changeAt));
    const head = await events.headPosition();
    const progress: bigint[] = [];
    for (let step = 0; step < 100; step++) {
      await runner.advance();
      const leadList = runner.status().find((p) => p.name === 'lead-list')!;
      if (!leadList.rebuilding) break;
      // The documents queries read stay those of the old rules, frozen before the change; the index answers.
      expect(await store.find(LEADS, { orderBy: { field: 'fit', direction: 'desc' } })).toEqual(
        scoredByDefaults,
      );
      expect(await store.checkpoint('lead-list')).toEqual({
        name: 'lead-list',
        position: beforeChange,
        version: leadListVersion({ version: 1 }),
      });
      expect(leadList).toMatchObject({ version: leadListVersion({ version: 1 }), checkpoint: beforeChange });
      expect(leadList.rebuilding?.version).toBe(leadListVersion({ version: 2 }));
      progress.push(leadList.rebuilding.checkpoint);
      expect(await runner.waitFor(head, 0)).toBe(false);
    }
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress).toEqual([...progress].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(await runner.waitFor(head, 0)).toBe(true);
    await expectScoredBy(store, RULES, 2);
    expect(store.swaps).toEqual(['lead-list']);
  });

  it('builds the lead list with the rules in effect at the head of the log when rebuilding everything', async () => {
    await write(events, historyOf([...before, ...after]));
    const store = new ResetNotingStore(readDb);
    const runner = new ProjectionRunner(events, store, PROJECTIONS, { batchSize: 2 });
    await runner.resetAll();
    await runner.catchUp();
    // One reset per projection for the rebuild itself, none for the rule change in the log.
    expect(store.resets).toEqual(PROJECTIONS.map((p) => p.name));
    await expectScoredBy(store, RULES, 2);
  });
});

describe('ProjectionRunner rebuilding a projection whose version changed beside its live documents', () => {
  const TALLIES = 'tallies';
  interface TallyDoc extends Doc {
    readonly kind: string;
    readonly count: number;
    readonly streams: readonly string[];
    /** The version that wrote it: what tells the old documents from the new. */
    readonly writtenBy: number;
  }
  /** Counts the events of each type (a count twice too high is an event folded twice). */
  const tallies = (version: number): Projection => ({
    name: 'tallies',
    version,
    collections: [
      {
        name: TALLIES,
        indexes: [{ field: 'kind' }, { field: 'count' }, { field: 'streams', multi: true }],
      },
    ],
    touches: (event) => [{ collection: TALLIES, id: event.type }],
    evolve: (event, docs) => {
      const current = docs(TALLIES, event.type) as TallyDoc | undefined;
      const stream = event.streamId.split('-')[0]!;
      const doc: TallyDoc = {
        id: event.type,
        kind: event.type,
        count: (current?.count ?? 0) + 1,
        streams: [...new Set([...(current?.streams ?? []), stream])].sort(),
        writtenBy: version,
      };
      return [{ collection: TALLIES, id: event.type, doc }];
    },
  });
  /** Another read model, that keeps following the log while the tallies are rebuilt. */
  const total: Projection = {
    name: 'total',
    version: 1,
    collections: [{ name: 'totals', indexes: [] }],
    touches: () => [{ collection: 'totals', id: 'all' }],
    evolve: (_, docs) => [
      {
        collection: 'totals',
        id: 'all',
        doc: { id: 'all', events: Number(docs('totals', 'all')?.['events'] ?? 0) + 1 },
      },
    ],
  };

  const actions: Action[] = [
    { kind: 'capture', source: 'web_form', minutes: 1 },
    { kind: 'note', lead: 0, minutes: 1 },
    { kind: 'capture', source: 'referral', minutes: 1 },
    { kind: 'note', lead: 1, minutes: 1 },
    { kind: 'capture', source: 'event', minutes: 1 },
    { kind: 'note', lead: 0, minutes: 1 },
    { kind: 'note', lead: 2, minutes: 1 },
    { kind: 'capture', source: 'web_form', minutes: 1 },
    { kind: 'note', lead: 3, minutes: 1 },
    { kind: 'note', lead: 1, minutes: 1 },
    { kind: 'capture', source: 'referral', minutes: 1 },
    { kind: 'note', lead: 4, minutes: 1 },
  ];
  /** What lands later, while the runner runs. */
  const later: Action[] = [
    { kind: 'capture', source: 'event', minutes: 1 },
    { kind: 'note', lead: 5, minutes: 1 },
  ];
  const history = historyOf([...actions, ...later]);
  const written = historyOf(actions).length;

  let dir: string;
  let eventsDb: ReturnType<typeof openSqliteDatabase>;
  let readDb: ReturnType<typeof openSqliteDatabase>;
  let events: SqliteEventStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
    eventsDb = openSqliteDatabase(join(dir, 'events.sqlite'));
    readDb = openSqliteDatabase(join(dir, 'read.sqlite'));
    events = new SqliteEventStore(eventsDb);
    await write(events, history.slice(0, written));
  });
  afterEach(async () => {
    await events.close();
    eventsDb.close();
    readDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const byId = <T extends Doc>(docs: T[]) => docs.sort((a, b) => (a.id < b.id ? -1 : 1));

  /** The tallies of the whole log, as the version writes them. */
  async function talliesOfLog(version: number): Promise<TallyDoc[]> {
    const memory = new MemoryDocuments();
    for (const event of await events.readAll({ maxCount: 10_000 })) memory.apply(tallies(version), event);
    return byId(memory.all(TALLIES)) as TallyDoc[];
  }

  /** Version 1 built over the log, as the runner before the upgrade left it. */
  async function builtWithVersion1(store: ReadStore): Promise<TallyDoc[]> {
    await new ProjectionRunner(events, store, [tallies(1), total]).catchUp();
    const built = byId(await store.find<TallyDoc>(TALLIES, {}));
    expect(built).toEqual(await talliesOfLog(1));
    return built;
  }

  /** Answers queries that use each index the way the documents say. */
  async function expectIndexesAnswer(store: ReadStore, docs: readonly TallyDoc[]) {
    for (const doc of docs) {
      expect(await store.find(TALLIES, { where: { kind: doc.kind } })).toEqual([doc]);
    }
    const leads = docs.filter((d) => d.streams.includes('lead')).map((d) => d.id);
    expect((await store.find(TALLIES, { where: { streams: 'lead' } })).map((d) => d.id).sort()).toEqual(
      leads.sort(),
    );
    const ordered = [...docs].sort((a, b) => b.count - a.count || (b.id < a.id ? -1 : 1));
    expect(await store.find(TALLIES, { orderBy: { field: 'count', direction: 'desc' } })).toEqual(ordered);
  }

  it('answers the old documents at every step of the rebuild, the others following the log, then the new ones', async () => {
    const store = new SqliteReadStore(readDb);
    const old = await builtWithVersion1(store);
    const before = await events.headPosition();

    const runner = new ProjectionRunner(events, store, [tallies(2), total], { batchSize: 2 });
    const progress: bigint[] = [];
    for (let step = 0; step < 100; step++) {
      if (step === 2) await write(events, history.slice(written, written + 1));
      await runner.advance();
      const status = runner.status().find((p) => p.name === 'tallies')!;
      if (!status.rebuilding) break;
      expect(byId(await store.find(TALLIES, {}))).toEqual(old);
      await expectIndexesAnswer(store, old);
      expect(status).toMatchObject({ version: 1, checkpoint: before });
      expect(await store.checkpoint('tallies')).toEqual({ name: 'tallies', position: before, version: 1 });
      progress.push(status.rebuilding.checkpoint);
      // The read model beside keeps up with what lands meanwhile; waiting for it waits for the swap.
      const head = await events.headPosition();
      expect(await store.get('totals', 'all')).toEqual({ id: 'all', events: Number(head) });
      expect(await runner.waitFor(head, 0)).toBe(head <= before);
    }
    // A batch of two events a step, from the start of the log.
    expect(progress).toEqual(progress.map((_, i) => BigInt(2 * (i + 1))));
    expect(progress.length).toBeGreaterThanOrEqual(4);

    const head = await events.headPosition();
    expect(head).toBeGreaterThan(before);
    const rebuilt = await talliesOfLog(2);
    expect(byId(await store.find(TALLIES, {}))).toEqual(rebuilt);
    await expectIndexesAnswer(store, rebuilt);
    expect(await store.checkpoint('tallies')).toEqual({ name: 'tallies', position: head, version: 2 });
    expect(await store.checkpoint(shadowCheckpointName('tallies'))).toBeUndefined();
    expect(runner.status().find((p) => p.name === 'tallies')).toEqual({
      name: 'tallies',
      version: 2,
      checkpoint: head,
    });
    expect(await runner.waitFor(head, 0)).toBe(true);
    // Live from here: the next event is folded into the swapped-in documents.
    await write(events, history.slice(written + 1));
    await runner.catchUp();
    expect(byId(await store.find(TALLIES, {}))).toEqual(await talliesOfLog(2));
  });

  it('resumes a rebuild a crash interrupted from the shadow checkpoint, counting no event twice', async () => {
    const store = new SqliteReadStore(readDb);
    const old = await builtWithVersion1(store);
    const first = new ProjectionRunner(events, store, [tallies(2), total], { batchSize: 2 });
    for (let step = 0; step < 3; step++) await first.advance();
    const left = first.status().find((p) => p.name === 'tallies')!.rebuilding!.checkpoint;
    expect(left).toBe(6n);
    // The process dies here; the next one takes the rebuild up where the shadow's checkpoint says.
    const restarted = new ProjectionRunner(events, store, [tallies(2), total], { batchSize: 2 });
    await restarted.advance();
    expect(restarted.status().find((p) => p.name === 'tallies')?.rebuilding?.checkpoint).toBe(left + 2n);
    expect(byId(await store.find(TALLIES, {}))).toEqual(old);
    await restarted.catchUp();
    expect(byId(await store.find(TALLIES, {}))).toEqual(await talliesOfLog(2));
  });

  it.each(['before', 'after'] as const)(
    'finishes a swap a crash interrupted (%s it committed) at the next start',
    async (when) => {
      class CrashingSwapStore extends SqliteReadStore {
        override async swapShadow(projection: Projection, position: bigint): Promise<void> {
          if (when === 'after') await super.swapShadow(projection, position);
          throw new Error(`crash ${when} the swap`);
        }
      }
      const old = await builtWithVersion1(new SqliteReadStore(readDb));
      await expect(
        new ProjectionRunner(events, new CrashingSwapStore(readDb), [tallies(2), total]).catchUp(),
      ).rejects.toThrow(`crash ${when} the swap`);
      const store = new SqliteReadStore(readDb);
      await store.prepare([tallies(2), total]);
      const answered = byId(await store.find(TALLIES, {}));
      // One or the other, never a mix.
      expect(answered).toEqual(when === 'before' ? old : await talliesOfLog(2));
      await new ProjectionRunner(events, store, [tallies(2), total]).catchUp();
      expect(byId(await store.find(TALLIES, {}))).toEqual(await talliesOfLog(2));
      expect((await store.checkpoint('tallies'))?.version).toBe(2);
    },
  );

  it.each([
    ['one store', false],
    ['two connections, as two processes', true],
  ] as const)('two runners rebuilding at once on %s never count an event twice', async (_, apart) => {
    const old = await builtWithVersion1(new SqliteReadStore(readDb));
    const otherDb = apart ? openSqliteDatabase(join(dir, 'read.sqlite')) : readDb;
    try {
      const one = new SqliteReadStore(readDb);
      const other = apart ? new SqliteReadStore(otherDb) : one;
      const runners = [
        new ProjectionRunner(events, one, [tallies(2), total], { batchSize: 1 }),
        new ProjectionRunner(events, other, [tallies(2), total], { batchSize: 3 }),
      ];
      // Step by step in turn, each seeing the other's commits and swap.
      for (let step = 0; step < 50; step++) {
        for (const runner of runners) await runner.advance();
        if ((await one.checkpoint('tallies'))?.version === 2) break;
        expect(byId(await one.find(TALLIES, {}))).toEqual(old);
      }
      await Promise.all(runners.map((r) => r.catchUp()));
      expect(byId(await one.find(TALLIES, {}))).toEqual(await talliesOfLog(2));
      expect(await one.get('totals', 'all')).toEqual({
        id: 'all',
        events: Number(await events.headPosition()),
      });
    } finally {
      if (apart) otherDb.close();
    }
  });
});
