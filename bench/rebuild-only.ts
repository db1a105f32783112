import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openLog, openReadStore } from '@app/application';
import { openSqliteDatabase } from '@app/event-store';
import { ProjectionRunner } from '@app/read-models';
import { rawReadRate, writeLog } from './read-side';

/**
 * The rebuild figure alone, for profiling: `node --cpu-prof --import tsx bench/rebuild-only.ts [events]`
 * (default 200,000; BENCH_BATCH sets the events per commit, default 5,000).
 */
async function main(): Promise<void> {
  const target = Number(process.argv[2] ?? 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
  try {
    const eventsFile = join(dir, 'events.sqlite');
    const { events: count } = await writeLog(eventsFile, target);
    const eventsDb = openSqliteDatabase(eventsFile);
    // The log as the service opens it: personal data opened, in the current schema.
    const log = await openLog(loadConfig({ DATA_DIR: dir }));
    const events = log.current;
    const raw = rawReadRate(eventsDb);
    const reads = await openReadStore(loadConfig({ DATA_DIR: dir }));
    const runner = new ProjectionRunner(events, reads.store, log.projections, {
      batchSize: Number(process.env['BENCH_BATCH'] ?? 5000),
    });
    const started = performance.now();
    await runner.resetAll();
    const processed = await runner.catchUp();
    const seconds = (performance.now() - started) / 1000;
    const rate = processed / seconds;
    process.stdout.write(
      `${count} events: raw ${Math.round(raw)}/s, rebuild ${Math.round(rate)}/s (${seconds.toFixed(1)} s, ${(rate / raw).toFixed(3)}x), rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB\n`,
    );
    await reads.close();
    await log.close();
    eventsDb.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  }
}

void main();
