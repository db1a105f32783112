import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { EVENT_TYPES } from '@app/domain';
import {
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  SqliteEventStore,
  openSqliteDatabase,
} from '@app/event-store';
import { Logger } from '@nestjs/common';
import { EventSource } from 'eventsource';
import { toMessage } from '../apps/api/src/events/event-selection';
import { ADMIN_AUTHORIZATION } from './support/test-keys';
import { until, withEnv } from './support/waiting';
import {
  TEST_ADMIN_KEY,
  lead,
  problemOf,
  qualification,
  removeDataDir,
  startApp,
  type TestApp,
} from './support/test-app';

/** GET /events: the log as Server-Sent Events, read with a real EventSource client, and as JSON pages. */

interface Received {
  readonly id: string;
  readonly type: string;
  readonly message: Record<string, unknown>;
}

async function listen(t: TestApp, port = 0): Promise<string> {
  await t.app.listen(port, '127.0.0.1');
  const address = t.app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('not listening on a port');
  return `http://127.0.0.1:${address.port}`;
}

const newEvent = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    occurredAt: new Date().toISOString(),
    actor: 'events-test',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
  },
});

/** Appends `count` one-event streams straight to the store, many at once (one transaction per turn). */
async function appendMany(
  store: EventStore,
  count: number,
  kind: (i: number) => { stream: string; type: string } = () => ({
    stream: `lead-${randomUUID()}`,
    type: 'LeadCaptured',
  }),
  data: (i: number) => Record<string, unknown> = (i) => ({ i }),
): Promise<void> {
  for (let done = 0; done < count; done += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - done) }, (_, k) => {
        const { stream, type } = kind(done + k);
        return store.appendToStream(stream, [newEvent(type, data(done + k))]);
      }),
    );
  }
}

/** The whole log as GET /events sends each event. */
async function logOf(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (;;) {
    const batch = await store.readAll({ after: events.at(-1)?.position ?? 0n, maxCount: 5000 });
    if (batch.length === 0) return events;
    events.push(...batch);
  }
}
const asReceived = (events: readonly RecordedEvent[]) =>
  events.map((e) => ({
    id: e.position.toString(),
    type: e.type,
    message: JSON.parse(JSON.stringify(toMessage(e))),
  }));

const positions = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

const followers: Follower[] = [];

/** A consumer on a real EventSource client, listening to every event type of the service. */
class Follower {
  readonly received: Received[] = [];
  readonly closings: { reason: string; detail: string }[] = [];
  /** The Last-Event-ID header of each connection the client made (undefined: none). */
  readonly sentLastEventIds: (string | undefined)[] = [];
  /** How many times the stream opened (its response headers arrived). */
  opened = 0;
  private readonly source: EventSource;
  private stopped = false;

  constructor(
    url: string,
    options: {
      readonly lastEventId?: string;
      /** Close the client after this many events. */
      readonly stopAfter?: number;
      /** Awaited before each connection. */
      readonly gate?: () => Promise<void>;
    } = {},
  ) {
    this.source = new EventSource(url, {
      fetch: async (input, init) => {
        await options.gate?.();
        const given: Record<string, string> = { ...init.headers, authorization: `Bearer ${TEST_ADMIN_KEY}` };
        const headers =
          options.lastEventId !== undefined && init.headers['Last-Event-ID'] === undefined
            ? { ...given, 'Last-Event-ID': options.lastEventId }
            : given;
        this.sentLastEventIds.push(headers['Last-Event-ID']);
        return fetch(input, { ...init, headers });
      },
    });
    for (const type of EVENT_TYPES) {
      this.source.addEventListener(type, (event) => {
        // Events already parsed from the last chunk may still be dispatched after close(): a client that
        // closed has stopped handling them.
        if (this.stopped) return;
        this.received.push({ id: event.lastEventId, type: event.type, message: JSON.parse(event.data) });
        if (this.received.length === options.stopAfter) this.close();
      });
    }
    this.source.addEventListener('stream-closed', (event) => this.closings.push(JSON.parse(event.data)));
    this.source.addEventListener('open', () => (this.opened += 1));
    followers.push(this);
  }

  lastId(): string | undefined {
    return this.received.at(-1)?.id;
  }

  async waitFor(count: number): Promise<void> {
    await until(() => this.received.length >= count, `${count} events (got ${this.received.length})`);
  }

  async waitForId(id: string): Promise<void> {
    await until(() => this.lastId() === id, `event ${id} (last ${this.lastId()})`);
  }

