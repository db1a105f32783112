import { revisionMatches } from '../validation';
import {
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendResult as EsdbAppendResult,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  type ReadAllOptions as EsdbReadAllOptions,
  type ReadPosition,
} from '@eventstore/db-client';
import { InvalidAppendError, StoreUnavailableError, WrongExpectedRevisionError } from '../errors';
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
import { GENESIS_HASH, chainEvents, hashOf } from '../integrity';
import { assertAppendable } from '../validation';
import {
  type LogScope,
  appendedPosition,
  assertStorableMetadata,
  describeServer,
  exactExpectation,
  findRetry,
  fromEsdbEvent,
  isLooseExpectation,
  isStreamNotFound,
  isWritableStream,
  latestInLog,
  logEventsAfter,
  logFilter,
  logScope,
  readAllFrom,
  toClientExpectedRevision,
  toEsdbPosition,
  toEventData,
  toReadStreamOptions,
  toWrongExpectedRevision,
  translateError,
  wakeUpPosition,
} from './eventstoredb-mapping';

export interface EventStoreDbEventStoreOptions {
  /** Names the server in error messages; the factory passes its connection string without credentials. */
  readonly server?: string;
  /**
   * The stream categories that make up the application's log (`['lead', 'deal']`): readAll, headPosition and
   * onAppended see only their streams, and appends go only to them. By default every stream that is not
   * EventStoreDB's own: set it when the server is shared with other applications.
   */
  readonly categories?: readonly string[];
  /** How many times an append with a loose expectation is tried against a newer revision after losing a race. */
  readonly maxAppendAttempts?: number;
}

const DEFAULT_MAX_APPEND_ATTEMPTS = 20;
/**
 * $all pages. System events ($stats, projections' links) and other categories are skipped on this side, so a
 * page that had to be read past grows, and a sparse log takes few calls.
 */
const MIN_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 4096;
const nextPageSize = (size: number): number => Math.min(size * 2, MAX_PAGE_SIZE);
const PING_TIMEOUT_MS = 5000;
const RESUBSCRIBE_DELAY_MS = 1000;

/**
 * The production event store on EventStoreDB (gRPC client @eventstore/db-client).
 *
 * Stream names are ours (`lead-<id>`), so EventStoreDB's `$ce-lead` and `$by_correlation_id` work. Positions
 * are commit positions, one per event (see toPosition in eventstoredb-mapping.ts); they have gaps. The hash
 * chain needs each append to land right after the event it was chained to, so every append is sent with the
 * exact revision just read; a loose expectation that loses a race reads again and retries.
 */
