import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCurrentSchema, loadConfig, openReadStore } from '@app/application';
import { SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import { PROJECTIONS, ProjectionRunner } from '@app/read-models';
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
    const { events: count } = writeLog(eventsFile, target);
    const eventsDb = openSqliteDatabase(eventsFile);
    const events = inCurrentSchema(new SqliteEventStore(eventsDb));
    const raw = rawReadRate(eventsDb);
    const reads = await openReadStore(loadConfig({ DATA_DIR: dir }));
    const runner = new ProjectionRunner(events, reads.store, PROJECTIONS, {
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
    await events.close();
    eventsDb.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  }
}

void main();