  close(): void {
    this.stopped = true;
    this.source.close();
  }
}

/** A raw HTTP GET, for what EventSource hides: headers, comment lines, a client that stops reading. */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ response: IncomingMessage; text: () => string; close: () => void }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      url,
      { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...headers } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', () => undefined);
        resolve({ response, text: () => text, close: () => request.destroy() });
      },
    );
    request.on('error', reject);
  });
}

/** Keeps appending, over HTTP and straight to the store, until stopped. */
function startWriter(t: TestApp): { stop: () => Promise<void> } {
  let running = true;
  const loop = async () => {
    while (running) {
      await t.http().post('/leads').send(lead()).expect(201);
      await appendMany(t.store, 1 + Math.floor(Math.random() * 10));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const loops = [loop(), loop()];
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

afterEach(() => {
  for (const follower of followers.splice(0)) follower.close();
});

describe('GET /events', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startApp();
    base = await listen(t);
    // A real history: a lead captured, qualified, its deal created, advanced and won; another lost.
    for (const outcome of ['win', 'lose']) {
      const leadId = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
      await t.http().post(`/leads/${leadId}/qualify`).send(qualification()).expect(200);
      const dealId = (
        await t
          .http()
          .post('/deals')
          .send({
            leadId,
            title: 'Deal',
            value: { amount: 100, currency: 'EUR' },
            expectedCloseDate: '2026-10-01',
          })
          .expect(201)
      ).body.id as string;
      await t.http().post(`/deals/${dealId}/advance`).send({ stage: 'proposal' }).expect(200);
      await t
        .http()
        .post(`/deals/${dealId}/${outcome}`)
        .send(outcome === 'win' ? {} : { reason: 'price' })
        .expect(200);
    }
    // Enough more to cross the stream's batches and chunks.
    await appendMany(t.store, 1200);
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('answers 400 problem+json for bad input before any stream starts, and 406 for an Accept it cannot meet', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['/events', { 'last-event-id': 'abc' }, 'Last-Event-ID'],
      ['/events', { 'last-event-id': '12x' }, 'Last-Event-ID'],
      ['/events?after=abc', {}, 'after'],
      ['/events?after=-1', {}, 'after'],
      ['/events?after=', {}, 'after'],
      ['/events?after=1&after=2', {}, 'after'],
      ['/events?from=middle', {}, 'from'],
      ['/events?after=1&from=start', {}, 'after'],
      ['/events?from=end&after=3', { 'last-event-id': '5' }, 'after'],
      ['/events?since=1', {}, 'since'],
      ['/events?types=Deal-Won', {}, 'types'],
      ['/events?types=DealWon,', {}, 'types'],
      ['/events?types=1Deal', {}, 'types'],
      ['/events?category=Deal', {}, 'category'],
      ['/events?category=deal-x', {}, 'category'],
      ['/events?limit=10', {}, 'limit'],
    ];
    for (const [path, headers, field] of cases) {
      // Last-Event-ID is the stream's (pages go by `after`), and limit the pages'.
      const streamOnly = field === 'Last-Event-ID' || field === 'limit';
      for (const accept of streamOnly ? ['text/event-stream'] : ['text/event-stream', 'application/json']) {
        const response = await t
          .http()
          .get(path)
          .set({ accept, ...headers });
        expect({ path, accept, status: response.status }).toEqual({ path, accept, status: 400 });
        expect(problemOf(response).errors?.map((e) => e.field)).toContain(field);
      }
    }
    for (const limit of ['0', '1001', 'abc', '2.5']) {
      const response = await t.http().get(`/events?limit=${limit}`).set('accept', 'application/json');
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual([
        { field: 'limit', reason: expect.stringContaining('1 to 1000') },
      ]);
    }
    const unacceptable = await t.http().get('/events').set('accept', 'text/html');
    expect(unacceptable.status).toBe(406);
    expect(problemOf(unacceptable).code).toBe('NOT_ACCEPTABLE');
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await t.http().get('/openapi.json').expect(200)).body;
    const operation = document.paths['/events'].get;
    expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in} ${p.name}`)).toEqual(
      expect.arrayContaining([
        'query from',
        'query after',
        'query types',
        'query category',
        'query limit',
        'header Last-Event-ID',
      ]),
    );
    expect(Object.keys(operation.responses['200'].content)).toEqual([
      'text/event-stream',
      'application/json',
    ]);
    expect(operation.responses['400']).toBeDefined();
  });

  it('catches up from the start: every event in order, with its position as id and the event as data', async () => {
    const log = await logOf(t.store);
    expect(log.map((e) => e.position.toString())).toEqual(positions(1, log.length));
    for (const query of ['', '?from=start']) {
      const follower = new Follower(`${base}/events${query}`);
      await follower.waitFor(log.length);
      expect(follower.received).toEqual(asReceived(log));
    }
  });

  it('from=end sends only the events appended after it connected; after=<position> starts after it', async () => {
    const follower = new Follower(`${base}/events?from=end`);
    // The server takes the head before it answers, so once the stream is open it is established.
    await until(() => follower.opened === 1, 'the stream to open');
    const headBefore = Number(await t.store.headPosition());
    const captured = await t.http().post('/leads').send(lead()).expect(201);
    await follower.waitForId(captured.body.position as string);
    expect(follower.received.map((r) => r.id)).toEqual(
      positions(headBefore + 1, Number(captured.body.position)),
    );

    const after = headBefore - 10;
    const resumed = new Follower(`${base}/events?after=${after}`);
    await resumed.waitForId(captured.body.position as string);
    expect(resumed.received).toEqual(asReceived((await logOf(t.store)).slice(after)));
  });

  it('delivers exactly the events the filters select, in order, also live', async () => {
    await appendMany(t.store, 300, (i) =>
      i % 3 === 0
        ? { stream: `deal-${randomUUID()}`, type: i % 2 === 0 ? 'DealWon' : 'DealLost' }
        : { stream: `lead-${randomUUID()}`, type: 'LeadQualified' },
    );
    const log = await logOf(t.store);
    const outcomes = log.filter((e) => e.type === 'DealWon' || e.type === 'DealLost');
    const deals = log.filter((e) => e.streamId.startsWith('deal-'));
    const dealsWon = log.filter((e) => e.streamId.startsWith('deal-') && e.type === 'DealWon');

    const byType = new Follower(`${base}/events?types=DealWon,DealLost`);
    const byCategory = new Follower(`${base}/events?category=deal`);
    const byBoth = new Follower(`${base}/events?types=DealWon&category=deal`);
    await byType.waitFor(outcomes.length);
    await byCategory.waitFor(deals.length);
    await byBoth.waitFor(dealsWon.length);

    // Live: a lead event the filters reject, then a deal won they select. Delivery is in log order, so had
    // the first been sent it would arrive before the second.
    await t.store.appendToStream(`lead-${randomUUID()}`, [newEvent('LeadCaptured')]);
    const won = await t.store.appendToStream(`deal-${randomUUID()}`, [newEvent('DealWon')]);
    const wonId = won.position.toString();
    for (const follower of [byType, byCategory, byBoth]) await follower.waitForId(wonId);

    const after = await logOf(t.store);
    const last = after.at(-1)!;
    expect(byType.received).toEqual(asReceived([...outcomes, last]));
    expect(byCategory.received).toEqual(asReceived([...deals, last]));
    expect(byBoth.received).toEqual(asReceived([...dealsWon, last]));
  });

  it('resumes with Last-Event-ID after disconnects at random points, without gaps or duplicates, while others append', async () => {
    const writer = startWriter(t);
    const union: Received[] = [];
    let last: string | undefined;
    try {
      for (let round = 0; round < 8; round++) {
        const k = 1 + Math.floor(Math.random() * 300);
        const follower = new Follower(`${base}/events`, {
          ...(last === undefined ? {} : { lastEventId: last }),
          stopAfter: k,
        });
        await follower.waitFor(k);
        expect(follower.sentLastEventIds[0]).toBe(last);
        union.push(...follower.received);
        last = follower.lastId();
      }
    } finally {
      await writer.stop();
    }
    const log = await logOf(t.store);
    const rest = new Follower(`${base}/events`, { lastEventId: last! });
    await rest.waitForId(log.at(-1)!.position.toString());
    union.push(...rest.received);
    expect(union.map((r) => r.id)).toEqual(positions(1, log.length));
    expect(union).toEqual(asReceived(log));
  }, 120_000);

  it('delivers everything exactly once to a consumer that starts while a writer appends many events', async () => {
    await appendMany(t.store, 2000);
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        await Promise.all([t.http().post('/leads').send(lead()).expect(201), appendMany(t.store, 25)]);
      }
    })();
    const follower = new Follower(`${base}/events`);
    await writer;
    const log = await logOf(t.store);
    await follower.waitForId(log.at(-1)!.position.toString());
    expect(follower.received).toEqual(asReceived(log));
  }, 120_000);

  it('delivers what another process appends to the same log, which no in-process wake-up announces', async () => {
    const follower = new Follower(`${base}/events?from=end`);
    await until(() => follower.opened === 1, 'the stream to open');
    // A second store on the same file, as a projector process running the automation would have.
    const db = openSqliteDatabase(join(t.dataDir, 'events.sqlite'));
    const other = new SqliteEventStore(db);
    try {
      const written = await other.appendToStream(`deal-${randomUUID()}`, [newEvent('DealCreated')]);
      await follower.waitForId(written.position.toString());
      expect(follower.received.map((r) => r.type)).toEqual(['DealCreated']);
    } finally {
      await other.close();
      db.close();
    }
  });

  it('answers HEAD with the stream headers and no body', async () => {
    const head = await t.http().head('/events').expect(200);
    expect(head.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  it('serves the log as JSON pages with after, limit, filters and nextAfter', async () => {
    const log = await logOf(t.store);
    const head = log.at(-1)!.position.toString();
    const page = async (query: string) =>
      (await t.http().get(`/events?${query}`).set('accept', 'application/json').expect(200)).body as {
        events: Received['message'][];
        nextAfter: string;
      };
    const all = async (filters: string, limit: number) => {
      const events: Received['message'][] = [];
      let after = '0';
      for (;;) {
        const next = await page([filters, `after=${after}`, `limit=${limit}`].filter(Boolean).join('&'));
        expect(next.events.length).toBeLessThanOrEqual(limit);
        events.push(...next.events);
        if (next.nextAfter === after) return events;
        after = next.nextAfter;
      }
    };

    const first = await page('after=3&limit=5');
    expect(first).toEqual({ events: asReceived(log.slice(3, 8)).map((r) => r.message), nextAfter: '8' });
    expect((await page('after=0')).events).toHaveLength(100);
    expect(await page(`after=${head}`)).toEqual({ events: [], nextAfter: head });
    expect(await page('from=end')).toEqual({ events: [], nextAfter: head });

    const everything = await all('', 97);
    expect(everything).toEqual(asReceived(log).map((r) => r.message));
    const outcomes = log.filter(
      (e) => e.streamId.startsWith('deal-') && ['DealWon', 'DealLost'].includes(e.type),
    );
    expect(await all('types=DealWon,DealLost&category=deal', 3)).toEqual(
      asReceived(outcomes).map((r) => r.message),
    );

    // nextAfter is the last event scanned, past the events the filters skipped.
    expect(await page(`types=NoSuchType&after=${log.length - 50}`)).toEqual({ events: [], nextAfter: head });

    const negotiated = await t
      .http()
      .get('/events?limit=1')
      .set('accept', 'text/event-stream;q=0.5, application/json')
      .expect(200);
    expect(negotiated.body.events).toHaveLength(1);
  });
});

describe('GET /events heartbeats', () => {
  it('sends heartbeats on an idle connection, also while filters skip every event', async () => {
    const t = await withEnv({ SSE_HEARTBEAT_MS: '100' }, () => startApp());
    try {
      const base = await listen(t);
      await appendMany(t.store, 1200);
      const stream = await rawGet(`${base}/events?category=nothing_here`, {
        accept: 'text/event-stream',
        'x-correlation-id': 'sse-heartbeat-test',
      });
      try {
        expect(stream.response.statusCode).toBe(200);
        expect(stream.response.headers).toMatchObject({
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-correlation-id': 'sse-heartbeat-test',
        });
        await until(() => stream.text().split(': heartbeat\n\n').length > 3, 'three heartbeats');
        expect(stream.text().startsWith('retry: 1000\n\n')).toBe(true);
        expect(stream.text()).not.toContain('id:');
      } finally {
        stream.close();
      }
    } finally {
      await t.close();
      removeDataDir(t.dataDir);
    }
  });
});

describe('GET /events as JSON over a long filtered log', () => {
  it('looks at 10,000 events at most per page, and says where to go on', async () => {
    const t = await startApp();
    try {
      expect(await t.store.headPosition()).toBe(1n);
      await appendMany(t.store, 10_400);
      await appendMany(t.store, 2, () => ({ stream: `deal-${randomUUID()}`, type: 'DealCreated' }));
      const page = async (after: string) =>
        (
          await t
            .http()
            .get(`/events?category=deal&after=${after}&limit=10`)
            .set('accept', 'application/json')
            .expect(200)
        ).body as { events: { position: string }[]; nextAfter: string };
      // The log starts with the admin key's issue: the deals are the last two events after it.
      const [first, last] = [String(1 + 10_400 + 1), String(1 + 10_400 + 2)];
      expect(await page('0')).toEqual({ events: [], nextAfter: '10000' });
      const second = await page('10000');
      expect(second.events.map((e) => e.position)).toEqual([first, last]);
      expect(second.nextAfter).toBe(last);
      expect(await page(last)).toEqual({ events: [], nextAfter: last });
    } finally {
      await t.close();
      removeDataDir(t.dataDir);
    }
  }, 60_000);
});

describe('GET /events and a consumer that does not read', () => {
  it('cuts it off with a last message, and it resumes from the last id it received', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const t = await withEnv({ SSE_SLOW_CONSUMER_MS: '2000' }, () => startApp());
    try {
      const base = await listen(t);
      // About 25 MB: far more than the socket buffers of both ends hold.
      const payload = 'x'.repeat(16 * 1024);
      await appendMany(t.store, 1500, undefined, (i) => ({ i, payload }));

      const stalled = await new Promise<IncomingMessage>((resolve) =>
        http
          .get(`${base}/events?after=1`, { headers: ADMIN_AUTHORIZATION }, (response) => {
            response.pause();
            resolve(response);
          })
          .on('error', () => undefined),
      );
      await until(
        () => warn.mock.calls.some(([message]) => String(message).includes('cut off')),
        'the cut-off',
      );
      // It reads again, within the grace period it has after the cut-off.
      let text = '';
      stalled.setEncoding('utf8');
      stalled.on('data', (chunk: string) => (text += chunk));
      await new Promise<void>((resolve) => {
        stalled.once('end', resolve);
        stalled.once('close', resolve);
        stalled.resume();
      });
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]!);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThan(1500);
      // After the admin key's issue (position 1): the 1,500 events appended here are 2 to 1501.
      expect(ids).toEqual(positions(2, ids.length + 1));
      const closing = /event: stream-closed\ndata: (.*)\n\n$/.exec(text);
      expect(JSON.parse(closing![1]!)).toEqual({
        reason: 'slow-consumer',
        detail: expect.stringContaining('Last-Event-ID'),
      });

      const resumed = new Follower(`${base}/events`, { lastEventId: ids.at(-1)! });
      await resumed.waitForId('1501');
      expect(resumed.received.map((r) => r.id)).toEqual(positions(ids.length + 2, 1501));
    } finally {
      warn.mockRestore();
      await t.close();
      removeDataDir(t.dataDir);
    }
  }, 120_000);
});

describe('GET /events across a restart', () => {
  it('ends open streams at shutdown without holding it up; the client reconnects with Last-Event-ID and goes on', async () => {
    let t = await startApp();
    const dataDir = t.dataDir;
    let gate = Promise.resolve();
    let open = () => {};
    try {
      const base = await listen(t);
      const port = Number(new URL(base).port);
      const first = (await t.http().post('/leads').send(lead()).expect(201)).body.position as string;
      const follower = new Follower(`${base}/events`, { gate: () => gate });
      const other = new Follower(`${base}/events?types=DealWon`);
      await follower.waitForId(first);

      // Hold the client's reconnection until the new app listens, so that it never meets the closing one.
      gate = new Promise((resolve) => (open = resolve));
      await t.close();
      await until(() => follower.closings.length === 1, 'the closing message');
      expect(follower.closings[0]).toEqual({
        reason: 'shutdown',
        detail: expect.stringContaining('Last-Event-ID'),
      });
      expect(other.closings).toHaveLength(1);
      other.close();

      t = await startApp(dataDir);
      await listen(t, port);
      open();
      const second = (await t.http().post('/leads').send(lead()).expect(201)).body.position as string;
      await follower.waitForId(second);
      expect(follower.received.map((r) => r.id)).toEqual(positions(1, Number(second)));
      expect(follower.sentLastEventIds[0]).toBeUndefined();
      expect(new Set(follower.sentLastEventIds.slice(1))).toEqual(new Set([first]));
    } finally {
      open();
      await t.close();
      removeDataDir(dataDir);
    }
  }, 60_000);
});
