import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '@app/event-store';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app.factory';
import { STORED_EVENTS, loadConfig } from '@app/application';
import { TEST_ADMIN_KEY } from './test-keys';
import { recordContract } from './openapi-validation';

type Http = ReturnType<typeof request>;

export { TEST_ADMIN_KEY } from './test-keys';

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** Requests to the server that carry `Authorization: Bearer <key>`; none with a null key. */
export function httpWithKey(server: Parameters<typeof request>[0], key: string | null): Http {
  const agent = request(server);
  if (key === null) return agent;
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !METHODS.has(property) || typeof value !== 'function') return value;
      return (url: string) =>
        (value as (url: string) => request.Test).call(target, url).set('authorization', `Bearer ${key}`);
    },
  });
}

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly dataDir: string;
  /** Requests as the admin (TEST_ADMIN_KEY). */
  readonly http: () => Http;
  /** Requests with another key, or with none (null). */
  readonly as: (key: string | null) => Http;
  /** The event store as written (events in the schema they were stored with). */
  readonly store: EventStore;
  /** Stops the app; the data directory stays (for restarts) until `destroy`. */
  readonly close: () => Promise<void>;
}

export const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'sales-pipeline-e2e-'));
/** Removes a test's data directory and the key files beside it (DATA_DIR-keys, where the keys live by default). */
export const removeDataDir = (dir: string): void => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-keys`, { recursive: true, force: true });
};

/**
 * The settings of a test app: on this data directory, any free port, the automation off, TEST_ADMIN_KEY as
 * the admin key; `env` adds or overrides.
 */
export const testConfig = (dataDir: string, env: Record<string, string> = {}) =>
  loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    AUTO_CREATE_DEALS: 'false',
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    ...env,
  });

/**
 * The real application on a temporary embedded store, as a client meets it over HTTP. The lead-to-deal
 * automation is off unless a test turns it on, so that tests can create deals by hand.
 */
export async function startApp(dataDir = newDataDir(), env: Record<string, string> = {}): Promise<TestApp> {
  const app = await createApp(testConfig(dataDir, env), { logger: false });
  // Every answer is checked against the OpenAPI document; close() fails listing the ones that break it.
  const contract = recordContract(app);
  return {
    app,
    dataDir,
    http: () => httpWithKey(app.getHttpServer(), TEST_ADMIN_KEY),
    as: (key) => httpWithKey(app.getHttpServer(), key),
    store: app.get<EventStore>(STORED_EVENTS),
    close: async () => {
      await app.close();
      contract.assertKept();
    },
  };
}

/**
 * The real application for a whole describe block: started before its tests on a fresh data directory,
 * stopped and removed after them. The answer stands for the running app in the tests (t.http(), t.store...).
 */
export function useApp(env: Record<string, string> = {}): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await startApp(undefined, env);
  });
  afterAll(async () => {
    if (!current) return;
    try {
      await current.close();
    } finally {
      removeDataDir(current.dataDir);
    }
  });
  const running = (): TestApp => {
    if (!current) throw new Error('the app runs only inside the tests of the describe block that uses it');
    return current;
  };
  return {
    get app() {
      return running().app;
    },
    get dataDir() {
      return running().dataDir;
    },
    http: () => running().http(),
    as: (key) => running().as(key),
    get store() {
      return running().store;
    },
    close: () => running().close(),
  };
}

export const lead = (overrides: Record<string, unknown> = {}) => ({
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  company: 'Analytical Engines Ltd',
  source: 'web_form',
  tags: ['enterprise'],
  ...overrides,
});

export const qualification = (overrides: Record<string, unknown> = {}) => ({
  budget: { amount: 1_250_000, currency: 'EUR' },
  timeline: '2026-09-30',
  authority: 'CFO',
  need: 'pipeline forecasting',
  ...overrides,
});

export const problemOf = (response: { status: number; headers: Record<string, string>; body: unknown }) => {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status: response.status,
    type: expect.any(String),
    title: expect.any(String),
  });
  return response.body as {
    status: number;
    code?: string;
    detail: string;
    errors?: { field: string; reason: string }[];
  };
};

/**
 * A moment strictly between what happened before the call and what happens after it, for as-of queries: the
 * time now, with a few milliseconds on each side so that no event shares it.
 */
export async function momentBetween(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const moment = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 5));
  return moment;
}

type Answer = { status: number; headers: Record<string, string>; body: unknown };

/** Runs a request that must be refused with this status: its problem+json, once the log is seen not to move. */
export async function refused(t: TestApp, send: () => PromiseLike<Answer>, status: number) {
  const before = await t.store.headPosition();
  const response = await send();
  expect(response.status).toBe(status);
  const problem = problemOf(response);
  expect(await t.store.headPosition()).toBe(before);
  return problem;
}

/** The body of POST /deals for a lead. */
export const dealFor = (leadId: string, overrides: Record<string, unknown> = {}) => ({
  leadId,
  title: 'Deal',
  value: { amount: 1000, currency: 'EUR' },
  expectedCloseDate: '2026-12-31',
  ...overrides,
});

/** Retires a pipeline's stage over HTTP (it must be accepted); the command's answer. */
export async function retireStage(t: TestApp, pipelineId: string, stage: string) {
  const response = await t
    .http()
    .post(`/pipelines/${pipelineId}/stages/${stage}/retire`)
    .send({})
    .expect(200);
  return response.body as { id: string; revision: number; position: string };
}

/** A lead captured and qualified over HTTP; its id. */
export async function qualifiedLead(t: TestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  const leadId = (await t.http().post('/leads').send(lead(overrides)).expect(201)).body.id as string;
  await t.http().post(`/leads/${leadId}/qualify`).send(qualification()).expect(200);
  return leadId;
}

/** An open deal of a new qualified lead, created over HTTP; its id. */
export async function openDeal(t: TestApp, deal: Record<string, unknown> = {}): Promise<string> {
  const leadId = await qualifiedLead(t);
  return (await t.http().post('/deals').send(dealFor(leadId, deal)).expect(201)).body.id as string;
}

/** An API key issued by the admin: its secret and id. */
export interface IssuedTestKey {
  readonly key: string;
  readonly keyId: string;
}

/** Issues a key with these roles (and grants) through the API, as an admin would. */
export async function issueKey(
  t: Pick<TestApp, 'http'>,
  roles: readonly string[],
  grants: { name?: string; commands?: boolean; actOnBehalf?: boolean; personalData?: boolean } = {},
): Promise<IssuedTestKey> {
  const { name = `${roles.join('+')} key`, ...rest } = grants;
  const response = await t
    .http()
    .post('/admin/keys')
    .send({ name, roles, ...rest })
    .expect(201);
  const body = response.body as { key: string; keyId: string };
  return { key: body.key, keyId: body.keyId };
}
