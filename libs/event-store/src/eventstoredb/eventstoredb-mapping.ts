/**
 * The decisions of the EventStoreDB adapter, as pure functions: how the port's values map to the client's and
 * back, which events belong to the application's log, when an append is a retry, how client errors read.
 */
import {
  ANY,
  type AllStreamRecordedEvent,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  BACKWARDS,
  END,
  ErrorType,
  type EventData,
  FORWARDS,
  type Filter,
  NO_STREAM,
  type Position as EsdbPosition,
  type ReadPosition,
  type ReadStreamOptions as EsdbReadStreamOptions,
  type RecordedEvent as EsdbRecordedEvent,
  START as ESDB_START,
  STREAM_EXISTS,
  convertToCommandError,
  isCommandError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import {
  EventIdConflictError,
  InvalidAppendError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../errors';
import {
  type AppendResult,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadStreamOptions,
  type RecordedEvent,
  START,
} from '../event-store.port';

/** EventStoreDB's own metadata keys: its `$by_correlation_id` projection and tooling link events by them. */
export const CORRELATION_ID_KEY = '$correlationId';
export const CAUSATION_ID_KEY = '$causationId';

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** The exact expectation for a stream whose last revision is `current` (-1: no stream). */
export const exactExpectation = (current: number): ExpectedRevision =>
  current === -1 ? 'no_stream' : current;

/** Only a loose expectation may be retried against a newer revision after a lost race. */
export const isLooseExpectation = (expected: ExpectedRevision): boolean =>
  expected === 'any' || expected === 'stream_exists';

/**
 * Metadata keys starting with `$` belong to EventStoreDB; the adapter writes two of them itself and strips them
 * on read, so a caller's own would not read back.
 */
export function assertStorableMetadata(events: readonly NewEvent[]): void {
  for (const event of events) {
    const reserved = Object.keys(event.metadata).find((key) => key.startsWith('$'));
    if (reserved !== undefined) {
      throw new InvalidAppendError(
        `metadata key "${reserved}" of event ${event.id} is reserved by EventStoreDB`,
      );
    }
  }
}

export function toStoredMetadata(metadata: EventMetadata): Record<string, unknown> {
  return {
    ...metadata,
    [CORRELATION_ID_KEY]: metadata.correlationId,
    [CAUSATION_ID_KEY]: metadata.causationId,
  };
}

export function fromStoredMetadata(stored: Record<string, unknown>): EventMetadata {
  const { [CORRELATION_ID_KEY]: _correlationId, [CAUSATION_ID_KEY]: _causationId, ...metadata } = stored;
  return metadata as EventMetadata;
}

/** Our event ids are EventStoreDB's event ids, so the server recognises a resent append as the same events. */
export const toEventData = (event: NewEvent): EventData =>
  jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: toStoredMetadata(event.metadata) });

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

export function fromEsdbEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.isJson || !isPlainObject(event.data) || !isPlainObject(event.metadata)) {
    throw new Error(
      `event ${event.id} in ${event.streamId} does not have JSON object data and metadata: it was not written by this application`,
    );
  }
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: fromStoredMetadata(event.metadata),
    streamId: event.streamId,
    revision: Number(event.revision),
    position: toPosition(event.position, event.id),
  };
}

/** What a server sends for a position it does not know: -1 as an unsigned 64-bit integer (an unset one reads 0). */
const UNKNOWN_POSITION = 2n ** 64n - 1n;

/**
 * Our position is the event's commit position. Several events of one append do NOT share it: the server writes
 * every event of an append as its own self-committed record (PrepareFlags.IsCommitted, StorageWriterService) and
 * reports each at TFPos(its log position, its log position) in $all and in stream reads (AllReader,
 * ResolvedEvent.CalculatePosition). So commit = prepare, unique per event and increasing in $all order. Only
 * events of an explicit transaction (the legacy TCP API) share a commit position; they are refused here rather
 * than given positions that would collide.
 */
