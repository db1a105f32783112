import type { Writable } from 'node:stream';
import type { EventStore, Position, RecordedEvent } from '@app/event-store';
import { type EventSelection, selects, sseMessage } from './event-selection';
import type { CatchUpTurns } from './catch-up-turns';
import type { EventStreamSettings } from './event-stream.settings';

/** Why the server ends a stream; sent to the client in a final `stream-closed` message. */
export type CloseReason = 'slow-consumer' | 'shutdown' | 'unavailable' | 'key-revoked';

/** The SSE event name of that final message: a dash, so it can never be an event type name. */
export const CLOSED_EVENT = 'stream-closed';

const DETAILS: Record<CloseReason, string> = {
  'slow-consumer': 'the client did not read the stream fast enough',
  shutdown: 'the service is shutting down',
  unavailable: 'the event log could not be read',
  'key-revoked': 'the API key the stream was opened with was revoked: a key in use is needed',
};

/** How long a client waits before reconnecting (sent once as `retry:`). */
const RETRY_MS = 1000;
/** Events read from the log at a time. */
export const BATCH_SIZE = 500;
/** Messages are written to the socket in chunks of about this many characters, not one write each. */
const CHUNK_CHARS = 64 * 1024;
/** How long a stream ended at shutdown has to take its last message before its socket is destroyed. */
const SHUTDOWN_GRACE_MS = 1000;

type Wait = 'drain' | 'timeout' | 'stopped';

export interface EventStreamConnectionOptions {
  readonly store: EventStore;
  readonly sink: Writable;
  /** Deliver the events strictly after this position. */
  readonly after: Position;
  readonly selection: EventSelection;
  readonly settings: Pick<EventStreamSettings, 'heartbeatMs' | 'slowConsumerMs'>;
  /** Turns shared with the other streams for reading the log while catching up; without them, one per turn of the loop. */
  readonly turns?: CatchUpTurns;
  /** Called once when the stream is over, whatever the reason. */
  readonly onEnd: (reason: CloseReason | 'disconnected', error?: unknown) => void;
}

/**
 * One SSE connection following the log. A single loop does every read and every write: it reads the log in
 * batches after `scanned`, the position of the last event it looked at (delivered or filtered out), writes
 * the matching ones, and, once it has read everything, sleeps until an append wakes it or a heartbeat is
 * due. Catch-up and live are the same loop, so there is no switch-over where an event could be lost or sent
 * twice: whatever was appended meanwhile is simply after `scanned`.
 *
 * Back-pressure: when the socket does not take a chunk (write() answers false), the loop reads nothing more
 * until 'drain', so at most one chunk waits in memory beyond the socket's buffer. A client that does not
 * drain within `slowConsumerMs` gets a final `stream-closed` message and is disconnected; its EventSource
 * reconnects with Last-Event-ID, the id of the last event it received, and resumes from there.
 */
export class EventStreamConnection {
  private scanned: Position;
  private stopReason: CloseReason | 'disconnected' | undefined;
  /** Set by wake(): the log may have grown since the last read began. */
  private signalled = true;
  private endSleep: (() => void) | undefined;
  private endWait: ((outcome: Wait) => void) | undefined;
  private lastWriteAt = 0;
  private loop: Promise<void> | undefined;
  /** Resolves when the underlying response is closed, by either side. */
  readonly closed: Promise<void>;

