import { EventIdConflictError, StoreUnavailableError, WrongExpectedRevisionError } from '../errors';
import {
  type AppendResult,
  EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  START,
  type Unsubscribe,
} from '../event-store.port';
import { GENESIS_HASH, chainEvents } from '../integrity';
import { assertAppendable, revisionMatches } from '../validation';
import type { SqliteDatabase } from './sqlite-database';

/** A row of the embedded log's events table, as SQLite answers it. */
export interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
  /** performance.now() when the append was requested. */
  readonly requestedAt: number;
}

export interface SqliteEventStoreStats {
  /** Appends acknowledged (written or recognised as retries). */
  readonly appends: number;
  /** Write transactions committed: fewer than appends when group commit coalesced them. */
  readonly transactions: number;
}

/** A group commit, as `onCommitted` listeners hear of it (metrics). */
export interface SqliteCommit {
  /** Appends the transaction held: written, recognised as retries, or refused by their revision check. */
  readonly appends: number;
  /** False when the transaction failed, and every append in it with it. */
  readonly committed: boolean;
  /** For each append, milliseconds from its request to the end of the transaction (durable when committed). */
  readonly latenciesMs: readonly number[];
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position  INTEGER PRIMARY KEY,
    event_id  TEXT    NOT NULL UNIQUE,
    stream_id TEXT    NOT NULL,
    revision  INTEGER NOT NULL,
    type      TEXT    NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  );
