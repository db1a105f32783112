import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, stopService } from '../test/support/service-process';
import type { Figure } from './stats';

const captureBody = JSON.stringify({
  name: 'Bench Lead',
  email: 'bench@example.com',
  source: 'web_form',
  tags: ['bench'],
});

/** Captures over HTTP against the built service on a fresh embedded store (each request a new lead). */
export async function httpCaptures(seconds: number, connections: number): Promise<Figure> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const service = await startService({ DATA_DIR: dataDir });
  try {
    const result = await autocannon({
      url: `${service.url}/leads`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: captureBody,
      connections,
      duration: seconds,
    });
    const errors = result.errors + result.timeouts + result.non2xx;
    return {
      name: `http: POST /leads captures (${connections} connections)`,
      unit: 'req/s',
      rate: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      note: `${result.requests.total} requests, ${errors} errors`,
    };
  } finally {
    await stopService(service);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
