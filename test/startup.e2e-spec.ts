import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  BUILT_API,
  BUILT_PROJECTOR,
  type ServiceProcess,
  startService,
  stopService,
} from './support/service-process';
import { ADMIN_AUTHORIZATION, TEST_ADMIN_KEY } from './support/test-keys';
import { lead, newDataDir, removeDataDir, startApp } from './support/test-app';

const run = (script: string, env: Record<string, string>) =>
  promisify(execFile)(process.execPath, [script], { env: { ...process.env, ...env }, timeout: 30_000 });

describe('Start-up and health', () => {
  const scratch = newDataDir();
  afterAll(() => removeDataDir(scratch));

  it('a bad setting stops the start with a message that names it', async () => {
    await expect(run(BUILT_API, { PORT: 'eighty', DATA_DIR: scratch })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('PORT must be an integer from 0 to 65535, got "eighty"'),
    });
    await expect(run(BUILT_PROJECTOR, { EVENT_STORE: 'eventstoredb' })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('EVENTSTORE_URL must be'),
    });
  });

  it('an unreachable MongoDB stops the start with a message that names it', async () => {
    const dataDir = newDataDir();
    try {
      await expect(
        run(BUILT_API, {
          DATA_DIR: dataDir,
          PORT: '0',
          READ_STORE: 'mongodb',
          MONGODB_URL: 'mongodb://127.0.0.1:1/?replicaSet=rs0&serverSelectionTimeoutMS=500',
        }),
      ).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(
          /MongoDB (read|data key) store cannot connect to mongodb:\/\/127\.0\.0\.1:1/,
        ),
      });
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('an unreachable EventStoreDB stops the start with a message that names it', async () => {
    await expect(
      run(BUILT_PROJECTOR, {
        DATA_DIR: scratch,
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
      }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('127.0.0.1:1') });
  });

  it('/health answers 503 and names the store when the event store cannot answer', async () => {
    const t = await startApp();
    try {
      await t.http().get('/health').expect(200);
      await t.store.close();
      const health = await t.http().get('/health');
      expect(health.status).toBe(503);
      expect(health.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(health.body).toMatchObject({
        status: 503,
        detail: expect.stringContaining('eventStore'),
        health: {
          status: 'error',
          error: { eventStore: { status: 'down', message: expect.stringContaining('closed') } },
        },
      });
    } finally {
      await t.close();
      removeDataDir(t.dataDir);
    }
  });
});

/** A refusal to start: exit code 1 and one line naming the problem, no stack trace. */
async function refusesToStart(env: Record<string, string>, message: string | RegExp): Promise<void> {
  const failure = (await run(BUILT_API, env).then(
    () => undefined,
    (error: unknown) => error,
  )) as { code?: number; killed?: boolean; stderr?: string } | undefined;
  expect(failure).toBeDefined();
  expect(failure!.killed).toBe(false);
  expect(failure!.code).toBe(1);
  expect(failure!.stderr).toEqual(expect.stringMatching(message));
  expect(failure!.stderr).not.toMatch(/^\s+at /m);
}

describe('Start-up refusals: one clear line and exit code 1, never a hang or a stack trace', () => {
  const scratch = newDataDir();
  afterAll(() => removeDataDir(scratch));

  it('a DATA_DIR that cannot be created (under /proc it would hang), or that is a file', async () => {
    await refusesToStart(
      { DATA_DIR: '/proc/sales-pipeline-data', PORT: '0' },
      /^Cannot start: DATA_DIR .*proc/,
    );
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a directory');
    await refusesToStart(
      { DATA_DIR: file, PORT: '0' },
      `Cannot start: DATA_DIR must be a directory, but ${file} is a file`,
    );
    await refusesToStart({ DATA_DIR: join(file, 'below'), PORT: '0' }, `${file} is a file`);
  });

  it('a bad edge or event stream setting, and a port in use', async () => {
    await refusesToStart(
      { DATA_DIR: scratch, RATE_LIMIT_PER_KEY: 'many', CORS_ORIGINS: '*' },
      /^Cannot start: (?=[\s\S]*RATE_LIMIT_PER_KEY must be an integer)(?=[\s\S]*CORS_ORIGINS must be origins)/,
    );
    await refusesToStart({ DATA_DIR: scratch, SSE_MAX_CONNECTIONS: '0' }, 'SSE_MAX_CONNECTIONS must be');
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      await refusesToStart(
        { DATA_DIR: scratch, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: TEST_ADMIN_KEY },
        /^Cannot start: listen EADDRINUSE/,
      );
    } finally {
      taken.close();
    }
  });
});

