import { type EventStore, type Position, type RecordedEvent, START } from '@app/event-store';
import { LogFollower } from './log-follower';
import { PositionWaiters } from './position-waiters';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from './projection';
import { type CheckpointMove, CheckpointMovedError, type ReadStore } from './read-store.port';

export interface ProjectionRunnerOptions {
  /** Events read and committed together (one transaction per batch). */
  readonly batchSize?: number;
  /** How often to look for new events when no in-process append woke the runner (another process wrote). */
  readonly pollIntervalMs?: number;
  /** How long to let appended events gather before folding them (bigger batches, a little more lag). */
  readonly lingerMs?: number;
  /**
   * Under heavy traffic (batches of 100 events or more that still reach the head), how long to wait between
   * batches: fewer, larger commits for that much more lag. Light traffic is folded as soon as it lands.
   */
  readonly busyLingerMs?: number;
  readonly onError?: (error: unknown) => void;
  /**
   * Events that purge data from the read models (an erasure): once a batch holding one is committed, the store
   * is scrubbed (ReadStore.scrub), so that what the documents no longer hold is gone from the store's files too.
   */
  readonly scrubsAfter?: (event: RecordedEvent) => boolean;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly checkpoint: Position;
}

/** A projection replaced by the one built with the configuration an event brought. */
interface Replacement {
  readonly index: number;
  readonly projection: Projection;
}

