import { readSide } from './read-side';
import { table } from './stats';

/**
 * The read-side figures alone: `npm run build && npx tsx bench/read-side-only.ts [events]` (default 100,000;
 * the HTTP figures start the built API, or the one BENCH_API names).
 */
async function main(): Promise<void> {
  const figures = await readSide(Number(process.argv[2] ?? 100_000));
  process.stdout.write(`${table(figures)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
