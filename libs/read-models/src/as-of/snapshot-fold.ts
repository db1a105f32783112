import { type EventStore, type Position, type RecordedEvent, START } from '@app/event-store';
import { findIn } from '../memory-documents';
import type { CountQuery, Doc, DocumentReader, FindQuery, Projection } from '../projection';
import type { AsOfSnapshots } from './as-of-snapshots.port';
import { FoldedDocuments } from '../folded-documents';
import { VersionCache } from './version-cache';

/** Events read at a time while folding from a snapshot. */
const BATCH = 1000;

/** Where one projection's fold as of a moment starts, and how far the log must be read for it. */
interface Start {
  readonly projection: Projection;
  /** The snapshot folded from; 0 when none (the fold starts at the beginning of the log). */
  readonly snapshot: number;
  /** Its position: every event up to it is in the snapshot, and had occurred by the moment. */
  readonly position: Position;
  /** Past it, up to `last`, no event had occurred by the moment. */
  readonly reach: Position;
  /** The latest snapshot's position: past it, nothing is known of the events. */
  readonly last: Position;
  /** The generation of the snapshots read, to check after reading; undefined when none are read. */
  readonly generation: number | undefined;
}

const lowest = (positions: readonly Position[]): Position => positions.reduce((a, b) => (b < a ? b : a));
const highest = (positions: readonly Position[]): Position => positions.reduce((a, b) => (b > a ? b : a));

/**
 * Answers "as of a moment" from snapshots, exactly as a fold of the whole log up to that moment would: each
 * projection starts from its latest snapshot cut at or before the moment (every event in it had occurred by
 * then), and folds the later events that had occurred by then, in log order. Those can only be in the
 * intervals between snapshots whose earliest event had occurred by then, and after the latest snapshot: the
 * log is read there only. The report reads the folded documents over the snapshot's.
 */
export class SnapshotFold {
  private readonly cache: VersionCache;

  constructor(
    /** The log in the reading the snapshots were folded over. */
    private readonly events: EventStore,
    private readonly snapshots: AsOfSnapshots,
  ) {
    this.cache = new VersionCache(snapshots);
  }

  /**
   * Folds the projections as of the moment and runs `use` on their documents and the position of the last
   * event that had occurred by then. Undefined when snapshots were dropped while it read them (a projection's
   * new version is being rebuilt): the answer could mix two generations, and the caller folds the log.
   */
  async read<T>(
    projections: readonly Projection[],
    asOf: Date,
    use: (documents: DocumentReader, position: Position) => Promise<T>,
  ): Promise<{ value: T } | undefined> {
    const until = asOf.toISOString();
    const starts = await Promise.all(projections.map((projection) => this.startOf(projection, until)));
    const folds = new Map(
      starts.map((start) => [start, new FoldedDocuments(start.projection, this.loaderAt(start))] as const),
    );
    let position = highest(starts.map((s) => s.position));
    const foldBatch = async (batch: readonly RecordedEvent[]) => {
      const occurred = batch.filter((event) => event.metadata.occurredAt <= until);
      if (occurred.length === 0) return;
      const last = occurred[occurred.length - 1]!.position;
      if (last > position) position = last;
      for (const [start, documents] of folds) {
        await documents.fold(occurred.filter((event) => event.position > start.position));
      }
    };
    const from = lowest(starts.map((s) => s.position));
    const reach = highest(starts.map((s) => s.reach));
    await this.readBetween(from, reach, foldBatch);
    const tail = highest([reach, lowest(starts.map((s) => s.last))]);
    await this.readOccurredAfter(tail, until, foldBatch);

    const value = await use(new OverlayReader(this.snapshots, this.cache, [...folds]), position);
    for (const start of starts) {
      if (start.generation === undefined) continue;
      if ((await this.snapshots.keptOf(start.projection.name))?.generation !== start.generation)
        return undefined;
    }
    return { value };
  }

