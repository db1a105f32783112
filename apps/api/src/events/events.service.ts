import type { Writable } from 'node:stream';
import { ApiKeys, STORED_EVENTS } from '@app/application';
import { EventStore, type Position, START, type Unsubscribe } from '@app/event-store';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException, problemType } from '../http/problem';
import { CatchUpTurns } from './catch-up-turns';
import type { EventMessageDto, EventPageDto } from './event-message.dto';
import { type EventSelection, selects, toMessage } from './event-selection';
import { BATCH_SIZE, type CloseReason, EventStreamConnection } from './event-stream.connection';
import { EVENT_STREAM_SETTINGS, type EventStreamSettings } from './event-stream.settings';

/** onAppended hears only this process's appends; another process writing the same log is seen this often. */
const POLL_MS = 1000;

/** A page looks at this many events at most, so that a selective filter cannot make one request read the whole log. */
export const PAGE_SCAN_LIMIT = 10_000;

/** How often the keys of open streams are checked: a revoked key's streams end within a second. */
export const KEY_CHECK_MS = 500;
/** When a client refused a stream for a limit may try again (Retry-After, seconds). */
export const STREAM_RETRY_AFTER_S = 5;

/** The log for other services: pages of events, and the SSE streams with their wake-ups and shutdown. */
@Injectable()
export class EventsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('EventStream');
  /** The open streams, each with the id of the API key it was opened with. */
  private readonly streams = new Map<EventStreamConnection, string>();
  /** SSE streams open now (the metrics read it). */
  readonly openStreams = (): number => this.streams.size;
  private readonly turns: CatchUpTurns;
  private unsubscribe: Unsubscribe | undefined;
  private poll: NodeJS.Timeout | undefined;
  private keyCheck: NodeJS.Timeout | undefined;
  private checkingKeys = false;
  private knownHead: Position = START;
  private closing = false;

  constructor(
    // Services get the events as written (metadata.schemaVersion says their data's version), personal fields
    // opened (null once erased); the records as stored, which the hashes cover, are GET /audit/records.
    @Inject(STORED_EVENTS) private readonly store: EventStore,
    @Inject(EVENT_STREAM_SETTINGS) private readonly settings: EventStreamSettings,
    private readonly keys: ApiKeys,
  ) {
    this.turns = new CatchUpTurns(settings.catchUpBatchesPerTurn);
  }

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
      // A page of a selective filter may read many batches: it takes turns like a stream catching up.
      if (budget < PAGE_SCAN_LIMIT) await this.turns.next();
      const wanted = limit - events.length;
      const maxCount = Math.min(budget, everything ? wanted : Math.max(wanted, BATCH_SIZE));
      const batch = await this.store.readAll({ after: scanned, maxCount });
      for (const event of batch) {
        scanned = event.position;
        budget -= 1;
        if (selects(selection, event)) {
          events.push(toMessage(event, selection));
          if (events.length === limit) break;
        }
      }
      if (batch.length < maxCount) break;
    }
    return { events, nextAfter: scanned.toString() };
  }

  /**
   * Refuses a new stream for the key beyond the limits: 503 when the process holds SSE_MAX_CONNECTIONS streams
   * (any client), 429 when the key holds SSE_MAX_PER_KEY; both with Retry-After. Call right before `stream`,
   * with nothing awaited in between, so that no other stream is admitted meanwhile.
   */
  admit(keyId: string): void {
    if (this.streams.size >= this.settings.maxConnections) {
      throw this.refusal(
        503,
        'TOO_MANY_STREAMS',
        `the service holds as many event streams as it serves (${this.settings.maxConnections}): retry later, or read pages (Accept: application/json)`,
      );
    }
    let ofKey = 0;
    for (const owner of this.streams.values()) if (owner === keyId) ofKey += 1;
    if (ofKey >= this.settings.maxPerKey) {
      throw this.refusal(
        429,
        'TOO_MANY_STREAMS_FOR_KEY',
        `this API key has ${ofKey} event streams open, the most one key may: close one first`,
      );
    }
  }

  /**
   * Answers the request with an SSE stream of the matching events after `after`, once the limits admit it
   * (429 or 503 with Retry-After otherwise). A HEAD request gets the headers alone, and holds no stream.
   */
  serve(request: FastifyRequest, reply: FastifyReply, after: Position, selection: EventSelection): void {
    const head = request.method === 'HEAD';
    const keyId = request.principal?.keyId ?? '';
    if (!head) {
      try {
        this.admit(keyId);
      } catch (error) {
        void reply.header('retry-after', String(STREAM_RETRY_AFTER_S));
        throw error;
      }
    }
    // From here on the response is ours: Fastify and Nest leave it alone, so errors can no longer be answered.
    // Nothing is awaited between the admission and the stream's registration.
    reply.hijack();
    reply.raw.writeHead(200, {
      // What the hooks set on the reply (CORS, rate limits...), which hijacking would otherwise drop.
      ...Object.fromEntries(Object.entries(reply.getHeaders()).filter(([, value]) => value !== undefined)),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-correlation-id': request.correlationId,
    });
    // Node would drop every write of a HEAD response, and not even send the headers until the end.
    if (head) reply.raw.end();
    else this.stream(reply.raw, after, selection, keyId);
  }

  /** Streams the matching events after `after` to the response until either side ends it. */
  stream(sink: Writable, after: Position, selection: EventSelection, keyId: string): void {
    const connection: EventStreamConnection = new EventStreamConnection({
      store: this.store,
      sink,
      after,
      selection,
      settings: this.settings,
      turns: this.turns,
      onEnd: (reason, error) => this.ended(connection, reason, error),
    });
    this.streams.set(connection, keyId);
    this.watch();
    connection.start();
    if (this.closing) void connection.shutdown();
  }

  /** Ends every stream with a message saying so, so that closing the HTTP server does not wait on them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.streams.keys()].map((stream) => stream.shutdown()));
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

  /** One subscription, one poll and one check of the keys for all the streams, only while there are any. */
  private watch(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.store.onAppended((head) => {
      this.knownHead = head;
      this.wakeAll();
    });
    this.poll = setInterval(() => void this.pollHead(), POLL_MS);
    this.poll.unref();
    this.keyCheck = setInterval(() => void this.checkKeys(), KEY_CHECK_MS);
    this.keyCheck.unref();
  }

  private unwatch(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.poll);
    this.poll = undefined;
    clearInterval(this.keyCheck);
    this.keyCheck = undefined;
  }

  /**
   * Ends the streams of keys that no longer authenticate (revoked, on this process or another: the key store
   * is shared), with a last message saying so. A key store that cannot be read ends nothing.
   */
  private async checkKeys(): Promise<void> {
    if (this.checkingKeys) return;
    this.checkingKeys = true;
    try {
      for (const keyId of new Set(this.streams.values())) {
        let key;
        try {
          key = await this.keys.get(keyId);
        } catch {
          continue;
        }
        if (key && key.revokedAt === null) continue;
        for (const [stream, owner] of this.streams) if (owner === keyId) void stream.close('key-revoked');
      }
    } finally {
      this.checkingKeys = false;
    }
  }

  private refusal(status: 429 | 503, code: string, detail: string): ProblemException {
    return new ProblemException({
      type: problemType(code.toLowerCase().replace(/_/g, '-')),
      title: status === 503 ? 'Unavailable for now' : 'Too many requests',
      status,
      detail,
      code,
    });
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
    for (const stream of this.streams.keys()) stream.wake();
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);
