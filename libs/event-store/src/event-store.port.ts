/**
 * The event store port: durable, append-only streams with optimistic concurrency, and one global log.
 * Every adapter (SQLite embedded, EventStoreDB in production) passes the same contract suite
 * (testing/event-store.contract.ts).
 */

/** A place in the global log. Increasing; in the embedded store also gapless (1, 2, 3...). */
export type Position = bigint;

/** The position before the first event: reading the log "after START" reads it from the beginning. */
export const START: Position = 0n;

/**
 * What the writer believes about the stream:
 * - `any`: no check;
 * - `no_stream`: the stream must not exist yet;
 * - `stream_exists`: the stream must have at least one event;
 * - a number: the revision of the stream's last event (0 for a stream of one event).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventMetadata {
  /** ISO 8601 UTC time at which the command that caused the event was decided. */
  readonly occurredAt: string;
  /** Who caused it. */
  readonly actor: string;
  /** Ties together every event that one business operation caused, across streams and services. */
  readonly correlationId: string;
  /** The id of the command or event that directly caused this one. */
  readonly causationId: string;
  /** The schema version of the event's data. */
  readonly schemaVersion: number;
  /** Adapters and callers may add their own keys (idempotency key, tamper-evidence hash...). */
  readonly [key: string]: unknown;
}

export interface NewEvent {
  /** A UUID chosen by the writer: appending the same ids again is a retry, answered without writing. */
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  /** 0 for the first event of its stream, then 1, 2... */
  readonly revision: number;
  readonly position: Position;
  /**
   * The record as the store holds it, when a layer above changed what is read (data upcast to the current
   * schema, personal data opened). Hashes, the Merkle tree and its proofs are over it: see `storedRecordOf`.
   */
  readonly asStored?: RecordedEvent;
}

/** The event as the store holds it, beneath whatever a layer above changed in what was read. */
export const storedRecordOf = (event: RecordedEvent): RecordedEvent => event.asStored ?? event;

export interface AppendResult {
  readonly streamId: string;
  /** Revision of the last event written (the stream's revision after the append). */
  readonly revision: number;
  /** Global position of the last event written. */
  readonly position: Position;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** First revision to read (inclusive); defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; START (the default) reads from the first event. */
  readonly after?: Position;
  readonly maxCount: number;
  /**
   * Only events that had occurred by this instant: metadata.occurredAt at or before it, both ISO-8601 UTC
   * strings as toISOString writes them (compared as text). Later events are skipped, not counted in maxCount.
   */
  readonly occurredUntil?: string;
}

export type Unsubscribe = () => void;

export abstract class EventStore {
  /** True when positions run 1, 2, 3... without gaps (the embedded store), so a missing one means tampering. */
  abstract readonly gaplessPositions: boolean;

  /**
   * Appends events to a stream atomically (all or none), if the stream is at the expected revision.
   * Resolves only once the events are durable. Rejects with WrongExpectedRevisionError when the check fails.
   */
  abstract appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: { readonly expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;

  /** Reads a stream's events; an empty array when the stream does not exist. */
  abstract readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Reads the global log in position order, in batches. */
  abstract readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;

  /** The store a layer (upcasting, sealing) reads and writes through; undefined for an adapter. */
  get beneath(): EventStore | undefined {
    return undefined;
  }

  /** The position of the last event in the log (START when the log is empty). */
  abstract headPosition(): Promise<Position>;

  /**
   * Calls the listener (with the new head position) after events land, so that in-process readers following
   * the log can read on without polling. Listeners must not throw.
   */
  abstract onAppended(listener: (head: Position) => void): Unsubscribe;

  /** Checks the store can be reached and answer; throws when it cannot. */
  abstract ping(): Promise<void>;

  abstract close(): Promise<void>;
}
