import type { Position } from '@app/event-store';
import type { CountQuery, Doc, DocChange, DocumentReader, FindQuery, Projection } from './projection';

export interface Checkpoint {
  readonly name: string;
  /** The last log position whose changes are in the documents. */
  readonly position: Position;
  /** The projection's version when it wrote them. */
  readonly version: number;
}

/** A checkpoint to write, and the one the batch was folded from. */
export interface CheckpointMove extends Checkpoint {
  /**
   * Where the checkpoint stood when the batch was read (START when there was none). The commit is refused with
   * CheckpointMovedError if it stands elsewhere now: another projector committed the batch first, and
   * applying it again would count its events twice.
   */
  readonly from?: Position;
}

export class CheckpointMovedError extends Error {
  constructor(
    readonly checkpoint: string,
    readonly expected: Position,
    readonly actual: Position,
  ) {
    super(`checkpoint ${checkpoint} is at ${actual}, not at ${expected}: another process committed first`);
    this.name = 'CheckpointMovedError';
  }
}

/**
 * Where a projection's new version is built beside the live one (see ReadStore.prepareShadow): the collection
 * that holds a collection's shadow. The leading underscore keeps it apart from every valid collection name.
 */
export const shadowCollectionName = (collection: string): string => `_shadow_${collection}`;

/** The checkpoint of a projection's shadow: how far its new version is built, and that version. */
export const shadowCheckpointName = (projection: string): string => `${projection}.shadow`;

/** The version of a checkpoint written while the documents are being dropped (see ReadStore.reset). */
export const RESETTING_VERSION = -1;

/** One atomic write: document changes and the checkpoints they bring the projections to. */
export interface ReadStoreCommit {
  readonly changes: readonly DocChange[];
  readonly checkpoints: readonly CheckpointMove[];
}

/** A consistent view for one query: documents and checkpoints as of a single commit. */
export interface SnapshotReader extends DocumentReader {
  checkpoint(name: string): Promise<Checkpoint | undefined>;
}

/**
 * Where read models live: documents in collections, and each projection's checkpoint. A commit writes
 * documents and checkpoints together, so that a crash at any moment neither loses nor double-counts an
 * event. Adapters: SQLite (embedded) and MongoDB (production); both answer FindQuery like `findIn`.
 */
export abstract class ReadStore implements DocumentReader {
  /**
   * Creates the collections and indexes the projections declare, and finishes a swap of their shadow that a
   * crash interrupted (where a swap is not one transaction).
   */
  abstract prepare(projections: readonly Projection[]): Promise<void>;

  abstract get<T extends Doc>(collection: string, id: string): Promise<T | undefined>;
  abstract getMany(collection: string, ids: readonly string[]): Promise<Map<string, Doc>>;
  abstract find<T extends Doc>(collection: string, query: FindQuery): Promise<T[]>;
  abstract count(collection: string, query: CountQuery): Promise<number>;

  abstract checkpoint(name: string): Promise<Checkpoint | undefined>;
  /**
   * Runs a query on one consistent snapshot, so that a report and the position it states agree even while
   * projections commit.
   */
  abstract snapshot<T>(query: (reader: SnapshotReader) => Promise<T>): Promise<T>;
  abstract commit(commit: ReadStoreCommit): Promise<void>;
  /**
   * Drops a projection's documents and checkpoint, so that it is rebuilt from the start of the log. A store
   * that cannot drop them in one step leaves the checkpoint at RESETTING_VERSION until it is done,
   * so that a crash half-way is seen as documents to drop again.
   */
  abstract reset(projection: Pick<Projection, 'name' | 'collections'>): Promise<void>;

  /**
   * Makes ready the shadow of a projection: collections of its own (shadowCollectionName of each) and a
   * checkpoint of its own (shadowCheckpointName), where its version is built from the start of the log while
   * the live collections keep answering queries. A shadow of this version is kept, to be resumed from its
   * checkpoint; one of another version, or without a checkpoint, is emptied. Commits write to it as to any
   * collection, under those names. Answers the shadow's checkpoint (undefined: build from the start).
   */
  abstract prepareShadow(projection: Projection): Promise<Checkpoint | undefined>;

  /**
   * Puts a projection's shadow in place of its live collections: its documents and indexes under the live
   * names, and its checkpoint (position and version) as the projection's; the shadow is then gone. Queries
   * see the live documents before or after, never a mix (see each adapter for how far that holds). Refused
   * with CheckpointMovedError, changing nothing, when the shadow's checkpoint is not at `position` with the
   * projection's version: another projector moved it, or swapped it first.
   */
  abstract swapShadow(projection: Projection, position: Position): Promise<void>;

  /** Drops a projection's shadow: its collections and its checkpoint. */
  abstract dropShadow(projection: Pick<Projection, 'name' | 'collections'>): Promise<void>;

  /**
   * Makes what commits deleted or overwrote unrecoverable from the store's own files (an erasure purged a
   * person): the embedded store zeroes freed space (secure_delete) and folds its write-ahead log back and
   * empties it. A store whose engine keeps no such copies within reach does nothing.
   */
  scrub(): Promise<void> {
    return Promise.resolve();
  }

  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
