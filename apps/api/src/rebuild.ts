import { loadConfig, openLog, openReadStore, serviceProjectionNames } from '@app/application';
import { ProjectionRunner } from '@app/read-models';

/**
 * npm run rebuild [-- name ...]: drops the read models (all, or the named projections) and builds them again
 * from the event log, on the configured stores. Run it while no projector (and no API with projections) runs.
 * An offline rebuild: it builds in place, and drops the shadow a running service may have left half-built
 * (a projection whose version changed is otherwise rebuilt by the service itself, beside the documents it
 * serves, and swapped in once caught up: see ProjectionRunner).
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const names = process.argv.slice(2);
  const known = serviceProjectionNames();
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown projection ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  const log = await openLog(config, (message) => process.stderr.write(`${message}\n`));
  const projections =
    names.length === 0 ? log.projections : log.projections.filter((p) => names.includes(p.name));

  const reads = await openReadStore(config);
  try {
    // Projections fold events opened and in the current schema, as the service reads them.
    const runner = new ProjectionRunner(log.current, reads.store, projections, {
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
    await reads.close();
    await log.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot rebuild: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