`;

/** Appends that share one transaction at most: bounds a batch's latency and the time the loop is held. */
const MAX_APPENDS_PER_TRANSACTION = 1000;

/**
 * The embedded event store on SQLite.
 *
 * Positions are the table's integer primary key: SQLite has one writer at a time and never reuses or skips a
 * key when rows are only ever inserted, so the log is gapless and in commit order, even with several
 * processes on the file.
 *
 * Group commit: appends requested in the same turn of the event loop are written in one transaction (one
 * fsync), each inside its own savepoint, so one append's failed revision check never touches another's
 * events and each append stays all-or-nothing. Promises resolve only after the commit is durable.
 */
export class SqliteEventStore extends EventStore {
  readonly gaplessPositions = true;
  private readonly statements: ReturnType<SqliteEventStore['prepare']>;
  private readonly listeners = new Set<(head: Position) => void>();
  private readonly commitListeners = new Set<(commit: SqliteCommit) => void>();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private counters = { appends: 0, transactions: 0 };

  constructor(private readonly db: SqliteDatabase) {
    super();
    db.exec(SCHEMA);
    this.statements = this.prepare(db);
  }

  private prepare(db: SqliteDatabase) {
    return {
      insert: db.prepare<[number, string, string, number, string, string, string]>(
        'INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      lastOfStream: db.prepare<[string], { revision: number; hash: string | null }>(
        "SELECT revision, json_extract(metadata, '$.hash') AS hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1",
      ),
      head: db.prepare<[], number | null>('SELECT MAX(position) FROM events').pluck(),
      byEventId: db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?'),
      forwards: db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      backwards: db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      all: db.prepare<[number, number], EventRow>(
        'SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?',
      ),
      // The time filter runs inside SQLite: events after the moment are never parsed into objects.
      allUntil: db.prepare<[number, string, number], EventRow>(
        "SELECT * FROM events WHERE position > ? AND json_extract(metadata, '$.occurredAt') <= ? ORDER BY position ASC LIMIT ?",
      ),
    };
  }

  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    try {
      this.assertOpen();
      assertAppendable(streamId, events);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({
        streamId,
        events,
        expectedRevision: options.expectedRevision ?? 'any',
        resolve,
        reject,
        requestedAt: performance.now(),
      });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue.splice(0, MAX_APPENDS_PER_TRANSACTION);
    if (this.queue.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;

    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    let head = 0;
    try {
      // Positions continue from the head read inside the write lock, so they stay gapless.
      this.db
        .transaction(() => {
          head = this.statements.head.get() ?? 0;
          for (const append of batch) {
            const savepoint = this.db.transaction(() => this.writeOne(append, head));
            try {
              const result = savepoint();
              head = Math.max(head, Number(result.position));
              outcomes.push({ ok: true, result });
            } catch (error) {
              if (!isRefusal(error)) throw error;
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      const failure = new StoreUnavailableError(`the event store could not write: ${describe(error)}`, {
        cause: error,
      });
      for (const append of batch) append.reject(failure);
      this.committed(batch, false);
      return;
    }

    this.counters.transactions += 1;
    batch.forEach((append, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) {
        this.counters.appends += 1;
        append.resolve(outcome.result);
      } else {
        append.reject(outcome.error);
      }
    });
    if (outcomes.some((o) => o.ok)) this.notify(BigInt(head));
    this.committed(batch, true);
  }

  /** Hears of every write transaction once it ended: how many appends it held and how long each waited. */
  onCommitted(listener: (commit: SqliteCommit) => void): Unsubscribe {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  private committed(batch: readonly PendingAppend[], committed: boolean): void {
    if (this.commitListeners.size === 0) return;
    const now = performance.now();
    const commit: SqliteCommit = {
      appends: batch.length,
      committed,
      latenciesMs: batch.map((append) => now - append.requestedAt),
    };
    for (const listener of this.commitListeners) {
      try {
        listener(commit);
      } catch {
        // A listener only watches: what it fails at must not reach the appends.
      }
    }
  }

  /** Writes one append inside the batch's transaction; throws a refusal to roll back just this append. */
  private writeOne({ streamId, events, expectedRevision }: PendingAppend, head: number): AppendResult {
    const retried = this.findRetry(streamId, events);
    if (retried) return retried;

    const last = this.statements.lastOfStream.get(streamId);
    const current = last?.revision ?? -1;
    if (!revisionMatches(expectedRevision, current)) {
      throw new WrongExpectedRevisionError(streamId, expectedRevision, current);
    }
    let position = head;
    let revision = current;
    for (const event of chainEvents(last?.hash ?? GENESIS_HASH, streamId, current + 1, events)) {
      position += 1;
      revision += 1;
      try {
        this.statements.insert.run(
          position,
          event.id,
          streamId,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        );
      } catch (error) {
        if (isUniqueViolation(error, 'events.event_id')) throw new EventIdConflictError(streamId, event.id);
        throw error;
      }
    }
    return { streamId, revision, position: BigInt(position) };
  }

  /**
   * A retry is an append whose event ids are all already in this stream, in the same order: it is answered
   * with the original result and writes nothing. Some ids present but not all is a conflict.
   */
  private findRetry(streamId: string, events: readonly NewEvent[]): AppendResult | undefined {
    const first = this.statements.byEventId.get(events[0]!.id);
    const anyKnown = first ?? events.slice(1).find((e) => this.statements.byEventId.get(e.id));
    if (!anyKnown) return undefined;
    if (!first || first.stream_id !== streamId) throw new EventIdConflictError(streamId, events[0]!.id);
    let last = first;
    for (let i = 1; i < events.length; i++) {
      const row = this.statements.byEventId.get(events[i]!.id);
      if (!row || row.stream_id !== streamId || row.revision !== first.revision + i) {
        throw new EventIdConflictError(streamId, events[i]!.id);
      }
      last = row;
    }
    return { streamId, revision: last.revision, position: BigInt(last.position) };
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.read(() => {
      const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
      const rows =
        options.direction === 'backwards'
          ? this.statements.backwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount)
          : this.statements.forwards.all(streamId, options.fromRevision ?? 0, maxCount);
      return rows.map(toRecorded);
    });
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const after = Number(options.after ?? START);
    return this.read(() =>
      (options.occurredUntil === undefined
        ? this.statements.all.all(after, options.maxCount)
        : this.statements.allUntil.all(after, options.occurredUntil, options.maxCount)
      ).map(toRecorded),
    );
  }

  headPosition(): Promise<Position> {
    return this.read(() => BigInt(this.statements.head.get() ?? 0));
  }

  onAppended(listener: (head: Position) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ping(): Promise<void> {
    return this.read(() => {
      this.db.prepare('SELECT 1').get();
    });
  }

  stats(): SqliteEventStoreStats {
    return { ...this.counters };
  }

  /** Waits for queued appends, then stops accepting new ones. The database itself belongs to its opener. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.flushScheduled) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.closed = true;
    this.listeners.clear();
  }

  private read<T>(fn: () => T): Promise<T> {
    try {
      this.assertOpen();
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
  }

  /**
   * Another connection to the same file appended up to `head` (a projection thread's automation, or the
   * process it serves): wakes this store's in-process readers as an append of its own would.
   */
  notifyAppended(head: Position): void {
    if (!this.closed) this.notify(head);
  }

  private notify(head: Position): void {
    for (const listener of this.listeners) listener(head);
  }
}

const isRefusal = (error: unknown): boolean =>
  error instanceof WrongExpectedRevisionError || error instanceof EventIdConflictError;

const isUniqueViolation = (error: unknown, column: string): boolean =>
  error instanceof Error &&
  (error as Error & { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
  error.message.includes(column);

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The event a row of the events table holds (for tools that read the file itself). */
export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    position: BigInt(row.position),
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
  };
}