export function toPosition(position: EsdbPosition | undefined, eventId: string): Position {
  if (position === undefined || position.commit === UNKNOWN_POSITION || position.commit === 0n) {
    throw new Error(
      `EventStoreDB gave no position for event ${eventId}: the adapter needs server 22.6 or later`,
    );
  }
  if (position.commit !== position.prepare) {
    throw new Error(
      `event ${eventId} was committed in an explicit transaction (commit ${position.commit}, prepare ${position.prepare}): its position is not its own`,
    );
  }
  return position.commit;
}

/**
 * The position of an append's last event as its response gives it (the server answers commit = prepare = that
 * event's log position); undefined when it gave none (an idempotent answer may not know it) or an unexpected
 * pair, and the caller reads the event instead.
 */
export function appendedPosition(result: EsdbAppendResult): Position | undefined {
  const position = result.position;
  if (position === undefined || position.commit !== position.prepare) return undefined;
  return position.commit === UNKNOWN_POSITION || position.commit === 0n ? undefined : position.commit;
}

/** The client position of one of our positions: commit and prepare are the same (see toPosition). */
export const toEsdbPosition = (position: Position): EsdbPosition => ({ commit: position, prepare: position });

/** Where to start reading $all forwards to get the events after `after`; the server's start is inclusive. */
export const readAllFrom = (after: Position): ReadPosition =>
  after === START ? ESDB_START : toEsdbPosition(after);

export function toReadStreamOptions(options: ReadStreamOptions): EsdbReadStreamOptions {
  const backwards = options.direction === 'backwards';
  return {
    direction: backwards ? BACKWARDS : FORWARDS,
    fromRevision:
      options.fromRevision === undefined ? (backwards ? END : ESDB_START) : BigInt(options.fromRevision),
    maxCount: options.maxCount,
  };
}

