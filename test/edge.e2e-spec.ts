import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import net from 'node:net';
import { LeadCommands } from '@app/application';
import { EventsService } from '../apps/api/src/events/events.service';
import { Metrics } from '../apps/api/src/observability/metrics';
import {
  type IssuedTestKey,
  type TestApp,
  TEST_ADMIN_KEY,
  issueKey,
  lead,
  problemOf,
  removeDataDir,
  startApp,
  useApp,
} from './support/test-app';
import { until, withEnv } from './support/waiting';

async function listen(t: TestApp): Promise<number> {
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('not listening on a port');
  return address.port;
}

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** One request over a real connection (the agent decides which); its whole answer. */
function call(
  port: number,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    agent?: http.Agent;
  },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
        ...(options.agent ? { agent: options.agent } : {}),
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Bytes written to a connection of their own, and everything the server sends back until it closes it. */
function raw(port: number, bytes: string, more?: { afterMs: number; bytes: string }): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
    socket.write(bytes);
    if (more) setTimeout(() => socket.write(more.bytes), more.afterMs);
  });
}

/** The status and problem document of a raw HTTP answer. */
function parseRaw(text: string): { status: number; headers: string; problem: Record<string, unknown> } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    headers: head.toLowerCase(),
    problem: JSON.parse(body) as Record<string, unknown>,
  };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** An open GET /events; its text so far, and when it ends. */
interface Stream {
  readonly response: IncomingMessage;
  readonly text: () => string;
  readonly ended: Promise<void>;
  readonly isEnded: () => boolean;
  readonly close: () => void;
}

