import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openLog, openReadStore } from '@app/application';
import { ProjectionRunner } from '@app/read-models';
import { BUILT_API, startService, stopService } from '../test/support/service-process';
import { asOfFromSnapshots, asOfOverHttp, peakRssMb, writeLog } from './read-side';
import { type Figure, table } from './stats';

/**
 * The as-of figures alone, for tuning: `npm run build && npx tsx bench/as-of-only.ts [events]` (default
 * 100,000): the generated log, the read models built, the keeper's snapshots, the pipeline and the funnel as
 * of random moments in process, then over HTTP from the built API (or the one BENCH_API names).
 */
async function main(): Promise<void> {
  const target = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-as-of-'));
  try {
    const { events: count, from, to } = await writeLog(join(dir, 'events.sqlite'), target);
    const config = loadConfig({ DATA_DIR: dir });
    const log = await openLog(config);
    const reads = await openReadStore(config);
    // The API starts with its read models built, as in the whole benchmark.
    await new ProjectionRunner(log.current, reads.store, log.projections, { batchSize: 5000 }).catchUp();
    await reads.close();
    const figures: Figure[] = await asOfFromSnapshots(
      dir,
      count,
      { events: log.current, sealed: log.sealed },
      { from, to },
    );
    await log.close();
    const service = await startService(
      { DATA_DIR: dir, AUTO_CREATE_DEALS: 'false' },
      process.env['BENCH_API'] ?? BUILT_API,
    );
    try {
      figures.push(...(await asOfOverHttp(service.url, count, { from, to })));
      figures.push({
        name: `memory: peak RSS of the API serving as-of reports on ${count} events`,
        unit: 'MB',
        rate: peakRssMb(service.child.pid!),
      });
    } finally {
      await stopService(service);
    }
    process.stdout.write(`${table(figures)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
