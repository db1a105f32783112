import { Agent, get as httpGet } from 'node:http';
import { ADMIN_AUTHORIZATION } from '../test/support/test-keys';
import { randomMoments } from './moments';
import { latencies } from './stats';

/**
 * A query client in a process of its own, so that the benchmark process's heap (it has just built a
 * million-event log) does not add its garbage collection to the latencies it measures. It speaks node:http
 * over one kept-alive connection: fetch (undici) adds about 0.3 ms and a tail of its own on this machine.
 * Usage: node --import tsx bench/query-client.ts <url> <times> [from to]; prints { p50Ms, p99Ms } as JSON.
 * With from and to (ISO instants), each request puts a moment drawn at random between them (the same
 * sequence at every run) in place of {asOf} in the url.
 */
async function main(): Promise<void> {
  const [template, times, from, to] = process.argv.slice(2);
  if (!template || !times) throw new Error('usage: query-client <url> <times> [from to]');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const moments = from && to ? randomMoments(Date.parse(from), Date.parse(to)) : undefined;
  const get = () =>
    new Promise<void>((resolve, reject) => {
      const url = moments ? template.replace('{asOf}', encodeURIComponent(moments())) : template;
      httpGet(url, { agent, headers: ADMIN_AUTHORIZATION }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`GET ${url}: ${response.statusCode}`));
        response.on('data', () => undefined);
        response.on('end', resolve);
        response.on('error', reject);
      }).on('error', reject);
    });
  // Warm-up: the first requests compile the service's code paths.
  for (let i = 0; i < Math.min(200, Math.ceil(Number(times) / 5)); i++) await get();
  const samples: number[] = [];
  for (let i = 0; i < Number(times); i++) {
    const started = performance.now();
    await get();
    samples.push(performance.now() - started);
  }
  process.stdout.write(`${JSON.stringify(latencies(samples))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
