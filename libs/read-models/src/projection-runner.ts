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
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly checkpoint: Position;
}

/**
 * Follows the durable event log and keeps the projections' documents up to date: catch-up from each
 * projection's checkpoint, then live as events land. Each batch's document changes and the checkpoints are
 * committed in one transaction, so a crash at any moment neither loses nor double-counts an event; events
 * at or before a projection's checkpoint are skipped, so a batch delivered again changes nothing.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly checkpoints = new Map<string, Position>();
  private readonly waiters = new PositionWaiters();
  private follower: LogFollower | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadStore,
    readonly projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
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
    await this.store.prepare(this.projections);
    for (const projection of this.projections) {
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
    return this.projections.map((p) => ({
      name: p.name,
      version: p.version,
      checkpoint: this.checkpoints.get(p.name) ?? START,
    }));
  }

  /** The last position every projection has processed. */
  lowestCheckpoint(): Position {
    let lowest: Position | undefined;
    for (const projection of this.projections) {
      const position = this.checkpoints.get(projection.name) ?? START;
      if (lowest === undefined || position < lowest) lowest = position;
    }
    return lowest ?? START;
  }

  private async load(): Promise<void> {
    await this.store.prepare(this.projections);
    for (const projection of this.projections) {
      const checkpoint = await this.store.checkpoint(projection.name);
      if (checkpoint && checkpoint.version !== projection.version) {
        await this.store.reset(projection);
        this.checkpoints.set(projection.name, START);
      } else {
        this.checkpoints.set(projection.name, checkpoint?.position ?? START);
      }
    }
  }

  /** Reads one batch after the lowest checkpoint, folds it into every projection behind it, commits. */
  private async step(): Promise<number> {
    const batch = await this.events.readAll({ after: this.lowestCheckpoint(), maxCount: this.batchSize });
    const last = batch[batch.length - 1];
    if (!last) return 0;

    const changes: DocChange[] = [];
    const checkpoints: CheckpointMove[] = [];
    for (const projection of this.projections) {
      const after = this.checkpoints.get(projection.name) ?? START;
      const events = batch.filter((e) => e.position > after);
      if (events.length === 0) continue;
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
    this.waiters.reached(this.lowestCheckpoint());
    return batch.length;
  }

  /** Applies a projection's pure evolve to the batch, over the documents it names; answers the net changes. */
  private async fold(projection: Projection, events: readonly RecordedEvent[]): Promise<DocChange[]> {
    // Per collection: id -> the document as it stands (null: known not to exist).
    const docs = new Map<string, Map<string, Doc | null>>();
    const dirty = new Map<string, Set<string>>();
    // Per collection: the ids the store held when they were loaded.
    const stored = new Map<string, Set<string>>();
    const inCollection = (collection: string) => {
      let map = docs.get(collection);
      if (!map) {
        map = new Map();
        docs.set(collection, map);
      }
      return map;
    };
    const lookup: DocLookup = (collection, id) => docs.get(collection)?.get(id) ?? undefined;
    const strictLookup: DocLookup = (collection, id) => {
      const doc = docs.get(collection)?.get(id);
      if (doc === undefined) {
        throw new Error(
          `projection ${projection.name} read ${collection}/${id} without naming it in touches`,
        );
      }
      return doc ?? undefined;
    };

    /** The named documents not loaded yet, per collection; undefined when all are. */
    const missingOf = (refs: readonly DocRef[]) => {
      let missing: Map<string, string[]> | undefined;
      for (const ref of refs) {
        if (docs.get(ref.collection)?.has(ref.id)) continue;
        missing ??= new Map();
        const ids = missing.get(ref.collection);
        if (ids) ids.push(ref.id);
        else missing.set(ref.collection, [ref.id]);
      }
      return missing;
    };
    const load = async (missing: Map<string, string[]>) => {
      for (const [collection, ids] of missing) {
        const found = await this.store.getMany(collection, ids);
        const map = inCollection(collection);
        for (const id of ids) map.set(id, found.get(id) ?? null);
        if (found.size > 0) {
          const held = stored.get(collection) ?? new Set<string>();
          for (const id of found.keys()) held.add(id);
          stored.set(collection, held);
        }
      }
    };
    /** Loads what touches names, again and again while loaded documents reveal more to load. */
    const resolve = async (event: RecordedEvent, missing: Map<string, string[]>) => {
      for (let round = 0; round < 10; round++) {
        await load(missing);
        const more = missingOf(projection.touches(event, lookup));
        if (!more) return;
        missing = more;
      }
      throw new Error(`projection ${projection.name}: touches keeps naming new documents for ${event.id}`);
    };

    // Prefetch for the whole batch in one read per collection, then top up per event.
    const prefetch = missingOf(events.flatMap((event) => projection.touches(event)));
    if (prefetch) await load(prefetch);
    for (const event of events) {
      // Synchronous unless the event names documents not loaded yet.
      const missing = missingOf(projection.touches(event, lookup));
      if (missing) await resolve(event, missing);
      for (const change of projection.evolve(event, strictLookup)) {
        inCollection(change.collection).set(change.id, change.doc);
        let ids = dirty.get(change.collection);
        if (!ids) {
          ids = new Set();
          dirty.set(change.collection, ids);
        }
        ids.add(change.id);
      }
    }
    const changes: DocChange[] = [];
    for (const [collection, ids] of dirty) {
      const map = inCollection(collection);
      const before = stored.get(collection);
      for (const id of ids) {
        const doc = map.get(id) ?? null;
        // A document made and deleted within the batch never reaches the store.
        if (doc === null && !before?.has(id)) continue;
        changes.push({ collection, id, doc });
      }
    }
    return changes;
  }
}
