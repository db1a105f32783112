import { latencies } from './stats';

/**
 * A query client in a process of its own, so that the benchmark process's heap (it has just built a
 * million-event log) does not add its garbage collection to the latencies it measures.
 * Usage: node --import tsx bench/query-client.ts <url> <times>; prints { p50Ms, p99Ms } as JSON.
 */
async function main(): Promise<void> {
  const [url, times] = process.argv.slice(2);
  if (!url || !times) throw new Error('usage: query-client <url> <times>');
  const get = async () => {
    const response = await fetch(url);
    if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
    await response.arrayBuffer();
  };
  for (let i = 0; i < 20; i++) await get();
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
