import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '@app/event-store';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '@app/application';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly dataDir: string;
  readonly http: () => ReturnType<typeof request>;
  readonly store: EventStore;
  /** Stops the app; the data directory stays (for restarts) until `destroy`. */
  readonly close: () => Promise<void>;
}

export const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'sales-pipeline-e2e-'));
export const removeDataDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/**
 * The real application on a temporary embedded store, as a client meets it over HTTP. The lead-to-deal
 * automation is off unless a test turns it on, so that tests can create deals by hand.
 */
export async function startApp(dataDir = newDataDir(), env: Record<string, string> = {}): Promise<TestApp> {
  const app = await createApp(
    loadConfig({ DATA_DIR: dataDir, PORT: '0', AUTO_CREATE_DEALS: 'false', ...env }),
    { logger: false },
  );
  return {
    app,
    dataDir,
    http: () => request(app.getHttpServer()),
    store: app.get(EventStore),
    close: () => app.close(),
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

/** The body of POST /deals for a lead. */
export const dealFor = (leadId: string, overrides: Record<string, unknown> = {}) => ({
  leadId,
  title: 'Deal',
  value: { amount: 1000, currency: 'EUR' },
  expectedCloseDate: '2026-12-31',
  ...overrides,
});

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
