import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, openEventStore } from '@app/application';
import { auditStore } from '@app/event-store';

/**
 * npm run audit:verify [-- deal-<id>]: recomputes the tamper-evidence chains of the configured event log
 * (every stream, or one) and, on the embedded store, checks that no position is missing. Prints the report
 * as JSON; exits 0 when everything verifies, 3 when something was altered, removed or reordered.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const file = join(config.dataDir, 'events.sqlite');
  if (config.eventStore.kind === 'sqlite' && !existsSync(file)) {
    throw new Error(`there is no event log at ${file}: set DATA_DIR`);
  }
  const stream = process.argv[2];
  const events = await openEventStore(config);
  try {
    const report = await auditStore(events.store, {
      ...(stream ? { stream } : {}),
      gapless: events.store.gaplessPositions,
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.exitCode = report.verified ? 0 : 3;
  } finally {
    await events.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot verify: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
