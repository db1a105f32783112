import { type EventStore, type Position, type RecordedEvent, START } from '@app/event-store';
import { LogFollower } from './log-follower';
import { PositionWaiters } from './position-waiters';
import { FoldedDocuments } from './folded-documents';
import type { DocChange, Projection } from './projection';
import {
  type CheckpointMove,
  CheckpointMovedError,
  RESETTING_VERSION,
  type ReadStore,
  shadowCheckpointName,
  shadowCollectionName,
} from './read-store.port';

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
  /** The version of the documents queries read. */
  readonly version: number;
  /** The last position the documents queries read include. */
  readonly checkpoint: Position;
  /** While a new version is built beside them: that version, and how far it has got. */
  readonly rebuilding?: { readonly version: number; readonly checkpoint: Position };
}

/**
 * Who folds a batch's events and where the changes go: a projection into its live collections, or the new
 * version of one into its shadow (see ReadStore.prepareShadow), each under a checkpoint of its own.
 */
interface FoldTarget {
  readonly projection: Projection;
  readonly checkpoint: string;
  /** The collection that holds what the projection calls `collection`. */
  readonly storedAs: (collection: string) => string;
  readonly position: Position;
}

/** A projection built with a new configuration, to be built beside the one it replaces. */
interface Replacement {
  readonly index: number;
  readonly projection: Projection;
}

/** A projection's new version being built in its shadow while its live documents keep answering. */
interface Rebuild {
  readonly projection: Projection;
  /** The shadow's checkpoint. */
  readonly position: Position;
}

/** A batch read for some targets, and what folding it asks of the store and of the runner. */
interface FoldedBatch {
  readonly events: readonly RecordedEvent[];
  readonly changes: DocChange[];
  readonly checkpoints: CheckpointMove[];
  readonly replacements: Replacement[];
}

const live = (collection: string) => collection;