  constructor(private readonly options: EventStreamConnectionOptions) {
    this.scanned = options.after;
    this.closed = new Promise((resolve) => options.sink.once('close', resolve));
    options.sink.once('close', () => this.stop('disconnected'));
    // A write to a socket the client reset emits 'error'; it means the same as 'close'.
    options.sink.on('error', () => this.stop('disconnected'));
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** New events may be in the log. */
  wake(): void {
    this.signalled = true;
    this.endSleep?.();
  }

  /** Ends the stream with a final message, for the shutdown; resolves once the connection is closed. */
  async shutdown(): Promise<void> {
    await this.close('shutdown');
  }

  /** Ends the stream with a final message saying why; resolves once the connection is closed. */
  async close(reason: CloseReason): Promise<void> {
    this.stop(reason);
    await this.loop;
    await this.closed;
  }

  private stop(reason: CloseReason | 'disconnected'): void {
    this.stopReason ??= reason;
    this.endSleep?.();
    this.endWait?.('stopped');
  }

  private async run(): Promise<void> {
    let failure: unknown;
    try {
      await this.follow();
    } catch (error) {
      failure = error;
      this.stopReason ??= 'unavailable';
    }
    const reason = this.stopReason ?? 'unavailable';
    this.finish(reason);
    this.options.onEnd(reason, failure);
  }

  private async follow(): Promise<void> {
    if (!(await this.send(`retry: ${RETRY_MS}\n\n`))) return;
    // Until a read comes back short, the stream is catching up (from the start, or after a burst of appends).
    let catchingUp = true;
    while (this.stopReason === undefined) {
      if (catchingUp) {
        // Reads resolve at once, so a stream catching up would never give way to other requests on its own:
        // it waits for a turn, shared fairly with every other stream catching up (CatchUpTurns).
        await this.turn();
        if (this.stopReason !== undefined) return;
      }
      this.signalled = false;
      const batch = await this.options.store.readAll({ after: this.scanned, maxCount: BATCH_SIZE });
      if (!(await this.deliver(batch))) return;
      if (Date.now() - this.lastWriteAt >= this.options.settings.heartbeatMs) {
        if (!(await this.send(': heartbeat\n\n'))) return;
      }
      catchingUp = batch.length === BATCH_SIZE;
      if (!catchingUp) await this.sleep();
    }
  }

  private turn(): Promise<void> {
    return this.options.turns ? this.options.turns.next() : new Promise((resolve) => setImmediate(resolve));
  }

  /** Writes the batch's matching events in chunks; false when the stream must end. */
  private async deliver(batch: readonly RecordedEvent[]): Promise<boolean> {
    let chunk = '';
    for (const event of batch) {
      this.scanned = event.position;
      if (!selects(this.options.selection, event)) continue;
      chunk += sseMessage(event, this.options.selection);
      if (chunk.length >= CHUNK_CHARS) {
        if (!(await this.send(chunk))) return false;
        chunk = '';
      }
    }
    return chunk === '' || this.send(chunk);
  }

  /** Writes, then waits for 'drain' when the socket is full; false when the stream must end. */
  private async send(text: string): Promise<boolean> {
    if (this.stopReason !== undefined) return false;
    this.lastWriteAt = Date.now();
    if (this.options.sink.write(text)) return true;
    const outcome = await this.waitForDrain();
    if (outcome === 'timeout') this.stopReason ??= 'slow-consumer';
    return outcome === 'drain' && this.stopReason === undefined;
  }

  private waitForDrain(): Promise<Wait> {
    const { sink, settings } = this.options;
    return new Promise<Wait>((resolve) => {
      const settle = (outcome: Wait) => {
        clearTimeout(timer);
        sink.off('drain', onDrain);
        this.endWait = undefined;
        resolve(outcome);
      };
      const onDrain = () => settle('drain');
      const timer = setTimeout(() => settle('timeout'), settings.slowConsumerMs);
      sink.once('drain', onDrain);
      this.endWait = settle;
      if (this.stopReason !== undefined) settle('stopped');
    });
  }

  /** Sleeps until wake(), stop() or the next heartbeat is due, unless the log may have grown already. */
  private sleep(): Promise<void> {
    if (this.signalled || this.stopReason !== undefined) return Promise.resolve();
    const due = Math.max(0, this.lastWriteAt + this.options.settings.heartbeatMs - Date.now());
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.endSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, due);
      this.endSleep = done;
    });
  }

  /**
   * Says why the stream ends (unless the client left) and closes the connection once that message is handed
   * to the socket, or after a grace period if the client does not read it: memory stays bounded either way.
   */
  private finish(reason: CloseReason | 'disconnected'): void {
    const { sink, settings } = this.options;
    if (reason === 'disconnected' || sink.destroyed) return;
    const grace = setTimeout(
      () => sink.destroy(),
      reason === 'slow-consumer' ? settings.slowConsumerMs : SHUTDOWN_GRACE_MS,
    );
    void this.closed.then(() => clearTimeout(grace));
    const message = JSON.stringify({
      reason,
      detail: `${DETAILS[reason]}; reconnect with Last-Event-ID set to the id of the last event you received`,
    });
    sink.end(`event: ${CLOSED_EVENT}\ndata: ${message}\n\n`, () => sink.destroy());
  }
}
