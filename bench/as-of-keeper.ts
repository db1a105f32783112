import { readFileSync } from 'node:fs';
import { inCurrentSchema, loadConfig, openAsOfSnapshots, openLog } from '@app/application';
import { SnapshotKeeper, keptForAsOf } from '@app/read-models';

/**
 * The keeper of as-of snapshots catching up with a data directory's log, in a process of its own so that its
 * peak memory is its own. Usage: node --import tsx bench/as-of-keeper.ts <dataDir> <every>; prints
 * { events, seconds, peakRssMb } as JSON.
 */
async function main(): Promise<void> {
  const [dataDir, every] = process.argv.slice(2);
  if (!dataDir || !every) throw new Error('usage: as-of-keeper <dataDir> <every>');
  const config = loadConfig({ DATA_DIR: dataDir, AS_OF_SNAPSHOT_EVERY: every });
  const log = await openLog(config);
  const snapshots = await openAsOfSnapshots(config);
  try {
    const events = inCurrentSchema(log.sealed);
    const keeper = new SnapshotKeeper(events, snapshots, keptForAsOf(log.projections), {
      every: config.asOfSnapshotEvery,
    });
    const started = performance.now();
    await keeper.load();
    await keeper.catchUp();
    const seconds = (performance.now() - started) / 1000;
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
    const result = { events: Number(await events.headPosition()), seconds, peakRssMb: peakKb / 1024 };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await snapshots.close();
    await log.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
