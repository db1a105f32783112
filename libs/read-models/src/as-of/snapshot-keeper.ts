import { type EventStore, type Position, type RecordedEvent, START } from '@app/event-store';
import { LogFollower } from '../log-follower';
import { PositionWaiters } from '../position-waiters';
import { dealCountsProjection } from '../deal-list';
import type { Doc, DocChange, Projection } from '../projection';
import type { AsOfSnapshots, SnapshotCut, SnapshotWrite } from './as-of-snapshots.port';
import { FoldedDocuments } from '../folded-documents';

/**
 * The projections whose state may be snapshotted: those that read no personal data (so that no snapshot ever
 * holds any, and an erasure has nothing to purge there) and need no configuration from the log.
 */
export const snapshotted = (projections: readonly Projection[]): Projection[] =>
  projections.filter(isSnapshotted);

export const isSnapshotted = (projection: Projection): boolean =>
  projection.readsPersonalData === false && projection.configuration === undefined;

/**
 * What the keeper keeps of a service's read models: those that may be snapshotted and, in place of the deal
 * list (it reads personal data), the deal counts that as-of reports fold under its name.
 */
export function keptForAsOf(projections: readonly Projection[]): Projection[] {
  const kept = snapshotted(projections);
  const dealList = projections.some((p) => p.name === dealCountsProjection.name);
  if (dealList && !kept.some((p) => p.name === dealCountsProjection.name)) kept.push(dealCountsProjection);
  return kept;
}

export interface SnapshotKeeperOptions {
  /** Events between two snapshots of a projection. */
  readonly every: number;
  /** Documents of each projection held in memory besides those changed since its last snapshot. */
  readonly recent?: number;
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** One projection's fold since its last snapshot. */
interface Lane {
  readonly projection: Projection;
  /** The latest snapshot cut, written or about to be. */
  cut: SnapshotCut | undefined;
  /** The latest snapshot written. */
  written: SnapshotCut | undefined;
  /** The documents of the snapshots cut but not written yet, the latest last. */
  unwritten: Map<string, Map<string, Doc | null>>[];
  /** The last event folded. */
  position: Position;
  /** The documents changed since the last snapshot (null: deleted): what the next snapshot writes. */
  changed: Map<string, Map<string, Doc | null>>;
  /** The documents read or written most recently, as they stand (null: none), at most RECENT of them. */
  readonly recent: Map<string, Doc | null>;
  /** Events folded since the last snapshot. */
  since: number;
  /** The earliest occurredAt of the events folded since the last snapshot. */
  earliest: string | undefined;
  /** The latest occurredAt of every event folded so far. */
  latest: string;
}

/**
 * Keeps snapshots of the state of the projections that read no personal data, for "as of" answers: it
 * follows the log (in the reading those projections are folded over) and folds each projection; every
 * `every` events it cuts a snapshot of it, writing the documents changed since the previous one. Between
 * cuts the changed documents stay in memory (and a bounded number of recent ones); after a restart it
 * folds again from the last snapshot. A projection whose version differs from the one its snapshots were
 * folded with has them dropped and folded again from the start of the log; the snapshots of a projection
 * no longer kept are dropped. One keeper per store: it runs where the projections run.
 */
export class SnapshotKeeper {
  private lanes: Lane[] = [];
  private follower: LogFollower | undefined;
  private readonly waiters = new PositionWaiters();

  constructor(
    private readonly events: EventStore,
    private readonly snapshots: AsOfSnapshots,
    private readonly projections: readonly Projection[],
    private readonly options: SnapshotKeeperOptions,
  ) {
    const unfit = projections.filter((p) => !isSnapshotted(p));
    if (unfit.length > 0) {
      throw new Error(`projections ${unfit.map((p) => p.name).join(', ')} cannot be snapshotted`);
    }
    if (!Number.isInteger(options.every) || options.every < 1) {
      throw new RangeError('every must be a positive integer');
    }
  }

