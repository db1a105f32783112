import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { authenticationFigures } from './authentication';
import { dashboardFigures } from './dashboard';
import { httpFigures } from './http-commands';
import { openingFigures, sealingFigures } from './personal-data';
import { treeFigures } from './proofs';
import { readSide } from './read-side';
import { sseFigures } from './sse';
import { type Figure, table } from './stats';
import { batchAppends, concurrentAppends, rawInserts, sequentialAppends } from './store-appends';

/**
 * npm run bench: builds the service, measures it on the embedded store with durability on
 * (WAL, synchronous=FULL), prints a table and writes bench/results/latest.json.
 * BENCH_SECONDS sets how long each timed figure runs (default 10); BENCH_EVENTS the size of the log the read
 * side is measured on (default 1,000,000).
 */
async function main(): Promise<void> {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
  const figures: Figure[] = [];
  const run = async (figure: () => Promise<Figure>) => {
    const result = await figure();
    process.stdout.write(`  ${result.name}: ${Math.round(result.rate)} ${result.unit}\n`);
    figures.push(result);
  };

  await run(() => rawInserts(100_000));
  await run(() => sequentialAppends(seconds));
  await run(() => concurrentAppends(seconds, 50));
  await run(() => batchAppends(seconds, 10));
  // Personal data sealed on captures and opened on reads; the Merkle tree kept as the log grows.
  const sealingAndProofs = [
    ...(await sealingFigures(seconds, 50)),
    ...(await openingFigures(100_000)),
    ...(await treeFigures(seconds, 50)),
  ];
  for (const figure of sealingAndProofs) {
    process.stdout.write(`  ${figure.name}: ${Math.round(figure.rate)} ${figure.unit}\n`);
    figures.push(figure);
  }
  for (const figure of await httpFigures(seconds, 50)) {
    process.stdout.write(`  ${figure.name}: ${Math.round(figure.rate)} ${figure.unit}\n`);
    figures.push(figure);
  }
  const captures = figures.find((f) => f.name.startsWith('http: POST /leads captures ('));
  for (const figure of await authenticationFigures(captures?.rate)) {
    process.stdout.write(`  ${figure.name}: ${Math.round(figure.rate)} ${figure.unit}\n`);
    figures.push(figure);
  }
  for (const figure of await sseFigures()) {
    process.stdout.write(`  ${figure.name}: ${Math.round(figure.rate)} ${figure.unit}\n`);
    figures.push(figure);
  }
  // The dashboard in Chromium: its first load with 2,000 open deals on the board.
  for (const figure of await dashboardFigures()) {
    process.stdout.write(`  ${figure.name}: ${Math.round(figure.rate)} ${figure.unit}\n`);
    figures.push(figure);
  }
  for (const figure of await readSide(Number(process.env['BENCH_EVENTS'] ?? 1_000_000))) {
    process.stdout.write(`  ${figure.name}: ${Math.round(figure.rate)} ${figure.unit}\n`);
    figures.push(figure);
  }

  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
  };
  process.stdout.write(`\n${table(figures)}\n\n${JSON.stringify(machine)}\n`);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'latest.json'),
    `${JSON.stringify({ at: new Date().toISOString(), seconds, machine, figures }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