  private async startOf(projection: Projection, until: string): Promise<Start> {
    const plan = await this.snapshots.plan(projection.name, until);
    if (!plan || plan.kept.version !== projection.version) {
      // Nothing usable: the whole log, as a full fold reads it.
      return { projection, snapshot: 0, position: START, reach: START, last: START, generation: undefined };
    }
    return {
      projection,
      snapshot: plan.base?.snapshot ?? 0,
      position: plan.base?.position ?? START,
      reach: plan.reach,
      last: plan.last?.position ?? START,
      generation: plan.kept.generation,
    };
  }

  private loaderAt(start: Start) {
    return (collection: string, ids: readonly string[]) =>
      start.snapshot === 0
        ? Promise.resolve(new Map<string, Doc>())
        : this.snapshots.getMany(start.projection.name, collection, ids, start.snapshot);
  }

  /** Every event in (after, until], whenever it occurred (the caller filters). */
  private async readBetween(
    after: Position,
    until: Position,
    fold: (batch: readonly RecordedEvent[]) => Promise<void>,
  ): Promise<void> {
    while (after < until) {
      // Positions increase: there are at most until - after events in (after, until].
      const maxCount = until - after < BigInt(BATCH) ? Number(until - after) : BATCH;
      const batch = (await this.events.readAll({ after, maxCount })).filter((e) => e.position <= until);
      if (batch.length === 0) return;
      await fold(batch);
      after = batch[batch.length - 1]!.position;
    }
  }

  /** The events after the position that had occurred by the moment, to the end of the log. */
  private async readOccurredAfter(
    after: Position,
    until: string,
    fold: (batch: readonly RecordedEvent[]) => Promise<void>,
  ): Promise<void> {
    for (;;) {
      const batch = await this.events.readAll({ after, maxCount: BATCH * 5, occurredUntil: until });
      if (batch.length === 0) return;
      await fold(batch);
      after = batch[batch.length - 1]!.position;
    }
  }
}

/**
 * The documents as of the moment: those the fold touched as it left them, the others as the snapshot holds
 * them. Queries have the semantics of findIn, over the collection's documents merged this way.
 */
class OverlayReader implements DocumentReader {
  private readonly owners = new Map<string, readonly [Start, FoldedDocuments]>();

  constructor(
    private readonly snapshots: AsOfSnapshots,
    private readonly cache: VersionCache,
    folds: readonly (readonly [Start, FoldedDocuments])[],
  ) {
    for (const fold of folds) {
      for (const { name } of fold[0].projection.collections) this.owners.set(name, fold);
    }
  }

  async get<T extends Doc>(collection: string, id: string): Promise<T | undefined> {
    const owner = this.owners.get(collection);
    if (!owner) return undefined;
    const [start, folded] = owner;
    const known = folded.known(collection, id);
    if (known !== undefined) return (known ?? undefined) as T | undefined;
    if (start.snapshot === 0) return undefined;
    const found = await this.snapshots.getMany(start.projection.name, collection, [id], start.snapshot);
    return found.get(id) as T | undefined;
  }

  async find<T extends Doc>(collection: string, query: FindQuery): Promise<T[]> {
    return findIn(await this.all(collection), query) as T[];
  }

  async count(collection: string, query: CountQuery): Promise<number> {
    return findIn(await this.all(collection), query).length;
  }

  private async all(collection: string): Promise<Doc[]> {
    const owner = this.owners.get(collection);
    if (!owner) return [];
    const [start, folded] = owner;
    const overlay = folded.docs.get(collection) ?? new Map<string, Doc | null>();
    const stored = await this.stored(start, collection);
    const docs = stored.filter((doc) => !overlay.has(doc.id));
    for (const doc of overlay.values()) if (doc !== null) docs.push(doc);
    return docs;
  }

  /** The collection as the snapshot holds it: from the cache when it holds the collection. */
  private async stored({ projection, snapshot, generation }: Start, collection: string): Promise<Doc[]> {
    if (snapshot === 0) return [];
    const cached =
      generation === undefined
        ? undefined
        : await this.cache.all(projection.name, generation, collection, snapshot);
    return cached ?? (await this.snapshots.all(projection.name, collection, snapshot));
  }
}
