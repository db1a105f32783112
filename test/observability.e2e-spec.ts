import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../apps/api/src/app.factory';
import { Metrics } from '../apps/api/src/observability/metrics';
import {
  TEST_ADMIN_KEY,
  testConfig,
  httpWithKey,
  lead,
  newDataDir,
  problemOf,
  qualification,
  removeDataDir,
} from './support/test-app';
import { until } from './support/waiting';

/** Waits until the condition holds (something that is to happen), failing after a few seconds. */
/** An app that writes its log lines where the test reads them, as the service writes them to stdout. */
interface LoggedApp {
  readonly app: NestFastifyApplication;
  readonly lines: string[];
  /** The port it listens on, for clients that leave mid-request. */
  readonly port: number;
  readonly http: (key?: string | null) => ReturnType<typeof httpWithKey>;
  readonly close: () => Promise<void>;
}

async function startLoggedApp(env: Record<string, string> = {}): Promise<LoggedApp> {
  const dataDir = newDataDir();
  const lines: string[] = [];
  let partial = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      callback();
    },
  });
  const app = await createApp(testConfig(dataDir, env), { logDestination: destination });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    lines,
    port: (app.getHttpServer().address() as AddressInfo).port,
    http: (key = TEST_ADMIN_KEY) => httpWithKey(app.getHttpServer(), key),
    close: async () => {
      await app.close();
      removeDataDir(dataDir);
    },
  };
}

