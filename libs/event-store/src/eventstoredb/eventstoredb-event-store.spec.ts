import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { EventStoreDBClient, type ResolvedEvent } from '@eventstore/db-client';
import { InvalidAppendError, StoreUnavailableError, WrongExpectedRevisionError } from '../errors';
import type { Position } from '../event-store.port';
import { verifyStream } from '../integrity';
import { describeEventStoreContract, newEvent } from '../testing/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const url = process.env['EVENTSTORE_URL'];
const skipped = 'skipped: EVENTSTORE_URL is not set';

/**
 * This run's own category: the server may be shared with other runs and other tests writing meanwhile, and the
 * stores below scope their log to it, so the contract's tests of the whole log see only their own events.
 */
const category = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const stream = () => `${category}-${randomUUID()}`;

function openOn(server: string) {
  const store = EventStoreDbEventStore.fromConnectionString(server, { categories: [category] });
  return { store, dispose: () => store.close() };
}

if (url !== undefined) {
  describeEventStoreContract('EventStoreDB', {
    open: () => Promise.resolve(openOn(url)),
    gaplessPositions: false,
    streamCategory: category,
  });
} else {
  describe.skip(`EventStore contract: EventStoreDB (${skipped})`, () => {
    it('runs the whole contract suite against the server EVENTSTORE_URL names', () => undefined);
  });
}

const withServer = url !== undefined ? describe : describe.skip;

withServer(`EventStoreDbEventStore on a server${url !== undefined ? '' : ` (${skipped})`}`, () => {
  const server = url ?? '';
  // Two stores on two connections: as two processes writing the same streams.
  let a: EventStoreDbEventStore;
  let b: EventStoreDbEventStore;
  let raw: EventStoreDBClient;
  beforeEach(() => {
    a = openOn(server).store;
    b = openOn(server).store;
    raw = EventStoreDBClient.connectionString(server);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close(), raw.dispose()]);
  });

  const readRaw = async (streamId: string): Promise<ResolvedEvent[]> => {
    const events: ResolvedEvent[] = [];
    for await (const event of raw.readStream(streamId)) events.push(event);
    return events;
  };

  it('keeps the hash chain when two processes append to one stream at once', async () => {
    const streamId = stream();
    await a.appendToStream(streamId, [newEvent()]);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? a : b).appendToStream(streamId, [newEvent(), newEvent()]),
      ),
    );
    const events = await a.readStream(streamId);
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 17 }, (_, i) => i));
    expect(verifyStream(events)).toEqual({ verified: true, brokenAt: null });
  });

  it('lets one of two processes with the same exact revision win, and tells the other the actual one', async () => {
    const streamId = stream();
    await a.appendToStream(streamId, [newEvent()]);
    const [first, second] = await Promise.allSettled([
      a.appendToStream(streamId, [newEvent()], { expectedRevision: 0 }),
      b.appendToStream(streamId, [newEvent()], { expectedRevision: 0 }),
    ]);
    const outcomes = [first, second];
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(refused?.reason).toMatchObject({ streamId, expected: 0, actual: 1 });
  });

  it('answers a retry sent by another process with the original result, writing nothing', async () => {
    const streamId = stream();
    const events = [newEvent(), newEvent()];
    const first = await a.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
    expect(await b.appendToStream(streamId, events, { expectedRevision: 'no_stream' })).toEqual(first);
    expect(await b.readStream(streamId)).toHaveLength(2);
  });

  it("wakes a process's listeners for events another process appends", async () => {
    const heard: Position[] = [];
    const unsubscribe = b.onAppended((head) => heard.push(head));
    try {
      // The subscription starts from the end once the server confirms it: append until it hears one.
      const deadline = Date.now() + 10_000;
      const written: Position[] = [];
      while (heard.length === 0 && Date.now() < deadline) {
        written.push((await a.appendToStream(stream(), [newEvent()])).position);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(heard.length).toBeGreaterThan(0);
      expect(heard.every((h) => written.includes(h))).toBe(true);
    } finally {
      unsubscribe();
    }
  });

  it("stores EventStoreDB's $correlationId and $causationId beside our metadata", async () => {
    const streamId = stream();
    const event = newEvent();
    await a.appendToStream(streamId, [event]);
    const [stored] = await readRaw(streamId);
    expect(stored?.event?.id).toBe(event.id);
    expect(stored?.event?.metadata).toMatchObject({
      ...event.metadata,
      $correlationId: event.metadata.correlationId,
      $causationId: event.metadata.causationId,
    });
  });

  it('gives each event of one append its own position: commit = prepare, increasing', async () => {
    const streamId = stream();
    const result = await a.appendToStream(streamId, [newEvent(), newEvent(), newEvent()]);
    const positions = (await readRaw(streamId)).map((e) => e.event?.position);
    positions.forEach((position) => expect(position?.commit).toBe(position?.prepare));
    const commits = positions.map((p) => p?.commit ?? 0n);
    expect(commits[0]! < commits[1]! && commits[1]! < commits[2]!).toBe(true);
    expect(result.position).toBe(commits[2]);
  });

  it('refuses to write outside its categories', async () => {
    await expect(a.appendToStream(`other-${randomUUID()}`, [newEvent()])).rejects.toBeInstanceOf(
      InvalidAppendError,
    );
  });
});

describe('EventStoreDbEventStore without a server', () => {
  let unreachable: string;
  let store: EventStoreDbEventStore;
  beforeAll(async () => {
    // A port that was just free: nothing listens on it, so the client's connections are refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    await new Promise((resolve) => probe.close(resolve));
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    unreachable = `esdb://admin:changeit@127.0.0.1:${address.port}?tls=false`;
  });
  beforeEach(() => {
    store = EventStoreDbEventStore.fromConnectionString(unreachable);
  });
  afterEach(async () => {
    await store.close();
  });

  it('reports every operation as unavailable, naming the server but not its password', async () => {
    const operations: Array<[string, () => Promise<unknown>]> = [
      ['ping', () => store.ping()],
      ['appending to lead-1', () => store.appendToStream('lead-1', [newEvent()])],
      ['reading lead-1', () => store.readStream('lead-1')],
      ['reading the log', () => store.readAll({ maxCount: 10 })],
      ['reading the head of the log', () => store.headPosition()],
    ];
    const named = unreachable.replace('admin:changeit@', '');
    for (const [action, operation] of operations) {
      const error = await operation().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toContain(`EventStoreDB at ${named} is unavailable (${action})`);
      expect((error as Error).message).not.toContain('changeit');
    }
  });

  it('keeps listening through a dropped subscription without failing, and stops on close', async () => {
    const heard: Position[] = [];
    store.onAppended((head) => heard.push(head));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await store.close();
    expect(heard).toEqual([]);
    await expect(store.headPosition()).rejects.toThrow('the event store is closed');
  });

  it('refuses settings it cannot honour', () => {
    expect(() => EventStoreDbEventStore.fromConnectionString(unreachable, { maxAppendAttempts: 0 })).toThrow(
      'maxAppendAttempts',
    );
    expect(() =>
      EventStoreDbEventStore.fromConnectionString(unreachable, { categories: ['lead-x'] }),
    ).toThrow('not a stream category');
  });
});