/**
 * Follows the durable event log and keeps the projections' documents up to date: catch-up from each
 * projection's checkpoint, then live as events land. Each batch's document changes and the checkpoints are
 * committed in one transaction, so a crash at any moment neither loses nor double-counts an event; events
 * at or before a projection's checkpoint are skipped, so a batch delivered again changes nothing.
 *
 * A projection built with configuration from the log (see ProjectionConfiguration) is built at start with
 * the configuration in effect at the log's head; an event that changes it ends the projection's part of the
 * batch before it, and once the batch is committed the projection built with the new configuration takes
 * its place and is rebuilt from the start of the log, the others skipping what they already have.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly checkpoints = new Map<string, Position>();
  private readonly waiters = new PositionWaiters();
  private follower: LogFollower | undefined;
  private running: Projection[];

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadStore,
    projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.running = [...projections];
    this.batchSize = options.batchSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
  }

  /** The projections as they run: each configurable one built with the configuration it follows. */
  get projections(): readonly Projection[] {
    return this.running;
  }

  /** Loads the checkpoints (rebuilding a projection whose version changed) and starts following the log. */
  async start(): Promise<void> {
    await this.load();
    this.follower = new LogFollower(this.events, () => this.step(), {
      pollIntervalMs: this.pollIntervalMs,
      lingerMs: this.options.lingerMs ?? 0,
      ...(this.options.busyLingerMs
        ? { busy: { events: 100, lingerMs: this.options.busyLingerMs, batchSize: this.batchSize } }
        : {}),
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    this.follower.start();
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
    this.waiters.releaseAll();
  }

  /** Drops every projection's documents and checkpoint: the next steps build them again from the start. */
  async resetAll(): Promise<void> {
    await this.configure();
    await this.store.prepare(this.running);
    for (const projection of this.running) {
      await this.store.reset(projection);
      this.checkpoints.set(projection.name, START);
    }
  }

  /** Runs batches until the projections have caught up with the log's head; answers the events processed. */
  async catchUp(): Promise<number> {
    if (this.checkpoints.size === 0) await this.load();
    let total = 0;
    for (;;) {
      const processed = await this.step();
      if (processed === 0) return total;
      total += processed;
    }
  }

  /** True once every projection has processed the position; false if that takes longer than the timeout. */
  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    return this.lowestCheckpoint() >= position
      ? Promise.resolve(true)
      : this.waiters.wait(position, timeoutMs);
  }

  status(): ProjectionStatus[] {
    return this.running.map((p) => ({
      name: p.name,
      version: p.version,
      checkpoint: this.checkpoints.get(p.name) ?? START,
    }));
  }

  /** The last position every projection has processed. */
  lowestCheckpoint(): Position {
    let lowest: Position | undefined;
    for (const projection of this.running) {
      const position = this.checkpoints.get(projection.name) ?? START;
      if (lowest === undefined || position < lowest) lowest = position;
    }
    return lowest ?? START;
  }

  private async load(): Promise<void> {
    await this.configure();
    await this.store.prepare(this.running);
    for (const projection of this.running) {
      const checkpoint = await this.store.checkpoint(projection.name);
      if (checkpoint && checkpoint.version !== projection.version) {
        await this.store.reset(projection);
        this.checkpoints.set(projection.name, START);
      } else {
        this.checkpoints.set(projection.name, checkpoint?.position ?? START);
      }
    }
  }

  /** Builds each configurable projection with the configuration in effect at the log's head. */
  private async configure(): Promise<void> {
    this.running = await Promise.all(
      this.running.map((p) => (p.configuration ? p.configuration.load(this.events) : Promise.resolve(p))),
    );
  }

  /** Reads one batch after the lowest checkpoint, folds it into every projection behind it, commits. */
  private async step(): Promise<number> {
    const batch = await this.events.readAll({ after: this.lowestCheckpoint(), maxCount: this.batchSize });
    if (batch.length === 0) return 0;

    const changes: DocChange[] = [];
    const checkpoints: CheckpointMove[] = [];
    const replacements: Replacement[] = [];
    for (const [index, projection] of this.running.entries()) {
      const after = this.checkpoints.get(projection.name) ?? START;
      const { events, replacement } = eventsToFold(projection, batch, after);
      if (replacement) replacements.push({ index, projection: replacement });
      const last = events[events.length - 1];
      if (!last) continue;
      changes.push(...(await this.fold(projection, events)));
      checkpoints.push({
        name: projection.name,
        position: last.position,
        version: projection.version,
        from: after,
      });
    }
    try {
      await this.store.commit({ changes, checkpoints });
    } catch (error) {
      if (!(error instanceof CheckpointMovedError)) throw error;
      // Another projector committed this batch first: go on from where the store says it is.
      await this.load();
      return batch.length;
    }
    for (const checkpoint of checkpoints) this.checkpoints.set(checkpoint.name, checkpoint.position);
    const { scrubsAfter } = this.options;
    if (scrubsAfter && batch.some(scrubsAfter)) await this.store.scrub();
    for (const replacement of replacements) await this.replace(replacement);
    this.waiters.reached(this.lowestCheckpoint());
    return batch.length;
  }

  /** Puts the projection built with a new configuration in place of its predecessor, to rebuild from the start. */
  private async replace({ index, projection }: Replacement): Promise<void> {
    this.running[index] = projection;
    await this.store.reset(projection);
    this.checkpoints.set(projection.name, START);
  }

  /** Applies a projection's pure evolve to the events, over the documents it names; answers the net changes. */
  private async fold(projection: Projection, events: readonly RecordedEvent[]): Promise<DocChange[]> {
    const documents = new BatchDocuments(this.store, projection);
    // Prefetch for the whole batch in one read per collection, then top up per event.
    const prefetch = documents.missingOf(events.flatMap((event) => projection.touches(event)));
    if (prefetch) await documents.load(prefetch);
    for (const event of events) {
      // Synchronous unless the event names documents not loaded yet.
      const missing = documents.missingOf(projection.touches(event, documents.lookup));
      if (missing) await documents.resolve(event, missing);
      for (const change of projection.evolve(event, documents.strictLookup)) documents.set(change);
    }
    return documents.changes();
  }
}

/**
 * The events of the batch a projection folds: those after its checkpoint, up to (not including) the first
 * that changes its configuration, and the projection built with the new one.
 */
