import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_API, startService, stopService } from '../test/support/service-process';
import { ADMIN_AUTHORIZATION } from '../test/support/test-keys';

/**
 * npm run build && npx tsx bench/compare-captures.ts [revision] [seconds] [rounds] [--without-projections]:
 * POST /leads captures (50 connections)
 * of the service built from this tree against the service built from an earlier revision (default: the last
 * commit before personal data was sealed and the Merkle tree kept), in alternating rounds on the same machine,
 * each on a fresh data directory. What the difference holds: sealing (a data key made ahead, the fields
 * encrypted), the duplicate lookup in the capture's answer, and the tree kept by the projection thread.
 * --without-projections runs both with RUN_PROJECTIONS=false: the request's own path alone.
 */
const BEFORE_SEALING = '83b838e';

const root = join(__dirname, '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

async function captures(script: string, seconds: number, projections: boolean): Promise<autocannon.Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  const service = await startService(
    { DATA_DIR: dataDir, AUTO_CREATE_DEALS: 'false', RUN_PROJECTIONS: String(projections) },
    script,
  );
  try {
    return await autocannon({
      url: `${service.url}/leads`,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN_AUTHORIZATION },
      body: JSON.stringify({
        name: 'Bench Lead',
        email: 'bench@example.com',
        company: 'Bench Ltd',
        source: 'web_form',
        tags: ['bench'],
      }),
      connections: 50,
      duration: seconds,
    });
  } finally {
    await stopService(service);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-keys`, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const projections = !process.argv.includes('--without-projections');
  const revision = args[0] ?? BEFORE_SEALING;
  const seconds = Number(args[1] ?? 10);
  const count = Number(args[2] ?? 3);
  const tree = mkdtempSync(join(tmpdir(), 'bench-revision-'));
  git('worktree', 'add', '--detach', tree, revision);
  try {
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
    execFileSync('npx', ['nest', 'build', 'api'], { cwd: tree, stdio: 'inherit' });
    const earlier = join(tree, 'dist', 'apps', 'api', 'apps', 'api', 'src', 'main.js');
    const rounds: { now: number[]; before: number[] } = { now: [], before: [] };
    for (let round = 0; round < count; round++) {
      rounds.before.push((await captures(earlier, seconds, projections)).requests.average);
      rounds.now.push((await captures(BUILT_API, seconds, projections)).requests.average);
      process.stdout.write(
        `round ${round + 1}: ${revision} ${rounds.before.at(-1)} req/s, now ${rounds.now.at(-1)}\n`,
      );
    }
    const mean = (rates: number[]) => rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
    process.stdout.write(
      `POST /leads captures${projections ? '' : ' without projections'}: ${revision} ` +
        `${Math.round(mean(rounds.before))} req/s, now ` +
        `${Math.round(mean(rounds.now))} req/s (cost ${((1 - mean(rounds.now) / mean(rounds.before)) * 100).toFixed(1)}%)\n`,
    );
  } finally {
    git('worktree', 'remove', '--force', tree);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
