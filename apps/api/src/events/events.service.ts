import type { Writable } from 'node:stream';
import { STORED_EVENTS } from '@app/application';
import { EventStore, type Position, START, type Unsubscribe } from '@app/event-store';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { EventMessageDto, EventPageDto } from './event-message.dto';
import { type EventSelection, selects, toMessage } from './event-selection';
import { BATCH_SIZE, type CloseReason, EventStreamConnection } from './event-stream.connection';
import { EVENT_STREAM_SETTINGS, type EventStreamSettings } from './event-stream.settings';

/** onAppended hears only this process's appends; another process writing the same log is seen this often. */
const POLL_MS = 1000;

/** A page looks at this many events at most, so that a selective filter cannot make one request read the whole log. */
export const PAGE_SCAN_LIMIT = 10_000;

/** The log for other services: pages of events, and the SSE streams with their wake-ups and shutdown. */
@Injectable()
export class EventsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('EventStream');
  private readonly streams = new Set<EventStreamConnection>();
  private unsubscribe: Unsubscribe | undefined;
  private poll: NodeJS.Timeout | undefined;
  private knownHead: Position = START;
  private closing = false;

  constructor(
    // Services get the events as stored (metadata.schemaVersion says their data's version), so hashes verify.
    @Inject(STORED_EVENTS) private readonly store: EventStore,
    @Inject(EVENT_STREAM_SETTINGS) private readonly settings: EventStreamSettings,
  ) {}

  head(): Promise<Position> {
    return this.store.headPosition();
  }

  /** Up to `limit` matching events after `after`, and where the next page starts. */
  async page(after: Position, selection: EventSelection, limit: number): Promise<EventPageDto> {
    const everything = selection.types === undefined && selection.category === undefined;
    const events: EventMessageDto[] = [];
    let scanned = after;
    let budget = PAGE_SCAN_LIMIT;
    while (events.length < limit && budget > 0) {
      const wanted = limit - events.length;
      const maxCount = Math.min(budget, everything ? wanted : Math.max(wanted, BATCH_SIZE));
      const batch = await this.store.readAll({ after: scanned, maxCount });
      for (const event of batch) {
        scanned = event.position;
        budget -= 1;
        if (selects(selection, event)) {
          events.push(toMessage(event));
          if (events.length === limit) break;
        }
      }
      if (batch.length < maxCount) break;
    }
    return { events, nextAfter: scanned.toString() };
  }

  /** Streams the matching events after `after` to the response until either side ends it. */
  stream(sink: Writable, after: Position, selection: EventSelection): void {
    const connection: EventStreamConnection = new EventStreamConnection({
      store: this.store,
      sink,
      after,
      selection,
      settings: this.settings,
      onEnd: (reason, error) => this.ended(connection, reason, error),
    });
    this.streams.add(connection);
    this.watch();
    connection.start();
    if (this.closing) void connection.shutdown();
  }

  /** Ends every stream with a message saying so, so that closing the HTTP server does not wait on them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.streams].map((stream) => stream.shutdown()));
    this.unwatch();
  }

  private ended(
    connection: EventStreamConnection,
    reason: CloseReason | 'disconnected',
    error: unknown,
  ): void {
    this.streams.delete(connection);
    if (this.streams.size === 0) this.unwatch();
    if (reason === 'slow-consumer') {
      this.logger.warn(
        `cut off a consumer that did not read for ${this.settings.slowConsumerMs} ms; it can resume with Last-Event-ID`,
      );
    }
    if (error !== undefined) this.logger.error(`an event stream failed: ${describe(error)}`);
  }

  /** One subscription and one poll for all the streams, only while there are any. */
  private watch(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.store.onAppended((head) => {
      this.knownHead = head;
      this.wakeAll();
    });
    this.poll = setInterval(() => void this.pollHead(), POLL_MS);
    this.poll.unref();
  }

  private unwatch(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.poll);
    this.poll = undefined;
  }

  private async pollHead(): Promise<void> {
    try {
      const head = await this.store.headPosition();
      if (head > this.knownHead) {
        this.knownHead = head;
        this.wakeAll();
      }
    } catch {
      // A stream that cannot read the log ends itself and says why; nothing to add here.
    }
  }

  private wakeAll(): void {
    for (const stream of this.streams) stream.wake();
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);