/** The value of one series of the exposition (0 when it is not there yet). */
function sample(exposition: string, series: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('Observability', () => {
  let t: LoggedApp;
  let adminKeyId: string;
  beforeAll(async () => {
    t = await startLoggedApp({ AUTO_CREATE_DEALS: 'true' });
    const keys = (await t.http().get('/admin/keys').expect(200)).body.items as {
      keyId: string;
      roles: string[];
    }[];
    adminKeyId = keys.find((k) => k.roles.includes('admin'))!.keyId;
  });
  afterAll(() => t.close());

  const scrape = async (key: string | null = TEST_ADMIN_KEY) =>
    (await t.http(key).get('/metrics').expect(200)).text;

  describe('logs', () => {
    it('writes one JSON line per request: route pattern, status, duration, correlation id and key id', async () => {
      const correlationId = `obs-${randomUUID()}`;
      const captured = await t
        .http()
        .post('/leads')
        .set('x-correlation-id', correlationId)
        .send(lead({ name: 'Grace Hopper', email: 'grace@example.com' }))
        .expect(201);
      const leadId = captured.body.id as string;
      // A query with personal data, and a path with an id: the line names the route's pattern only.
      const listed = `obs-${randomUUID()}`;
      await t.http().get('/leads?owner=grace%40example.com').set('x-correlation-id', listed).expect(200);
      const read = `obs-${randomUUID()}`;
      await t.http().get(`/leads/${leadId}`).set('x-correlation-id', read).expect(200);

      const lineOf = (id: string) =>
        t.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['correlationId'] === id);
      await until(() => [correlationId, listed, read].every((id) => lineOf(id) !== undefined), 'the lines');

      expect(lineOf(correlationId)).toMatchObject({
        level: 'info',
        msg: 'request completed',
        method: 'POST',
        route: '/leads',
        status: 201,
        durationMs: expect.any(Number),
        keyId: adminKeyId,
        time: expect.any(String),
      });
      expect(lineOf(listed)).toMatchObject({ method: 'GET', route: '/leads', status: 200 });
      expect(lineOf(read)).toMatchObject({ method: 'GET', route: '/leads/:leadId', status: 200 });

      // Every line is JSON; none holds the key, a body or personal data.
      for (const line of t.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      const everything = t.lines.join('\n');
      expect(everything).not.toContain(TEST_ADMIN_KEY);
      expect(everything).not.toMatch(/bearer/i);
      expect(everything).not.toContain('grace');
      expect(everything).not.toContain('Grace Hopper');
      expect(everything).not.toContain(leadId);
    });

    it('logs a request refused for its key with no key id, and never the key it sent', async () => {
      const correlationId = `obs-${randomUUID()}`;
      const wrongKey = `not-a-key-${randomUUID()}`;
      await t.http(wrongKey).get('/leads').set('x-correlation-id', correlationId).expect(401);
      const lineOf = () =>
        t.lines
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l['correlationId'] === correlationId);
      await until(() => lineOf() !== undefined, 'the line');
      expect(lineOf()).toMatchObject({ route: '/leads', status: 401, keyId: null });
      expect(t.lines.join('\n')).not.toContain(wrongKey);
    });

    it("writes Nest's own logs as JSON lines too", () => {
      const nest = t.lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l['context'] === 'NestApplication');
      expect(nest).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: 'info', msg: 'Nest application successfully started' }),
        ]),
      );
    });

    it('logs a request whose client went away as aborted, at info, and counts it', async () => {
      const aborted = 'http_requests_aborted_total{method="GET",route="/events"}';
      const before = sample(await scrape(), aborted);
      const correlationId = `obs-${randomUUID()}`;
      // A consumer of the event stream that leaves once it has the stream's headers.
      const stream = httpRequest({
        host: '127.0.0.1',
        port: t.port,
        path: '/events?from=end',
        headers: {
          authorization: `Bearer ${TEST_ADMIN_KEY}`,
          accept: 'text/event-stream',
          'x-correlation-id': correlationId,
        },
      });
      stream.on('error', () => undefined);
      await new Promise((resolve) => stream.on('response', resolve).end());
      stream.destroy();

      const lineOf = () =>
        t.lines
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l['correlationId'] === correlationId);
      await until(() => lineOf() !== undefined, 'the aborted line');
      expect(lineOf()).toMatchObject({
        level: 'info',
        msg: 'request aborted by the client',
        aborted: true,
        method: 'GET',
        route: '/events',
        status: 200,
        keyId: adminKeyId,
      });
      expect(sample(await scrape(), aborted) - before).toBe(1);
    });
  });

  describe('GET /metrics', () => {
    it('answers keys with the admin or service role, and refuses others', async () => {
      const exposition = await t.http().get('/metrics').expect(200);
      expect(exposition.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);

      const issue = async (roles: string[]) =>
        (
          await t
            .http()
            .post('/admin/keys')
            .send({ name: `obs-${roles.join('-')}`, roles })
            .expect(201)
        ).body.key as string;
      const sales = await issue(['sales']);
      const service = await issue(['service']);
      await t.http(service).get('/metrics').expect(200);
      expect(problemOf(await t.http(sales).get('/metrics').expect(403)).code).toBe('ROLE_REQUIRED');
      await t.http(null).get('/metrics').expect(401);
    });

    it('exposes the named series', async () => {
      const exposition = await scrape();
      for (const name of [
        'http_request_duration_seconds',
        'http_requests_aborted_total',
        'sales_commands_total',
        'sales_event_store_append_duration_seconds',
        'sales_event_store_group_commit_size',
        'sales_event_store_failed_transactions_total',
        'sales_event_store_head_position',
        'sales_projection_checkpoint_position',
        'sales_projection_lag_events',
        'sales_automation_checkpoint_position',
        'sales_automation_lag_events',
        'sales_event_streams_open',
        'sales_rate_limited_total',
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
      ]) {
        expect({ name, exposed: exposition.includes(`# TYPE ${name} `) }).toEqual({ name, exposed: true });
      }
      expect(exposition).toMatch(/^sales_projection_checkpoint_position\{projection="lead-list"\} \d+$/m);
      expect(exposition).toMatch(/^sales_projection_lag_events\{projection="lead-list"\} \d+$/m);
      expect(exposition).toMatch(/^sales_automation_lag_events\{automation="lead-to-deal"\} \d+$/m);
    });

    it('counts commands by type and outcome, and requests by route and status', async () => {
      const captured = 'sales_commands_total{aggregate="lead",type="CaptureLead",outcome="success"}';
      const refused =
        'sales_commands_total{aggregate="lead",type="QualifyLead",outcome="refused",code_class="not_found"}';
      const requests = 'http_request_duration_seconds_count{method="POST",route="/leads",status="201"}';
      const appends = 'sales_event_store_append_duration_seconds_count';
      const commits = 'sales_event_store_group_commit_size_sum';
      const before = await scrape();

      await t.http().post('/leads').send(lead()).expect(201);
      await t.http().post(`/leads/${randomUUID()}/qualify`).send(qualification()).expect(404);

      const after = await scrape();
      expect(sample(after, captured) - sample(before, captured)).toBe(1);
      expect(sample(after, refused) - sample(before, refused)).toBe(1);
      expect(sample(after, requests) - sample(before, requests)).toBe(1);
      expect(sample(after, appends) - sample(before, appends)).toBeGreaterThanOrEqual(1);
      expect(sample(after, commits) - sample(before, commits)).toBeGreaterThanOrEqual(1);
    });

    it('reads the log head and the read side at scrape time', async () => {
      const { position } = (await t.http().post('/leads').send(lead()).expect(201)).body as {
        position: string;
      };
      await t.http().get(`/leads?minPosition=${position}`).expect(200);
      const exposition = await scrape();
      expect(sample(exposition, 'sales_event_store_head_position')).toBeGreaterThanOrEqual(Number(position));
      expect(
        sample(exposition, 'sales_projection_checkpoint_position{projection="lead-list"}'),
      ).toBeGreaterThanOrEqual(Number(position));
    });

    it('shows the open event streams', async () => {
      const open = async () => sample(await scrape(), 'sales_event_streams_open');
      // Streams of earlier tests have closed on the client's side; the service lets go of them in a moment.
      await until(async () => (await open()) === 0, 'no stream to be open');
      const stream = httpRequest({
        host: '127.0.0.1',
        port: t.port,
        path: '/events?from=end',
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, accept: 'text/event-stream' },
      });
      stream.on('error', () => undefined);
      await new Promise((resolve) => stream.on('response', resolve).end());
      expect(await open()).toBe(1);
      stream.destroy();
      await until(async () => (await open()) === 0, 'the stream to close');
    });

    it('exports the rate-limit counter for the modules that refuse requests', async () => {
      t.app.get(Metrics).rateLimited.inc({ limit: 'requests' });
      expect(sample(await scrape(), 'sales_rate_limited_total{limit="requests"}')).toBe(1);
    });
  });

  describe('health probes', () => {
    it('GET /health/live answers 200 without a key', async () => {
      expect((await t.http(null).get('/health/live').expect(200)).body).toEqual({ status: 'up' });
    });

    it('GET /health/ready answers 200 without a key once the read models are caught up', async () => {
      const { position } = (await t.http().post('/leads').send(lead()).expect(201)).body as {
        position: string;
      };
      await t.http().get(`/leads?minPosition=${position}`).expect(200);
      const ready = (await t.http(null).get('/health/ready').expect(200)).body;
      expect(ready).toMatchObject({ status: 'ready', maxLag: 1000, head: expect.any(String) });
      expect(ready.projections).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'lead-list', lag: expect.any(Number) })]),
      );
      expect(ready.automation).toMatchObject({ checkpoint: expect.any(String) });
    });

    it('GET /health keeps its report', async () => {
      const health = (await t.http(null).get('/health').expect(200)).body;
      expect(health).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up' } } });
    });
  });
});

describe('Readiness while the read models are behind', () => {
  let t: LoggedApp;
  beforeAll(async () => {
    // No projection runs in this process, and none is allowed any lag: the log's first events keep it unready.
    t = await startLoggedApp({ RUN_PROJECTIONS: 'false', READY_MAX_LAG: '0' });
  });
  afterAll(() => t.close());

  it('answers 503 problem+json with Retry-After, naming what is behind', async () => {
    await t.http().post('/leads').send(lead()).expect(201);
    const response = await t.http(null).get('/health/ready').expect(503);
    expect(response.headers['retry-after']).toBeDefined();
    const problem = problemOf(response) as ReturnType<typeof problemOf> & {
      health: { projections: { name: string; lag: number }[] };
    };
    expect(problem.code).toBe('NOT_READY');
    expect(problem.detail).toMatch(/^behind the log by more than 0 events: .*projection lead-list \(\d+\)/);
    expect(problem.health.projections).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'lead-list', lag: expect.any(Number) })]),
    );
    // Liveness does not depend on it.
    await t.http(null).get('/health/live').expect(200);
  });
});
