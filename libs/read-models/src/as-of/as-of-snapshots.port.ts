import type { Position } from '@app/event-store';
import type { Doc, DocChange } from '../projection';

/**
 * One snapshot of a projection's documents, cut after the event at `position`. Snapshots of a projection are
 * numbered 1, 2, 3... in log order; a document's state at snapshot k is its latest version tagged k or less.
 */
export interface SnapshotCut {
  readonly snapshot: number;
  readonly position: Position;
  /**
   * The latest occurredAt of every event at or before `position`: every event the snapshot holds had occurred
   * by then, so it answers any moment from this one on (with the later events that had occurred by then).
   */
  readonly cutTime: string;
  /**
   * The earliest occurredAt of the events after the previous snapshot, up to `position`: a moment before it
   * needs none of them.
   */
  readonly earliest: string;
}

/** A projection whose snapshots are kept: the version of it they were folded with, and their generation. */
export interface KeptProjection {
  readonly name: string;
  readonly version: number;
  /**
   * Raised each time the projection's snapshots are dropped (a new version): a reader that saw one generation
   * and finds another after reading has read snapshots being dropped, and must not trust its answer.
   */
  readonly generation: number;
}

/** A new snapshot of one projection: its documents changed since the previous one (null: deleted). */
export interface SnapshotWrite {
  readonly projection: string;
  readonly cut: SnapshotCut;
  readonly changes: readonly DocChange[];
}

/** One version of a document: as it stood from that snapshot on (null: deleted). */
export interface DocVersion {
  readonly id: string;
  readonly snapshot: number;
  readonly doc: Doc | null;
}

/** What a moment needs from a projection's snapshots. */
export interface SnapshotPlan {
  readonly kept: KeptProjection;
  /** The latest snapshot cut at or before the moment (cutTime <= it); undefined when there is none. */
  readonly base: SnapshotCut | undefined;
  /**
   * The position of the last snapshot after `base` whose interval holds an event that had occurred by the
   * moment: past it, up to `last`, no event had. base's position (or START) when there is none.
   */
  readonly reach: Position;
  /** The latest snapshot: past it, events are not summarised. */
  readonly last: SnapshotCut | undefined;
}

/**
 * Where snapshots of projection state are kept, copy-on-write, for answering "as it stood at a moment"
 * without folding the whole log: each snapshot writes only the documents changed since the previous one, and
 * its row (the keeper's checkpoint) with them. The state is derived from the log and can be dropped and
 * rebuilt at any time; it holds only projections that read no personal data.
 */
export abstract class AsOfSnapshots {
  /** Every projection snapshots are kept for. */
  abstract kept(): Promise<KeptProjection[]>;
  /** The record of one projection, undefined when none is kept. */
  abstract keptOf(name: string): Promise<KeptProjection | undefined>;
  /**
   * Drops whatever is kept of the projection and records it anew with this version, its snapshots to be
   * folded from the start of the log; raises the generation.
   */
  abstract restart(name: string, version: number): Promise<KeptProjection>;
  /** Drops whatever is kept of the projection, record included. */
  abstract forget(name: string): Promise<void>;
  /** The projection's latest snapshot, undefined when none was cut. */
  abstract lastCut(name: string): Promise<SnapshotCut | undefined>;
  /** Drops versions tagged after the latest snapshot: left by a cut that never completed. */
  abstract discardUncut(name: string): Promise<void>;
  /** Writes snapshots: each one's versions, then its row, atomically or in that order. */
  abstract cut(...writes: readonly SnapshotWrite[]): Promise<void>;

  /** The snapshots a moment (an ISO-8601 UTC string, compared as text as the log does) needs. */
  abstract plan(name: string, until: string): Promise<SnapshotPlan | undefined>;
  /** The documents as they stood at a snapshot; those that did not exist are left out. */
  abstract getMany(
    name: string,
    collection: string,
    ids: readonly string[],
    snapshot: number,
  ): Promise<Map<string, Doc>>;
  /** Every document of a collection as it stood at a snapshot. */
  abstract all(name: string, collection: string, snapshot: number): Promise<Doc[]>;
  /**
   * The versions of a collection's documents tagged after `after`, up to `upTo`, in the order of their
   * snapshots; at most `limit` of them.
   */
  abstract versions(
    name: string,
    collection: string,
    after: number,
    upTo: number,
    limit: number,
  ): Promise<DocVersion[]>;

  abstract close(): Promise<void>;
}