function eventsToFold(
  projection: Projection,
  batch: readonly RecordedEvent[],
  after: Position,
): { events: readonly RecordedEvent[]; replacement?: Projection } {
  const events = batch.filter((e) => e.position > after);
  const next = projection.configuration?.next;
  if (!next) return { events };
  for (const [i, event] of events.entries()) {
    const replacement = next(event);
    if (replacement) return { events: events.slice(0, i), replacement };
  }
  return { events };
}

/**
 * The documents one projection's fold of a batch works on: each read from the store once, then changed in
 * memory event by event, and written at the end as net changes.
 */
class BatchDocuments {
  /** Per collection: id -> the document as it stands (null: known not to exist). */
  private readonly docs = new Map<string, Map<string, Doc | null>>();
  /** Per collection: the ids evolve changed. */
  private readonly dirty = new Map<string, Set<string>>();
  /** Per collection: the ids the store held when they were loaded. */
  private readonly stored = new Map<string, Set<string>>();

  constructor(
    private readonly store: ReadStore,
    private readonly projection: Projection,
  ) {}

  /** What touches may look at: the documents loaded so far. */
  readonly lookup: DocLookup = (collection, id) => this.docs.get(collection)?.get(id) ?? undefined;

  /** What evolve reads: a document that touches did not name is the projection's mistake. */
  readonly strictLookup: DocLookup = (collection, id) => {
    const doc = this.docs.get(collection)?.get(id);
    if (doc === undefined) {
      throw new Error(
        `projection ${this.projection.name} read ${collection}/${id} without naming it in touches`,
      );
    }
    return doc ?? undefined;
  };

  /** The named documents not loaded yet, per collection; undefined when all are. */
  missingOf(refs: readonly DocRef[]): Map<string, string[]> | undefined {
    let missing: Map<string, string[]> | undefined;
    for (const ref of refs) {
      if (this.docs.get(ref.collection)?.has(ref.id)) continue;
      missing ??= new Map();
      const ids = missing.get(ref.collection);
      if (ids) ids.push(ref.id);
      else missing.set(ref.collection, [ref.id]);
    }
    return missing;
  }

  async load(missing: Map<string, string[]>): Promise<void> {
    for (const [collection, ids] of missing) {
      const found = await this.store.getMany(collection, ids);
      const map = this.collection(collection);
      for (const id of ids) map.set(id, found.get(id) ?? null);
      if (found.size > 0) {
        const held = this.stored.get(collection) ?? new Set<string>();
        for (const id of found.keys()) held.add(id);
        this.stored.set(collection, held);
      }
    }
  }

  /** Loads what touches names for the event, again and again while loaded documents reveal more to load. */
  async resolve(event: RecordedEvent, missing: Map<string, string[]>): Promise<void> {
    for (let round = 0; round < 10; round++) {
      await this.load(missing);
      const more = this.missingOf(this.projection.touches(event, this.lookup));
      if (!more) return;
      missing = more;
    }
    throw new Error(`projection ${this.projection.name}: touches keeps naming new documents for ${event.id}`);
  }

  set(change: DocChange): void {
    this.collection(change.collection).set(change.id, change.doc);
    let ids = this.dirty.get(change.collection);
    if (!ids) {
      ids = new Set();
      this.dirty.set(change.collection, ids);
    }
    ids.add(change.id);
  }

  /** The documents changed, as they now stand; one made and deleted within the batch never reaches the store. */
  changes(): DocChange[] {
    const changes: DocChange[] = [];
    for (const [collection, ids] of this.dirty) {
      const map = this.collection(collection);
      const before = this.stored.get(collection);
      for (const id of ids) {
        const doc = map.get(id) ?? null;
        if (doc === null && !before?.has(id)) continue;
        changes.push({ collection, id, doc });
      }
    }
    return changes;
  }

  private collection(name: string): Map<string, Doc | null> {
    let map = this.docs.get(name);
    if (!map) {
      map = new Map();
      this.docs.set(name, map);
    }
    return map;
  }
}