/** Bytes on a connection of their own; resolves with all the server sent once it closes the connection. */
function rawConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
  return { socket, closed };
}

describe('The built service at SIGTERM and with hostile clients', () => {
  let service: ServiceProcess | undefined;
  let dataDir: string;
  beforeEach(() => {
    dataDir = newDataDir();
  });
  afterEach(async () => {
    if (service) await stopService(service, 'SIGKILL');
    service = undefined;
    removeDataDir(dataDir);
  });

  it('answers a 413 the client can read while it is still sending a large body', async () => {
    service = await startService({ DATA_DIR: dataDir, BODY_LIMIT: '2048' });
    const port = Number(new URL(service.url).port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const post = (chunked: boolean) =>
        new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
          const request = http.request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/leads',
              agent,
              headers: {
                ...ADMIN_AUTHORIZATION,
                'content-type': 'application/json',
                ...(chunked ? { 'transfer-encoding': 'chunked' } : {}),
              },
            },
            (response) => {
              let body = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => (body += chunk));
              response.on('end', () =>
                resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body }),
              );
            },
          );
          request.on('error', reject);
          request.end(JSON.stringify(lead({ interest: 'x'.repeat(8_000_000) })));
        });
      // With its Content-Length (refused before a byte of the body is read) and chunked (refused midway).
      for (const chunked of [false, true, false, true]) {
        const answer = await post(chunked);
        expect(answer.status).toBe(413);
        expect(answer.connection).toBe('close');
        expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
      }
      const next = await fetch(`${service.url}/leads?limit=1`, { headers: ADMIN_AUTHORIZATION });
      expect(next.status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('stops accepting, answers the request in flight, closes the streams and exits 0; an aborted request logs no error', async () => {
    service = await startService({ DATA_DIR: dataDir });
    const { child, url } = service;
    const port = Number(new URL(url).port);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    // A client that goes away in the middle of its body: its doing, no error of the service.
    const aborted = rawConnection(port);
    aborted.socket.write(
      `POST /leads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
    );
    aborted.socket.destroy();

    // An event stream, open when the signal comes.
    const events = rawConnection(port);
    events.socket.write(`GET /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\n\r\n`);
    // A capture in flight: its headers and half its body before the signal, the rest after it.
    const body = JSON.stringify(lead());
    const inFlight = rawConnection(port);
    inFlight.socket.write(
      `POST /leads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 20)}`,
    );
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);

    child.kill('SIGTERM');
    // The server stops accepting: a new connection is refused once the signal is handled.
    let refusedConnection = false;
    for (let attempt = 0; attempt < 200 && !refusedConnection; attempt++) {
      refusedConnection = await new Promise<boolean>((resolve) => {
        const probe = net.connect(port, '127.0.0.1');
        probe.once('error', () => resolve(true));
        probe.once('connect', () => {
          probe.destroy();
          setTimeout(() => resolve(false), 20);
        });
      });
    }
    expect(refusedConnection).toBe(true);
    inFlight.socket.write(body.slice(20));

    const answer = await inFlight.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ revision: 0 });
    const stream = await events.closed;
    expect(stream).toMatch(/event: stream-closed\ndata: \{"reason":"shutdown"/);

    expect(await exited).toBe(0);
    const output = service.output();
    expect(output).not.toMatch(/"level":"error"|"level":50|"level":"fatal"/);
    expect(output).not.toMatch(/^\s+at /m);
    // No request was answered 5xx (each answer has its log line, with its status).
    expect(output).toMatch(/"status":201/);
    expect(output).not.toMatch(/"status":5\d\d/);
  });
});
