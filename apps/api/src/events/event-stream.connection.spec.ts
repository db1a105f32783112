import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type NewEvent, type SqliteDatabase, SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import { CatchUpTurns } from './catch-up-turns';
import { BATCH_SIZE, type CloseReason, EventStreamConnection } from './event-stream.connection';
import type { EventStreamSettings } from './event-stream.settings';

/** A client socket whose reading the test controls: until `read()`, nothing it is given is taken. */
class ControlledSink extends Writable {
  readonly chunks: string[] = [];
  private reading = false;
  private readonly waiting: (() => void)[] = [];

  constructor() {
    super({ highWaterMark: 1024, decodeStrings: false });
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(String(chunk));
    if (this.reading) callback();
    else this.waiting.push(callback);
  }

  read(): void {
    this.reading = true;
    for (const callback of this.waiting.splice(0)) callback();
  }

  text(): string {
    return this.chunks.join('');
  }

  ids(): number[] {
    return [...this.text().matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  }
}

const event = (i: number): NewEvent => ({
  id: randomUUID(),
  type: i % 2 === 0 ? 'DealWon' : 'LeadCaptured',
  data: { i, note: 'x'.repeat(300) },
  metadata: {
    occurredAt: new Date().toISOString(),
    actor: 'test',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
  },
});

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('EventStreamConnection', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteEventStore;
  const open: EventStreamConnection[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'event-stream-'));
    db = openSqliteDatabase(join(dir, 'events.sqlite'));
    store = new SqliteEventStore(db);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.shutdown()));
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  });

  const append = async (count: number) => {
    for (let i = 0; i < count; i += 100) {
      const size = Math.min(100, count - i);
      await store.appendToStream(
        `deal-${randomUUID()}`,
        Array.from({ length: size }, (_, k) => event(i + k)),
      );
    }
  };

  const connect = (sink: Writable, settings: Partial<EventStreamSettings> = {}, turns?: CatchUpTurns) => {
    const ends: { reason: CloseReason | 'disconnected'; error: unknown }[] = [];
    const connection = new EventStreamConnection({
      store,
      sink,
      after: 0n,
      selection: {},
      settings: { heartbeatMs: 60_000, slowConsumerMs: 60_000, ...settings },
      ...(turns ? { turns } : {}),
      onEnd: (reason, error) => ends.push({ reason, error }),
    });
    open.push(connection);
    const unsubscribe = store.onAppended(() => connection.wake());
    void connection.closed.then(unsubscribe);
    connection.start();
    return { connection, ends };
  };

  it('stops reading the log while the socket is full, keeps memory bounded, and resumes on drain', async () => {
    await append(2000);
    const sink = new ControlledSink();
    const reads = jest.spyOn(store, 'readAll');
    connect(sink);

    await until(() => sink.writableNeedDrain, 'the socket to be full');
    // Give the loop every chance to read on: it must not while it waits for 'drain'.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads).toHaveBeenCalledTimes(1);
    const buffered = sink.writableLength;
    expect(buffered).toBeLessThan(70 * 1024);
    expect(sink.ids().length).toBeLessThan(2000);

    sink.read();
    await until(() => sink.ids().length === 2000, 'every event');
    expect(sink.ids()).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(sink.destroyed).toBe(false);
  });

  it('cuts off a consumer that does not drain in time, with a last message saying why', async () => {
    await append(2000);
    const sink = new ControlledSink();
    const { ends } = connect(sink, { slowConsumerMs: 100 });

    await until(() => ends.length > 0, 'the cut-off');
    expect(ends).toEqual([{ reason: 'slow-consumer', error: undefined }]);
    // The client reads again (within the grace period): it gets what was queued, then the reason.
    sink.read();
    await until(() => sink.destroyed, 'the connection to close');
    const ids = sink.ids();
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    expect(ids.length).toBeLessThan(2000);
    const last = sink.chunks.at(-1)!;
    expect(last).toMatch(/^event: stream-closed\ndata: \{.*\}\n\n$/);
    expect(JSON.parse(last.split('\n')[1]!.slice(6))).toEqual({
      reason: 'slow-consumer',
      detail: expect.stringContaining('Last-Event-ID'),
    });
  });

  it('destroys the connection of a consumer that never reads again, after the grace period', async () => {
    await append(2000);
    const sink = new ControlledSink();
    const { ends } = connect(sink, { slowConsumerMs: 50 });
    await until(() => sink.destroyed, 'the connection to be destroyed');
    expect(ends[0]?.reason).toBe('slow-consumer');
  });

  it('delivers live appends after the catch-up, with heartbeats while idle', async () => {
    await append(3);
    const sink = new ControlledSink();
    sink.read();
    connect(sink, { heartbeatMs: 20 });
    await until(() => sink.ids().length === 3, 'the catch-up');
    await until(() => sink.text().split(': heartbeat\n\n').length > 3, 'heartbeats');
    await append(250);
    await until(() => sink.ids().length === 253, 'the live events');
    expect(sink.ids()).toEqual(Array.from({ length: 253 }, (_, i) => i + 1));
    expect(sink.text().startsWith('retry: 1000\n\n')).toBe(true);
  });

  it('stops when the client goes away', async () => {
    const sink = new ControlledSink();
    sink.read();
    const reads = jest.spyOn(store, 'readAll');
    const { ends } = connect(sink);
    await until(() => reads.mock.calls.length > 0, 'the first read');
    sink.destroy();
    await until(() => ends.length > 0, 'the end');
    expect(ends[0]?.reason).toBe('disconnected');
    const calls = reads.mock.calls.length;
    await append(10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads.mock.calls.length).toBe(calls);
  });

  it('ends with a reason at shutdown and when the log cannot be read', async () => {
    const idle = new ControlledSink();
    idle.read();
    const first = connect(idle);
    await until(() => idle.text().length > 0, 'the stream to start');
    await first.connection.shutdown();
    expect(idle.destroyed).toBe(true);
    expect(idle.chunks.at(-1)).toContain('"reason":"shutdown"');

    const failure = new Error('disk gone');
    jest.spyOn(store, 'readAll').mockRejectedValueOnce(failure);
    const broken = new ControlledSink();
    broken.read();
    const second = connect(broken);
    await until(() => broken.destroyed, 'the failed stream to close');
    expect(second.ends).toEqual([{ reason: 'unavailable', error: failure }]);
    expect(broken.chunks.at(-1)).toContain('"reason":"unavailable"');
  });

  it('catching up, many streams together read at most their shared turns per turn of the event loop', async () => {
    await append(3 * BATCH_SIZE);
    const reads = jest.spyOn(store, 'readAll');
    const turns = new CatchUpTurns(2);
    const sinks = Array.from({ length: 30 }, () => {
      const sink = new ControlledSink();
      sink.read();
      return sink;
    });
    // Counts the reads between two turns of the loop: a callback of its own on each turn.
    const perTurn: number[] = [];
    let seen = 0;
    let sampling = true;
    const sample = () => {
      perTurn.push(reads.mock.calls.length - seen);
      seen = reads.mock.calls.length;
      if (sampling) setImmediate(sample);
    };
    setImmediate(sample);
    for (const sink of sinks) connect(sink, {}, turns);
    const last = `id: ${3 * BATCH_SIZE}\n`;
    await until(() => sinks.every((sink) => sink.chunks.at(-1)?.includes(last)), 'every stream to catch up');
    sampling = false;
    // 30 streams of 3 full batches each at least, never more than 2 reads in one turn.
    expect(reads.mock.calls.length).toBeGreaterThanOrEqual(30 * 3);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(2);
    for (const sink of sinks)
      expect(sink.ids()).toEqual(Array.from({ length: 3 * BATCH_SIZE }, (_, i) => i + 1));
  });
});