/**
 * Follows the durable event log and keeps the projections' documents up to date: catch-up from each
 * projection's checkpoint, then live as events land. Each batch's document changes and the checkpoints are
 * committed in one transaction, so a crash at any moment neither loses nor double-counts an event; events
 * at or before a projection's checkpoint are skipped, so a batch delivered again changes nothing.
 *
 * A projection whose version differs from the one its documents were written with is rebuilt beside them:
 * its new version is folded from the start of the log into its shadow (collections and a checkpoint of its
 * own), batch after batch next to the live projections, while queries keep reading the old documents, frozen
 * at their checkpoint. Once the shadow has reached the log's head (a batch read for it was not full, and it
 * stands at or past every live projection), the store swaps it in. A crash resumes the shadow from its
 * checkpoint. Until the swap, read-your-writes waits (waitFor, lowestCheckpoint) count the frozen checkpoint:
 * a caller waiting for a later position waits for the swap, as the documents it would read do not hold it.
 * A projection without stored documents is built in place.
 *
 * A projection built with configuration from the log (see ProjectionConfiguration) is built at start with
 * the configuration in effect at the log's head; an event that changes it ends the projection's part of the
 * batch before it, and once the batch is committed the projection built with the new configuration is
 * rebuilt beside it the same way.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  /** Per projection: the last position its live documents include. */
  private readonly checkpoints = new Map<string, Position>();
  /** Per projection: the version its live documents were written with. */
  private readonly liveVersions = new Map<string, number>();
  private readonly rebuilds = new Map<string, Rebuild>();
  private readonly waiters = new PositionWaiters();
  private follower: LogFollower | undefined;
  private running: Projection[];
  private loaded = false;

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

  /** Loads the checkpoints (and the rebuild of a projection whose version changed) and follows the log. */
  async start(): Promise<void> {
    await this.load();
    this.follower = new LogFollower(this.events, () => this.advance(), {
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

  /**
   * Drops every projection's documents, checkpoint and shadow: the next steps build them again from the
   * start, in place (an offline rebuild: queries meanwhile answer what is built so far).
   */
  async resetAll(): Promise<void> {
    await this.configure();
    await this.store.prepare(this.running);
    this.rebuilds.clear();
    for (const projection of this.running) {
      await this.store.dropShadow(projection);
      await this.store.reset(projection);
      this.checkpoints.set(projection.name, START);
      this.liveVersions.set(projection.name, projection.version);
    }
    this.loaded = true;
  }

  /**
   * Runs batches until the projections have caught up with the log's head, and the shadows that caught up
   * are swapped in; answers the events processed.
   */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const rebuilding = this.rebuilds.size;
      const processed = await this.advance();
      if (processed === 0 && (this.rebuilds.size === 0 || this.rebuilds.size === rebuilding)) return total;
      total += processed;
    }
  }

  /**
   * One step (loading the checkpoints first, the first time): reads a batch after the lowest live checkpoint
   * and one after the lowest shadow checkpoint, folds them into every projection behind, commits them
   * together, then swaps in each shadow that has caught up. Answers the events processed.
   */
  async advance(): Promise<number> {
    if (!this.loaded) await this.load();
    const building = [...this.rebuilds.keys()];
    const folded: FoldedBatch[] = [];
    try {
      folded.push(await this.foldBatch(this.liveTargets()), await this.foldBatch(this.shadowTargets()));
      if (folded.some((f) => f.events.length > 0)) {
        await this.store.commit({
          changes: folded.flatMap((f) => f.changes),
          checkpoints: folded.flatMap((f) => f.checkpoints),
        });
      }
    } catch (error) {
      if (!(error instanceof CheckpointMovedError) && !(await this.rebuildsMoved())) throw error;
      // Another projector committed first, or swapped in a shadow this one was building: go on from where
      // the store says things stand.
      await this.load();
      return Math.max(1, eventsIn(folded));
    }
    const [liveBatch, shadowBatch] = folded as [FoldedBatch, FoldedBatch];
    this.moveCheckpoints([...liveBatch.checkpoints, ...shadowBatch.checkpoints]);
    const { scrubsAfter } = this.options;
    if (scrubsAfter && [...liveBatch.events, ...shadowBatch.events].some(scrubsAfter))
      await this.store.scrub();
    for (const replacement of [...liveBatch.replacements, ...shadowBatch.replacements]) {
      await this.rebuild(replacement);
    }
    // A read for the shadows that was not full reached the log's head.
    if (shadowBatch.events.length < this.batchSize) await this.swapCaughtUp(building);
    this.waiters.reached(this.lowestCheckpoint());
    return eventsIn(folded);
  }

  /** True once every projection's live documents include the position; false if that takes longer. */
  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    return this.lowestCheckpoint() >= position
      ? Promise.resolve(true)
      : this.waiters.wait(position, timeoutMs);
  }

  status(): ProjectionStatus[] {
    return this.running.map((p) => {
      const rebuild = this.rebuilds.get(p.name);
      return {
        name: p.name,
        version: this.liveVersions.get(p.name) ?? p.version,
        checkpoint: this.checkpoints.get(p.name) ?? START,
        ...(rebuild
          ? { rebuilding: { version: rebuild.projection.version, checkpoint: rebuild.position } }
          : {}),
      };
    });
  }

  /**
   * The last position every projection's live documents include: while one is rebuilt, the checkpoint its
   * old documents are frozen at.
   */
  lowestCheckpoint(): Position {
    return lowest(this.running.map((p) => this.checkpoints.get(p.name) ?? START));
  }

  /**
   * Reads the checkpoints: a projection whose documents have another version is rebuilt beside them (its
   * shadow resumed where a crash left it); one without documents is built in place.
   */
  private async load(): Promise<void> {
    await this.configure();
    await this.store.prepare(this.running);
    this.rebuilds.clear();
    for (const projection of this.running) {
      let checkpoint = await this.store.checkpoint(projection.name);
      if (checkpoint?.version === RESETTING_VERSION) {
        // Dropped part-way: nothing worth showing meanwhile.
        await this.store.reset(projection);
        checkpoint = undefined;
      }
      this.checkpoints.set(projection.name, checkpoint?.position ?? START);
      this.liveVersions.set(projection.name, checkpoint?.version ?? projection.version);
      if (checkpoint && checkpoint.version !== projection.version) await this.startRebuild(projection);
    }
    this.loaded = true;
  }

  /** Builds each configurable projection with the configuration in effect at the log's head. */
  private async configure(): Promise<void> {
    this.running = await Promise.all(
      this.running.map((p) => (p.configuration ? p.configuration.load(this.events) : Promise.resolve(p))),
    );
  }

  private liveTargets(): FoldTarget[] {
    return this.running
      .filter((p) => !this.rebuilds.has(p.name))
      .map((projection) => ({
        projection,
        checkpoint: projection.name,
        storedAs: live,
        position: this.checkpoints.get(projection.name) ?? START,
      }));
  }

  private shadowTargets(): FoldTarget[] {
    return [...this.rebuilds.values()].map(({ projection, position }) => ({
      projection,
      checkpoint: shadowCheckpointName(projection.name),
      storedAs: shadowCollectionName,
      position,
    }));
  }

  /** Reads the batch after the lowest of the targets' checkpoints and folds it into each target behind. */
  private async foldBatch(targets: readonly FoldTarget[]): Promise<FoldedBatch> {
    const folded: FoldedBatch = { events: [], changes: [], checkpoints: [], replacements: [] };
    if (targets.length === 0) return folded;
    const after = lowest(targets.map((t) => t.position));
    const batch = await this.events.readAll({ after, maxCount: this.batchSize });
    for (const target of targets) {
      const { events, replacement } = eventsToFold(target.projection, batch, target.position);
      if (replacement) {
        folded.replacements.push({ index: this.indexOf(target.projection.name), projection: replacement });
      }
      const last = events[events.length - 1];
      if (!last) continue;
      folded.changes.push(...(await this.fold(target, events)));
      folded.checkpoints.push({
        name: target.checkpoint,
        position: last.position,
        version: target.projection.version,
        from: target.position,
      });
    }
    return { ...folded, events: batch };
  }

  private moveCheckpoints(checkpoints: readonly CheckpointMove[]): void {
    for (const { name, position } of checkpoints) {
      const rebuild = [...this.rebuilds.values()].find(
        (r) => shadowCheckpointName(r.projection.name) === name,
      );
      if (rebuild) this.rebuilds.set(rebuild.projection.name, { ...rebuild, position });
      else this.checkpoints.set(name, position);
    }
  }

  /**
   * Whether another projector has moved or swapped in a shadow this one builds: its collections may then be
   * gone, which fails the fold before the commit could tell.
   */
  private async rebuildsMoved(): Promise<boolean> {
    for (const { projection, position } of this.rebuilds.values()) {
      const shadow = await this.store.checkpoint(shadowCheckpointName(projection.name));
      const stored = await this.store.checkpoint(projection.name);
      if ((shadow?.position ?? START) !== position || stored?.version === projection.version) return true;
    }
    return false;
  }

  /** Starts building the projection built with a new configuration beside the one it replaces. */
  private async rebuild({ index, projection }: Replacement): Promise<void> {
    this.running[index] = projection;
    await this.startRebuild(projection);
  }

  private async startRebuild(projection: Projection): Promise<void> {
    const shadow = await this.store.prepareShadow(projection);
    this.rebuilds.set(projection.name, { projection, position: shadow?.position ?? START });
  }

  /**
   * Swaps in each shadow of those just read for (`building`) that stands at or past every live projection.
   * Another projector's swap first is taken up from the store.
   */
  private async swapCaughtUp(building: readonly string[]): Promise<void> {
    const head = this.liveTargets().reduce((max, t) => (t.position > max ? t.position : max), START);
    for (const name of building) {
      const rebuild = this.rebuilds.get(name);
      if (!rebuild || rebuild.position < head) continue;
      const { projection, position } = rebuild;
      try {
        await this.store.swapShadow(projection, position);
      } catch (error) {
        if (!(error instanceof CheckpointMovedError)) throw error;
        await this.load();
        return;
      }
      this.rebuilds.delete(projection.name);
      this.checkpoints.set(projection.name, position);
      this.liveVersions.set(projection.name, projection.version);
    }
  }

  private indexOf(name: string): number {
    return this.running.findIndex((p) => p.name === name);
  }

  /** Applies a projection's pure evolve to the events, over the documents it names; answers the net changes. */
  private async fold(target: FoldTarget, events: readonly RecordedEvent[]): Promise<DocChange[]> {
    const { projection, storedAs } = target;
    const documents = new FoldedDocuments(projection, (collection, ids) =>
      this.store.getMany(storedAs(collection), ids),
    );
    await documents.fold(events);
    return documents.changes().map((change) => ({ ...change, collection: storedAs(change.collection) }));
  }
}

const eventsIn = (folded: readonly FoldedBatch[]): number =>
  folded.reduce((sum, f) => sum + f.events.length, 0);

function lowest(positions: readonly Position[]): Position {
  let found: Position | undefined;
  for (const position of positions) if (found === undefined || position < found) found = position;
  return found ?? START;
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