  async start(): Promise<void> {
    await this.load();
    this.follower = new LogFollower(this.events, () => this.step(), {
      pollIntervalMs: this.options.pollIntervalMs ?? 500,
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    this.follower.start();
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
    this.follower = undefined;
    this.waiters.releaseAll();
  }

  /** Reconciles what is kept with the projections, and takes up each one's fold from its last snapshot. */
  async load(): Promise<void> {
    const wanted = new Set(this.projections.map((p) => p.name));
    const kept = await this.snapshots.kept();
    for (const record of kept) if (!wanted.has(record.name)) await this.snapshots.forget(record.name);
    this.lanes = [];
    for (const projection of this.projections) {
      const record = kept.find((k) => k.name === projection.name);
      let cut: SnapshotCut | undefined;
      if (record?.version === projection.version) {
        await this.snapshots.discardUncut(projection.name);
        cut = await this.snapshots.lastCut(projection.name);
      } else {
        await this.snapshots.restart(projection.name, projection.version);
      }
      this.lanes.push(laneFrom(projection, cut));
    }
  }

  /** Folds up to `every` events after the lane that lags most; answers how many were read. */
  async step(): Promise<number> {
    if (this.lanes.length === 0) return 0;
    const after = this.lanes.reduce(
      (low, lane) => (lane.position < low ? lane.position : low),
      this.lanes[0]!.position,
    );
    const batch = await this.events.readAll({ after, maxCount: Math.max(this.options.every, READ_BATCH) });
    const writes: SnapshotWrite[] = [];
    for (const lane of this.lanes) await this.advance(lane, batch, writes);
    if (writes.length > 0) await this.write(writes);
    this.waiters.reached(this.lastCutPosition());
    return batch.length;
  }

  /** Steps until the log's end: for tests and tools. */
  async catchUp(): Promise<void> {
    while ((await this.step()) > 0) {
      // keep going
    }
  }

  /** The position every kept projection has a snapshot at or after (START while one has none). */
  lastCutPosition(): Position {
    let lowest: Position | undefined;
    for (const lane of this.lanes) {
      const position = lane.written?.position ?? START;
      if (lowest === undefined || position < lowest) lowest = position;
    }
    return lowest ?? START;
  }

  /** True once every kept projection has a snapshot at or after the position; false after the timeout. */
  waitForCut(position: Position, timeoutMs: number): Promise<boolean> {
    return this.lastCutPosition() >= position
      ? Promise.resolve(true)
      : this.waiters.wait(position, timeoutMs);
  }

  /** Folds the lane's events of the batch, cutting a snapshot each time `every` of them are folded. */
  private async advance(lane: Lane, batch: readonly RecordedEvent[], writes: SnapshotWrite[]): Promise<void> {
    let pending = batch.filter((event) => event.position > lane.position);
    for (;;) {
      if (lane.since >= this.options.every) writes.push(this.cut(lane));
      if (pending.length === 0) return;
      const chunk = pending.slice(0, this.options.every - lane.since);
      pending = pending.slice(chunk.length);
      await this.fold(lane, chunk);
    }
  }

  private async fold(lane: Lane, events: readonly RecordedEvent[]): Promise<void> {
    const base = lane.cut?.snapshot ?? 0;
    const documents = new FoldedDocuments(lane.projection, async (collection, ids) => {
      const found = new Map<string, Doc>();
      const changed = lane.changed.get(collection);
      const stored: string[] = [];
      for (const id of ids) {
        const doc =
          changed?.get(id) ?? unwrittenOf(lane, collection, id) ?? lane.recent.get(recentKey(collection, id));
        if (doc === undefined) stored.push(id);
        else if (doc !== null) found.set(id, doc);
      }
      if (stored.length === 0) return found;
      const loaded =
        base === 0
          ? new Map<string, Doc>()
          : await this.snapshots.getMany(lane.projection.name, collection, stored, base);
      for (const id of stored) {
        const doc = loaded.get(id);
        if (doc) found.set(id, doc);
        this.remember(lane, collection, id, doc ?? null);
      }
      return found;
    });
    await documents.fold(events);
    for (const { collection, id, doc } of documents.changes()) {
      let changed = lane.changed.get(collection);
      if (!changed) lane.changed.set(collection, (changed = new Map<string, Doc | null>()));
      changed.set(id, doc);
      this.remember(lane, collection, id, doc);
    }
    for (const event of events) {
      const at = event.metadata.occurredAt;
      if (lane.earliest === undefined || at < lane.earliest) lane.earliest = at;
      if (at > lane.latest) lane.latest = at;
    }
    lane.since += events.length;
    lane.position = events[events.length - 1]!.position;
  }

  /** Keeps the document among the lane's recent ones, forgetting the oldest beyond the limit. */
  private remember(lane: Lane, collection: string, id: string, doc: Doc | null): void {
    const key = recentKey(collection, id);
    lane.recent.delete(key);
    lane.recent.set(key, doc);
    const limit = this.options.recent ?? RECENT;
    for (const oldest of lane.recent.keys()) {
      if (lane.recent.size <= limit) break;
      lane.recent.delete(oldest);
    }
  }

  /**
   * Writes the snapshots cut during a step in one go. If that fails, what was folded since the last snapshot
   * written is folded again from there.
   */
  private async write(writes: readonly SnapshotWrite[]): Promise<void> {
    try {
      await this.snapshots.cut(...writes);
    } catch (error) {
      await this.load();
      throw error;
    }
    for (const lane of this.lanes) {
      lane.written = lane.cut;
      lane.unwritten = [];
    }
  }

  /** Cuts a snapshot of the lane: its documents changed since the previous one, to be written. */
  private cut(lane: Lane): SnapshotWrite {
    const cut: SnapshotCut = {
      snapshot: (lane.cut?.snapshot ?? 0) + 1,
      position: lane.position,
      cutTime: lane.latest,
      earliest: lane.earliest!,
    };
    const changes: DocChange[] = [];
    for (const [collection, docs] of lane.changed) {
      for (const [id, doc] of docs) changes.push({ collection, id, doc });
    }
    lane.cut = cut;
    lane.unwritten.push(lane.changed);
    lane.changed = new Map();
    lane.since = 0;
    lane.earliest = undefined;
    return { projection: lane.projection.name, cut, changes };
  }
}

/** Events read at a time, at least: one large batch costs less than many small ones. */
const READ_BATCH = 2000;

/** The document as the latest snapshot cut but not written holds it; undefined when none changed it. */
function unwrittenOf(lane: Lane, collection: string, id: string): Doc | null | undefined {
  for (let i = lane.unwritten.length - 1; i >= 0; i--) {
    const doc = lane.unwritten[i]!.get(collection)?.get(id);
    if (doc !== undefined) return doc;
  }
  return undefined;
}

/** Documents of each projection held in memory besides those changed since its last snapshot, by default. */
const RECENT = 5_000;

const recentKey = (collection: string, id: string) => `${collection}\u0000${id}`;

const laneFrom = (projection: Projection, cut: SnapshotCut | undefined): Lane => ({
  projection,
  cut,
  written: cut,
  unwritten: [],
  position: cut?.position ?? START,
  changed: new Map(),
  recent: new Map(),
  since: 0,
  earliest: undefined,
  latest: cut?.cutTime ?? '',
});
