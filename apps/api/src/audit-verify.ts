import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore, auditStore, openSqliteDatabase } from '@app/event-store';
import { loadConfig } from './config/app-config';

/**
 * npm run audit:verify [-- deal-<id>]: recomputes the tamper-evidence chains of the event log in DATA_DIR
 * (every stream, or one) and checks that no position is missing. Prints the report as JSON; exits 0 when
 * everything verifies, 3 when something was altered, removed or reordered.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const file = join(config.dataDir, 'events.sqlite');
  if (!existsSync(file)) throw new Error(`there is no event log at ${file}: set DATA_DIR`);
  const stream = process.argv[2];
  const db = openSqliteDatabase(file);
  try {
    const store = new SqliteEventStore(db);
    const report = await auditStore(store, {
      ...(stream ? { stream } : {}),
      gapless: store.gaplessPositions,
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.exitCode = report.verified ? 0 : 3;
  } finally {
    db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot verify: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