export function comparePositions(a: EsdbPosition, b: EsdbPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

/**
 * Which streams make up the application's log: every stream that is not EventStoreDB's own (`$...`), or, on a
 * server shared with others, only those of the given categories (`lead` -> `lead-...`).
 */
export interface LogScope {
  readonly prefixes: readonly string[] | null;
}

export function logScope(categories?: readonly string[]): LogScope {
  if (categories === undefined) return { prefixes: null };
  if (categories.length === 0) throw new Error('a log scope needs at least one category');
  for (const category of categories) {
    if (!/^[^$-][^-]*$/.test(category)) {
      throw new Error(`"${category}" is not a stream category (no dash, not starting with $)`);
    }
  }
  return { prefixes: categories.map((category) => `${category}-`) };
}

export const isWritableStream = (scope: LogScope, streamId: string): boolean =>
  scope.prefixes === null || scope.prefixes.some((prefix) => streamId.startsWith(prefix));

/** Link events (`$>`), tombstones and metadata are EventStoreDB's, even in an application stream. */
export const inLog = (scope: LogScope, streamId: string, type: string): boolean =>
  !streamId.startsWith('$') && !type.startsWith('$') && isWritableStream(scope, streamId);

/** The server-side part of `inLog`, for subscriptions: client v6 filters subscriptions to $all but not reads. */
export const logFilter = (scope: LogScope): Filter =>
  scope.prefixes === null
    ? streamNameFilter({ regex: '^[^$]' })
    : streamNameFilter({ prefixes: [...scope.prefixes] });

/**
 * From a page of $all read forwards from `seen`, which the server includes: the application's events after it
 * (those that had occurred by `occurredUntil`, when given), at most `room` of them.
 */
export const logEventsAfter = (
  page: readonly AllStreamRecordedEvent[],
  seen: EsdbPosition,
  scope: LogScope,
  room: number,
  occurredUntil?: string,
): RecordedEvent[] => {
  const ours = page.filter(
    (event) => comparePositions(event.position, seen) > 0 && inLog(scope, event.streamId, event.type),
  );
  const limit = Math.max(room, 0);
  // Without a moment, only the events that fit are turned into ours; with one, their metadata decides first.
  if (occurredUntil === undefined) return ours.slice(0, limit).map(fromEsdbEvent);
  return ours
    .map(fromEsdbEvent)
    .filter((event) => event.metadata.occurredAt <= occurredUntil)
    .slice(0, limit);
};

/**
 * From a page of $all read backwards from `before` (null: from the end): the position of the latest application
 * event strictly before it, if the page has one.
 */
export function latestInLog(
  page: readonly AllStreamRecordedEvent[],
  before: EsdbPosition | null,
  scope: LogScope,
): Position | undefined {
  const event = page.find(
    (e) => (before === null || comparePositions(e.position, before) < 0) && inLog(scope, e.streamId, e.type),
  );
  return event === undefined ? undefined : toPosition(event.position, event.id);
}

/** The position to wake readers with for an event a subscription delivered; undefined when it is not ours. */
export const wakeUpPosition = (event: AllStreamRecordedEvent, scope: LogScope): Position | undefined =>
  inLog(scope, event.streamId, event.type) && event.position.commit === event.position.prepare
    ? event.position.commit
    : undefined;

/**
 * A retry is an append whose event ids are all already in the stream, in the same order: it is answered with
 * the original result and writes nothing. Some ids present but not all is a conflict. (EventStoreDB keeps ids
 * per stream, so an id reused in another stream goes unseen.)
 */
export function findRetry(
  streamId: string,
  stored: readonly RecordedEvent[],
  events: readonly NewEvent[],
): AppendResult | undefined {
  // The server answers ids in its own (lower-case) spelling.
  const byId = new Map(stored.map((event) => [event.id.toLowerCase(), event]));
  const found = events.map((event) => byId.get(event.id.toLowerCase()));
  if (found.every((event) => event === undefined)) return undefined;
  const first = found[0];
  found.forEach((event, i) => {
    if (first === undefined || event === undefined || event.revision !== first.revision + i) {
      throw new EventIdConflictError(streamId, events[i]!.id);
    }
  });
  const last = found[found.length - 1]!;
  return { streamId, revision: last.revision, position: last.position };
}

const asCommandError = (error: unknown) => (error instanceof Error ? convertToCommandError(error) : error);

/** The port's refusal for an append the server refused for its expected revision; undefined for other errors. */
export function toWrongExpectedRevision(
  error: unknown,
  streamId: string,
  expected: ExpectedRevision,
): WrongExpectedRevisionError | undefined {
  const converted = asCommandError(error);
  if (!(converted instanceof Error) || !isCommandError(converted)) return undefined;
  if (converted.type !== ErrorType.WRONG_EXPECTED_VERSION) return undefined;
  const actual = converted.actualVersion === NO_STREAM ? -1 : Number(converted.actualVersion);
  return new WrongExpectedRevisionError(streamId, expected, actual);
}

const UNAVAILABLE: ReadonlySet<ErrorType> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.CANCELLED,
  ErrorType.NOT_LEADER,
]);

/**
 * Connection failures, deadlines, server timeouts and a node that is not (or no longer) the leader become
 * StoreUnavailableError, naming the server and what the adapter was doing; other errors pass unchanged.
 */
export function translateError(error: unknown, server: string, action: string): Error {
  const converted = asCommandError(error);
  if (!(converted instanceof Error)) return new Error(String(converted));
  const unavailable = () =>
    new StoreUnavailableError(`EventStoreDB at ${server} is unavailable (${action}): ${converted.message}`, {
      cause: error,
    });
  if (!isCommandError(converted)) {
    // Cluster discovery (esdb+discover://) fails with a plain Error when no node answers gossip.
    return converted.message.startsWith('Failed to discover') ? unavailable() : converted;
  }
  return UNAVAILABLE.has(converted.type) ? unavailable() : converted;
}

export const isStreamNotFound = (error: unknown): boolean => {
  const converted = asCommandError(error);
  return (
    converted instanceof Error && isCommandError(converted) && converted.type === ErrorType.STREAM_NOT_FOUND
  );
};

/** A connection string fit for messages and logs: without its user name and password. */
export const describeServer = (connectionString: string): string =>
  connectionString.replace(/^([a-z+]+:\/\/)[^@/]*@/i, '$1');
