import { join } from 'node:path';
import { SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import { PROJECTIONS, ProjectionRunner, SqliteReadStore } from '@app/read-models';
import { ConfigError, loadConfig } from './config/app-config';

/**
 * npm run rebuild [-- name ...]: drops the read models (all, or the named projections) of DATA_DIR and
 * builds them again from the event log. Run it while the service is stopped.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !PROJECTIONS.some((p) => p.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown projection ${unknown.join(', ')}; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`,
    );
  }
  const projections = names.length === 0 ? PROJECTIONS : PROJECTIONS.filter((p) => names.includes(p.name));

  const eventsDb = openSqliteDatabase(join(config.dataDir, 'events.sqlite'));
  const readDb = openSqliteDatabase(join(config.dataDir, 'read-models.sqlite'));
  try {
    const events = new SqliteEventStore(eventsDb);
    const runner = new ProjectionRunner(events, new SqliteReadStore(readDb), projections, {
      batchSize: 5000,
    });
    await runner.resetAll();
    const started = performance.now();
    const processed = await runner.catchUp();
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `rebuilt ${projections.map((p) => p.name).join(', ')} from ${processed} events in ${seconds.toFixed(2)} s ` +
        `(${Math.round(processed / Math.max(seconds, 1e-9))} events/s), up to position ${runner.lowestCheckpoint()}\n`,
    );
  } finally {
    readDb.close();
    eventsDb.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Cannot rebuild: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