function openStream(port: number, key: string, path = '/events'): Promise<Stream | Reply> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers: bearer(key) }, (response) => {
      let text = '';
      let ended = false;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      const endedPromise = new Promise<void>((done) => {
        const finish = () => {
          ended = true;
          done();
        };
        response.once('end', finish);
        response.once('close', finish);
      });
      if (response.statusCode !== 200) {
        void endedPromise.then(() =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
        return;
      }
      resolve({
        response,
        text: () => text,
        ended: endedPromise,
        isEnded: () => ended,
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

const isStream = (opened: Stream | Reply): opened is Stream => 'response' in opened;

function stream(opened: Stream | Reply): Stream {
  if (!isStream(opened)) throw new Error(`the stream was refused: ${opened.status} ${opened.text}`);
  return opened;
}

function refusal(opened: Stream | Reply): Reply & { problem: { status: number; code?: string } } {
  if (isStream(opened)) {
    opened.close();
    throw new Error('the stream was opened, a refusal was expected');
  }
  expect(opened.headers['content-type']).toMatch(/^application\/problem\+json/);
  return { ...opened, problem: JSON.parse(opened.text) as { status: number; code?: string } };
}

describe('The edge: rate limits', () => {
  describe('per client address', () => {
    const t = useApp({ RATE_LIMIT_PER_ADDRESS: '5', RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_WINDOW_MS: '60000' });

    it('counts every request, random bearer tokens included, then answers 429 with Retry-After; health is exempt', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        // A client rotating made-up keys: each one a 401, each one counted against its address.
        statuses.push((await t.as(`made-up-${randomUUID()}`).get('/leads')).status);
      }
      const firstRefusal = statuses.indexOf(429);
      expect(firstRefusal).toBeGreaterThan(0);
      expect(firstRefusal).toBeLessThanOrEqual(5);
      expect(statuses).toEqual([
        ...Array<number>(firstRefusal).fill(401),
        ...Array<number>(8 - firstRefusal).fill(429),
      ]);

      // The admin key from the same address is refused as well: the address spent its allowance.
      const refused = await t.http().get('/leads');
      expect(refused.status).toBe(429);
      expect(problemOf(refused).code).toBe('RATE_LIMITED');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);

      await t.http().get('/health').expect(200);
      await t.as(null).get('/health/live').expect(200);
      const counted = await t.app.get(Metrics).rateLimited.get();
      expect(counted.values.find((v) => v.labels.limit === 'address')?.value).toBeGreaterThanOrEqual(4);
    });
  });

  describe('per API key', () => {
    const t = useApp({ RATE_LIMIT_PER_KEY: '4', RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_WINDOW_MS: '60000' });

    it('gives each key its own allowance, then answers 429 with Retry-After', async () => {
      const first = await issueKey(t, ['analyst']);
      const second = await issueKey(t, ['analyst']);
      for (let i = 0; i < 4; i++) await t.as(first.key).get('/leads').expect(200);
      const refused = await t.as(first.key).get('/leads');
      expect(refused.status).toBe(429);
      const problem = problemOf(refused);
      expect(problem.code).toBe('RATE_LIMITED');
      expect(problem.detail).toContain('API key');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another key, from the same address, is not affected.
      await t.as(second.key).get('/leads').expect(200);
      const counted = await t.app.get(Metrics).rateLimited.get();
      expect(counted.values.find((v) => v.labels.limit === 'key')?.value).toBe(1);
    });
  });
});

describe('The edge: CORS', () => {
  const allowed = 'https://crm.example.com';
  const t = useApp({ CORS_ORIGINS: `${allowed},http://localhost:5173` });

  it('lets a listed origin read answers, and says nothing to another', async () => {
    const ok = await t.http().get('/leads').set('Origin', allowed).expect(200);
    expect(ok.headers['access-control-allow-origin']).toBe(allowed);
    expect(ok.headers['vary']).toMatch(/Origin/);
    expect(ok.headers['access-control-expose-headers']).toMatch(/ETag/);
    expect(ok.headers['access-control-expose-headers']).toMatch(/X-Correlation-Id/);

    const other = await t.http().get('/leads').set('Origin', 'https://evil.example.com').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a preflight, which carries no key, for a listed origin only', async () => {
    const preflight = await t
      .as(null)
      .options('/leads')
      .set('Origin', allowed)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,if-match,idempotency-key');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(allowed);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/PATCH/);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
    expect(preflight.headers['www-authenticate']).toBeUndefined();

    const refused = await t
      .as(null)
      .options('/leads')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(refused.status).toBe(204);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    // A request that is not a preflight still needs a key.
    const plain = await t.as(null).get('/leads').set('Origin', allowed);
    expect(plain.status).toBe(401);
    expect(plain.headers['access-control-allow-origin']).toBe(allowed);
  });
});

describe('The edge: security headers', () => {
  const t = useApp();

  it('are on every answer, refusals included', async () => {
    for (const response of [
      await t.http().get('/leads').expect(200),
      await t.as(null).get('/leads').expect(401),
    ]) {
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': expect.stringContaining('max-age='),
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    }
  });

  it('leave /docs working: the page and every file it loads are served, and its policy allows them', async () => {
    const page = await t.as(null).get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const policy = page.headers['content-security-policy'] as string;
    expect(policy).toMatch(/script-src 'self'/);
    expect(policy).toMatch(/style-src [^;]*'unsafe-inline'/);
    expect(policy).toMatch(/img-src [^;]*data:/);
    // Every script is a file of this origin (the policy forbids inline scripts), and each one is served.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const files = [...page.text.matchAll(/<(?:script|link)[^>]*?(?:src|href)="([^"]+)"/g)].map(
      (m) => new URL(m[1]!, 'http://service/docs').pathname,
    );
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      expect(file.startsWith('/docs/')).toBe(true);
      await t.as(null).get(file).expect(200);
    }
  });

  it('without CORS_ORIGINS, no origin is allowed', async () => {
    const preflight = await t
      .as(null)
      .options('/leads')
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'GET');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('The edge: event stream limits', () => {
  let t: TestApp;
  let port: number;
  const open: Stream[] = [];
  beforeAll(async () => {
    t = await withEnv({ SSE_MAX_CONNECTIONS: '3', SSE_MAX_PER_KEY: '2', SSE_HEARTBEAT_MS: '60000' }, () =>
      startApp(),
    );
    port = await listen(t);
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t.close();
    removeDataDir(t.dataDir);
  });
  const streams = () => t.app.get(EventsService).openStreams();
  const opened = async (key: IssuedTestKey) => {
    const s = stream(await openStream(port, key.key));
    open.push(s);
    await until(() => s.text().startsWith('retry:'), 'the stream to start');
    return s;
  };

  it('refuses a key beyond SSE_MAX_PER_KEY (429) and anyone beyond SSE_MAX_CONNECTIONS (503), with Retry-After', async () => {
    const a = await issueKey(t, ['service']);
    const b = await issueKey(t, ['service']);
    const a1 = await opened(a);
    await opened(a);

    const perKey = refusal(await openStream(port, a.key));
    expect(perKey.status).toBe(429);
    expect(perKey.problem.code).toBe('TOO_MANY_STREAMS_FOR_KEY');
    expect(Number(perKey.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    await opened(b);
    const total = refusal(await openStream(port, b.key));
    expect(total.status).toBe(503);
    expect(total.problem.code).toBe('TOO_MANY_STREAMS');
    expect(Number(total.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Pages are not streams: they are still served.
    await t.as(b.key).get('/events?limit=1').set('accept', 'application/json').expect(200);

    // A stream that ends makes room.
    a1.close();
    await until(() => streams() === 2, 'the closed stream to be let go');
    await opened(b);
    expect(streams()).toBe(3);
  });

  it('closes the streams of a revoked key with a last message, and only those', async () => {
    const a = await issueKey(t, ['service']);
    for (const s of open.splice(0)) s.close();
    await until(() => streams() === 0, 'the earlier streams to be let go');
    const b = await issueKey(t, ['service']);
    const ofA = [await opened(a), await opened(a)];
    const ofB = await opened(b);

    await t.http().delete(`/admin/keys/${a.keyId}`).expect(204);
    await Promise.all(ofA.map((s) => s.ended));
    for (const s of ofA) {
      const last = /event: stream-closed\ndata: (.*)\n\n$/.exec(s.text());
      expect(JSON.parse(last![1]!)).toEqual({ reason: 'key-revoked', detail: expect.any(String) });
    }
    // The key no longer opens one.
    expect(refusal(await openStream(port, a.key)).status).toBe(401);

    // The other key's stream goes on: it receives what is appended next.
    expect(ofB.isEnded()).toBe(false);
    const captured = (await t.http().post('/leads').send(lead()).expect(201)).body as { position: string };
    await until(() => ofB.text().includes(`id: ${captured.position}\n`), 'the capture on the other stream');
  });
});

describe('The edge: event streams catching up take turns with requests', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startApp();
    port = await listen(t);
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('serves /health and a capture while 20 streams catch up from the start, and every stream gets every event', async () => {
    for (let i = 0; i < 3000; i += 100) {
      await t.store.appendToStream(
        `lead-${randomUUID()}`,
        Array.from({ length: 100 }, (_, k) => ({
          id: randomUUID(),
          type: 'LeadNoted',
          data: { i: i + k, note: 'x'.repeat(200) },
          metadata: {
            occurredAt: new Date().toISOString(),
            actor: 'edge-test',
            correlationId: randomUUID(),
            causationId: randomUUID(),
            schemaVersion: 1,
          },
        })),
      );
    }
    const streams = await Promise.all(
      Array.from({ length: 20 }, async () => stream(await openStream(port, TEST_ADMIN_KEY))),
    );
    try {
      const [health, capture] = await Promise.all([
        call(port, { path: '/health' }),
        call(port, {
          method: 'POST',
          path: '/leads',
          headers: { ...bearer(TEST_ADMIN_KEY), 'content-type': 'application/json' },
          body: JSON.stringify(lead()),
        }),
      ]);
      expect(health.status).toBe(200);
      expect(capture.status).toBe(201);
      const position = (JSON.parse(capture.text) as { position: string }).position;
      for (const s of streams) {
        await until(() => s.text().includes(`id: ${position}\n`), 'the catch-up and the capture', 30_000);
        const ids = [...s.text().matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
        expect(ids).toEqual(Array.from({ length: Number(position) }, (_, k) => k + 1));
      }
    } finally {
      for (const s of streams) s.close();
    }
  }, 60_000);
});

describe('The edge: what Fastify and Node refuse on their own is problem+json too', () => {
  const t = useApp({ BODY_LIMIT: '2048', REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '1000' });
  let port: number;
  let agent: http.Agent;
  beforeAll(async () => {
    port = await listen(t);
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterAll(() => agent.destroy());

  /** Requests on one kept-alive connection (while the server keeps it): each refusal, then one that must work. */
  const send = (
    path: string,
    options: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) =>
    call(port, {
      path,
      agent,
      ...options,
      headers: { ...bearer(TEST_ADMIN_KEY), ...options.headers },
    });
  const nextWorks = async () => expect((await send('/leads?limit=1')).status).toBe(200);
  const problem = (reply: Reply, status: number, code: string) => {
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(reply.text) as { status: number; code: string };
    expect(body).toMatchObject({ status, code });
    return body;
  };

  it('a malformed URL: 400 FST_ERR_BAD_URL, and the connection goes on', async () => {
    problem(await send('/leads/%zz'), 400, 'FST_ERR_BAD_URL');
    await nextWorks();
  });

  it('an over-long path parameter: 414, and the connection goes on', async () => {
    problem(await send(`/leads/${'a'.repeat(300)}`), 414, 'FST_ERR_MAX_PARAM_LENGTH');
    await nextWorks();
  });

  it('a path that is no route: 404 NOT_FOUND', async () => {
    problem(await send('/opportunities'), 404, 'NOT_FOUND');
    await nextWorks();
  });

  it('headers larger than the server reads: 431, Connection: close, and the next request works', async () => {
    const reply = await send('/leads', { headers: { 'x-padding': 'p'.repeat(20_000) } });
    problem(reply, 431, 'HEADERS_TOO_LARGE');
    expect(reply.headers.connection).toBe('close');
    await nextWorks();
  });

  it('a URL larger than the server reads: 414 URI_TOO_LONG, Connection: close', async () => {
    const reply = await send(`/leads?owner=${'o'.repeat(20_000)}`);
    problem(reply, 414, 'URI_TOO_LONG');
    expect(reply.headers.connection).toBe('close');
    await nextWorks();
  });

  it('malformed framing (Content-Length and Transfer-Encoding both): 400 MALFORMED_REQUEST, Connection: close', async () => {
    const answer = parseRaw(
      await raw(
        port,
        `POST /leads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ),
    );
    expect(answer.status).toBe(400);
    expect(answer.headers).toContain('content-type: application/problem+json');
    expect(answer.headers).toContain('connection: close');
    expect(answer.problem).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
    const garbage = parseRaw(await raw(port, 'HELLO\r\n\r\n'));
    expect(garbage.problem).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
    await nextWorks();
  });

  it('a body far larger than the limit: a 413 the client reads while still sending, then the next request works', async () => {
    const body = JSON.stringify(lead({ interest: 'x'.repeat(4_000_000) }));
    const declared = await send('/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    problem(declared, 413, 'FST_ERR_CTP_BODY_TOO_LARGE');
    expect(declared.headers.connection).toBe('close');
    await nextWorks();
    const chunked = await send('/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body,
    });
    problem(chunked, 413, 'FST_ERR_CTP_BODY_TOO_LARGE');
    await nextWorks();
  });

  it('a body that stalls after its headers: 408 REQUEST_TIMEOUT once REQUEST_TIMEOUT_MS has passed', async () => {
    const before = await t.store.headPosition();
    const answer = parseRaw(
      await raw(
        port,
        `POST /leads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 200\r\n\r\n{"name":',
      ),
    );
    expect(answer.status).toBe(408);
    expect(answer.headers).toContain('connection: close');
    expect(answer.problem).toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT' });
    expect(await t.store.headPosition()).toBe(before);
    await nextWorks();
  });

  it('a failure of the service: 500 INTERNAL, nothing written', async () => {
    const failure = jest
      .spyOn(LeadCommands.prototype, 'capture')
      .mockRejectedValueOnce(new Error('disk gone'));
    try {
      const reply = await send('/leads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(lead()),
      });
      const body = problem(reply, 500, 'INTERNAL');
      expect(JSON.stringify(body)).not.toContain('disk gone');
    } finally {
      failure.mockRestore();
    }
    await nextWorks();
  });
});
