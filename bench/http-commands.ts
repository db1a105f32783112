import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, startService, stopService } from '../test/support/service-process';
import { ADMIN_AUTHORIZATION } from '../test/support/test-keys';
import type { Figure } from './stats';

const captureBody = JSON.stringify({
  name: 'Bench Lead',
  email: 'bench@example.com',
  company: 'Bench Ltd',
  source: 'web_form',
  tags: ['bench'],
});

function figure(name: string, result: autocannon.Result, reference?: number): Figure {
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    name,
    unit: 'req/s',
    rate: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    note:
      `${result.requests.total} requests, ${errors} errors` +
      (reference ? `, ${(result.requests.average / reference).toFixed(2)}x the echo endpoint` : ''),
  };
}

/** autocannon's per-connection context, where a sequence keeps the ids it created. */
const ctx = (context: object) => context as { leadId?: string; dealId?: string };

const load = (url: string, seconds: number, connections: number, options: Partial<autocannon.Options> = {}) =>
  autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...ADMIN_AUTHORIZATION },
    body: captureBody,
    connections,
    duration: seconds,
    ...options,
  });

/**
 * The reference (a bare NestJS + Fastify echo endpoint), then captures, then a mixed workload (capture,
 * qualify, create the deal, advance, win) against the built service on a fresh embedded store, with the same
 * load in the same run.
 */
export async function httpFigures(seconds: number, connections: number): Promise<Figure[]> {
  const echo = await startService({}, join(__dirname, 'echo-server.ts'), /listening on port (\d+)/, [
    '--import',
    'tsx',
  ]);
  let reference: autocannon.Result;
  try {
    reference = await load(`${echo.url}/echo`, seconds, connections);
  } finally {
    await stopService(echo);
  }
  const figures = [figure(`reference: NestJS + Fastify echo POST (${connections} connections)`, reference)];

  const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  let service: ServiceProcess | undefined;
  try {
    service = await startService({ DATA_DIR: dataDir, AUTO_CREATE_DEALS: 'false' });
    const captures = await load(`${service.url}/leads`, seconds, connections);
    figures.push(
      figure(`http: POST /leads captures (${connections} connections)`, captures, reference.requests.average),
    );

    const mixed = await load(`${service.url}/leads`, seconds, connections, {
      requests: [
        {
          method: 'POST',
          path: '/leads',
          body: captureBody,
          onResponse: (status, body, context) => {
            if (status === 201) ctx(context).leadId = (JSON.parse(body) as { id: string }).id;
          },
        },
        {
          method: 'POST',
          setupRequest: (request, context) => ({
            ...request,
            path: `/leads/${ctx(context).leadId}/qualify`,
            body: JSON.stringify({ budget: { amount: 125000, currency: 'EUR' }, timeline: '2026-12-31' }),
          }),
        },
        {
          method: 'POST',
          setupRequest: (request, context) => ({
            ...request,
            path: '/deals',
            body: JSON.stringify({
              leadId: ctx(context).leadId,
              title: 'Bench deal',
              value: { amount: 125000, currency: 'EUR' },
              expectedCloseDate: '2026-12-31',
            }),
          }),
          onResponse: (status, body, context) => {
            if (status === 201) ctx(context).dealId = (JSON.parse(body) as { id: string }).id;
          },
        },
        {
          method: 'POST',
          setupRequest: (request, context) => ({
            ...request,
            path: `/deals/${ctx(context).dealId}/advance`,
            body: JSON.stringify({ stage: 'proposal' }),
          }),
        },
        {
          method: 'POST',
          setupRequest: (request, context) => ({
            ...request,
            path: `/deals/${ctx(context).dealId}/win`,
            body: JSON.stringify({ note: 'bench' }),
          }),
        },
      ],
    });
    figures.push(
      figure(
        `http: mixed capture/qualify/create/advance/win (${connections} connections)`,
        mixed,
        reference.requests.average,
      ),
    );
  } finally {
    if (service) await stopService(service);
    rmSync(dataDir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dataDir}-keys`, { recursive: true, force: true });
  }
  figures.push(await apiOnlyCaptures(seconds, connections, reference.requests.average));
  return figures;
}

/**
 * Captures against an API that runs no projections (RUN_PROJECTIONS=false, as beside a projector process):
 * what the command path costs by itself, and so what the in-process projections cost.
 */
async function apiOnlyCaptures(seconds: number, connections: number, reference: number): Promise<Figure> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  let service: ServiceProcess | undefined;
  try {
    service = await startService({ DATA_DIR: dataDir, AUTO_CREATE_DEALS: 'false', RUN_PROJECTIONS: 'false' });
    const captures = await load(`${service.url}/leads`, seconds, connections);
    return figure(
      `http: POST /leads captures, API without projections (${connections} connections)`,
      captures,
      reference,
    );
  } finally {
    if (service) await stopService(service);
    rmSync(dataDir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dataDir}-keys`, { recursive: true, force: true });
  }
}