export class EventStoreDbEventStore extends EventStore {
  readonly gaplessPositions = false;
  private readonly scope: LogScope;
  private readonly server: string;
  private readonly maxAppendAttempts: number;
  private readonly listeners = new Set<(head: Position) => void>();
  /** The last append from this process to each stream, so the next one waits for it. */
  private readonly appending = new Map<string, Promise<void>>();
  private subscription: AllStreamSubscription | undefined;
  private resubscribeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
  ) {
    super();
    this.scope = logScope(options.categories);
    this.server = options.server ?? 'the address its client was given';
    this.maxAppendAttempts = options.maxAppendAttempts ?? DEFAULT_MAX_APPEND_ATTEMPTS;
    if (!Number.isInteger(this.maxAppendAttempts) || this.maxAppendAttempts < 1) {
      throw new Error(`maxAppendAttempts must be a positive integer, got ${this.maxAppendAttempts}`);
    }
  }

  /** A store on its own client, from a connection string such as `esdb://localhost:2113?tls=false`. */
  static fromConnectionString(
    connectionString: string,
    options: Omit<EventStoreDbEventStoreOptions, 'server'> = {},
  ): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), {
      ...options,
      server: describeServer(connectionString),
    });
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    assertAppendable(streamId, events);
    assertStorableMetadata(events);
    if (!isWritableStream(this.scope, streamId)) {
      throw new InvalidAppendError(`stream ${streamId} is outside this store's log`);
    }
    const expected = options.expectedRevision ?? 'any';
    return this.oneAtATime(streamId, () => this.append(streamId, events, expected));
  }

  /**
   * Appends from this process to one stream run one after another: each sees the one before it (a resent
   * append finds its events) instead of racing it on the server. Other processes are handled by the exact
   * revision.
   */
  private oneAtATime<T>(streamId: string, task: () => Promise<T>): Promise<T> {
    const run = (this.appending.get(streamId) ?? Promise.resolve()).then(task);
    const done = run.then(
      () => undefined,
      () => undefined,
    );
    this.appending.set(streamId, done);
    void done.then(() => {
      if (this.appending.get(streamId) === done) this.appending.delete(streamId);
    });
    return run;
  }

  private async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      // The whole stream: its last event to chain to, and every id, to recognise a retry.
      const stored = await this.read(streamId, { direction: 'backwards' }, `appending to ${streamId}`);
      const retried = findRetry(streamId, stored, events);
      if (retried) return retried;

      const last = stored[0];
      const current = last?.revision ?? -1;
      if (!revisionMatches(expected, current)) {
        throw new WrongExpectedRevisionError(streamId, expected, current);
      }
      const previousHash = last === undefined ? GENESIS_HASH : (hashOf(last) ?? GENESIS_HASH);
      const outcome = await this.appendAfter(
        streamId,
        chainEvents(previousHash, streamId, current + 1, events),
        current,
        expected,
      );
      if (outcome instanceof WrongExpectedRevisionError) {
        // Someone wrote first. Reading again tells a loose expectation where to chain, an exact one that it
        // lost, and either that the winner was this very append resent.
        if (attempt < this.maxAppendAttempts && (isLooseExpectation(expected) || attempt === 1)) continue;
        throw outcome;
      }
      this.notify(outcome.position);
      return outcome;
    }
  }

  /** Appends chained events right after revision `current`; a lost race is answered, not thrown. */
  private async appendAfter(
    streamId: string,
    chained: readonly NewEvent[],
    current: number,
    expected: ExpectedRevision,
  ): Promise<AppendResult | WrongExpectedRevisionError> {
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(streamId, chained.map(toEventData), {
        expectedRevision: toClientExpectedRevision(exactExpectation(current)),
      });
    } catch (error) {
      const refusal = toWrongExpectedRevision(error, streamId, expected);
      if (refusal) return refusal;
      throw translateError(error, this.server, `appending to ${streamId}`);
    }
    // A client made with throwOnAppendFailure=false answers a refusal instead of throwing it.
    if (!result.success) {
      return new WrongExpectedRevisionError(streamId, expected, Number(result.nextExpectedRevision));
    }
    const revision = Number(result.nextExpectedRevision);
    const position = appendedPosition(result) ?? (await this.positionOfRevision(streamId, revision));
    return { streamId, revision, position };
  }

  private async positionOfRevision(streamId: string, revision: number): Promise<Position> {
    const [event] = await this.read(
      streamId,
      { fromRevision: revision, maxCount: 1 },
      `reading back what was appended to ${streamId}`,
    );
    if (event?.revision !== revision) throw new Error(`event ${revision} of ${streamId} cannot be read back`);
    return event.position;
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.read(streamId, options, `reading ${streamId}`);
  }

  /** Reads a stream; `action` names what the adapter was doing if the server cannot be reached. */
  private async read(streamId: string, options: ReadStreamOptions, action: string): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const resolved = [];
    try {
      for await (const event of this.client.readStream(streamId, toReadStreamOptions(options))) {
        resolved.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw translateError(error, this.server, action);
    }
    return resolved.flatMap((r) => (r.event ? [fromEsdbEvent(r.event)] : []));
  }

  /**
   * The client (v6) reads $all without server-side filters, so system events are skipped here, page after
   * page, until maxCount events of the log are found or the end is reached.
   */
  async readAll({ after = START, maxCount, occurredUntil }: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    let pageSize = Math.min(Math.max(maxCount + 1, MIN_PAGE_SIZE), MAX_PAGE_SIZE);
    const found: RecordedEvent[] = [];
    let from: ReadPosition = readAllFrom(after);
    let seen = toEsdbPosition(after);
    while (found.length < maxCount) {
      const page = await this.readAllPage(
        { direction: FORWARDS, fromPosition: from, maxCount: pageSize },
        'reading the log',
      );
      found.push(...logEventsAfter(page, seen, this.scope, maxCount - found.length, occurredUntil));
      const last = page[page.length - 1];
      if (last === undefined || page.length < pageSize) break;
      seen = last.position;
      from = last.position;
      pageSize = nextPageSize(pageSize);
    }
    return found;
  }

  async headPosition(): Promise<Position> {
    this.assertOpen();
    let before: AllStreamRecordedEvent['position'] | null = null;
    for (let pageSize = MIN_PAGE_SIZE; ; pageSize = nextPageSize(pageSize)) {
      const page = await this.readAllPage(
        { direction: BACKWARDS, fromPosition: before ?? END, maxCount: pageSize },
        'reading the head of the log',
      );
      const head = latestInLog(page, before, this.scope);
      if (head !== undefined) return head;
      const oldest = page[page.length - 1];
      if (oldest === undefined || page.length < pageSize) return START;
      before = oldest.position;
    }
  }

  private async readAllPage(options: EsdbReadAllOptions, action: string): Promise<AllStreamRecordedEvent[]> {
    const page: AllStreamRecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readAll(options)) {
        if (resolved.event) page.push(resolved.event);
      }
    } catch (error) {
      throw translateError(error, this.server, action);
    }
    return page;
  }

  /**
   * Wakes listeners for this process's appends and, through a live subscription to $all from its end, for
   * those of other processes. The subscription runs while there are listeners.
   */
  onAppended(listener: (head: Position) => void): Unsubscribe {
    this.listeners.add(listener);
    if (this.subscription === undefined && this.resubscribeTimer === undefined && !this.closed) this.follow();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stopFollowing();
    };
  }

  private follow(): void {
    const subscription = this.client.subscribeToAll({ fromPosition: END, filter: logFilter(this.scope) });
    this.subscription = subscription;
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      const position = resolved.event && wakeUpPosition(resolved.event, this.scope);
      if (position !== undefined) this.notify(position);
    });
    // The client emits errors without ending the stream: end it, and let 'close' decide what follows.
    subscription.on('error', () => subscription.destroy());
    subscription.on('close', () => {
      if (this.subscription === subscription) this.followAgainLater();
    });
  }

  /** A dropped subscription (server restart, network) is renewed while listeners remain. */
  private followAgainLater(): void {
    this.subscription = undefined;
    if (this.closed || this.listeners.size === 0) return;
    this.resubscribeTimer = setTimeout(() => {
      this.resubscribeTimer = undefined;
      if (this.closed || this.listeners.size === 0 || this.subscription !== undefined) return;
      this.follow();
      // Events may have landed while nothing listened: wake the readers to look.
      this.headPosition().then(
        (head) => {
          if (head > START) this.notify(head);
        },
        () => undefined,
      );
    }, RESUBSCRIBE_DELAY_MS);
    this.resubscribeTimer.unref();
  }

  private async stopFollowing(): Promise<void> {
    clearTimeout(this.resubscribeTimer);
    this.resubscribeTimer = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription === undefined) return;
    // Its connection may already be gone; destroying it is all that is left to do then.
    await subscription.unsubscribe().catch(() => undefined);
    subscription.destroy();
  }

  /** A read of the last record of $all, bounded in time: reads have no gRPC deadline in this client. */
  async ping(): Promise<void> {
    this.assertOpen();
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    const timer = setTimeout(() => {
      read.cancel().catch(() => undefined);
      read.destroy(
        new StoreUnavailableError(
          `EventStoreDB at ${this.server} did not answer within ${PING_TIMEOUT_MS} ms`,
        ),
      );
    }, PING_TIMEOUT_MS);
    try {
      for await (const _ of read) {
        // Reaching the end of the read is the answer.
      }
    } catch (error) {
      throw translateError(error, this.server, 'ping');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for this process's appends, stops the subscription and disposes of the client. */
  async close(): Promise<void> {
    while (this.appending.size > 0) await Promise.all(this.appending.values());
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.stopFollowing();
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
  }

  private notify(head: Position): void {
    for (const listener of this.listeners) listener(head);
  }
}
