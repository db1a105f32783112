import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, startService, stopService } from './support/service-process';

/**
 * The README's examples, run as a newcomer runs them: the shell blocks of its walkthrough, pipelines, reports
 * and auditing sections, in order, in one bash session, against the built service started as `npm start`
 * starts it (automation on). Only the address changes (a free port instead of 3000). Lines that cannot end by
 * themselves or rebuild the project (`curl -N` streams, `npm run`) are left out. Every curl must answer 2xx.
 */
const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const SECTIONS = [
  '## Walkthrough: from a captured lead to a won deal',
  '## Pipelines and the life of a deal',
  '## Follow-ups and lead scoring',
  '## Reports and lists',
  '## Auditing',
  '## Personal data',
  '## Provable history',
  '## Access: keys and roles',
];

function shellBlocks(heading: string): string {
  const start = README.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`the README has no section "${heading}"`);
  const end = README.indexOf('\n## ', start + heading.length);
  const section = README.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  if (blocks.length === 0) throw new Error(`the README section "${heading}" has no sh block`);
  return blocks.join('\n');
}

/** The script without the commands left out; a command continued over lines (`\\`) is kept or left whole. */
function runnable(script: string): string {
  const commands: string[][] = [];
  let continued = false;
  for (const line of script.split('\n')) {
    if (continued) commands[commands.length - 1]!.push(line);
    else commands.push([line]);
    continued = line.endsWith('\\');
  }
  return commands
    .filter(([first]) => !/^\s*(curl -N|DATA_DIR=\S+ npm run|npm run)/.test(first!))
    .map((lines) => lines.join('\n'))
    .join('\n');
}

interface Exchange {
  readonly args: string;
  readonly body: string;
}

describe('The README, verbatim', () => {
  let service: ServiceProcess;
  let dir: string;
  let exchanges: Exchange[];
  let vars: Record<string, string>;
  let status: number | null;
  let stderr: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'readme-'));
    // As `npm start` starts it: no ADMIN_API_KEY, so the first start writes its admin key to data/admin-api-key.
    service = await startService({ DATA_DIR: join(dir, 'data'), ADMIN_API_KEY: '' });
    const address = service.url.replace(/^http:\/\//, '');
    const transcript = join(dir, 'transcript');
    const script = [
      'set -euo pipefail',
      // Every curl of the README must answer 2xx; each answer is kept for the checks below.
      `curl() { local body; body=$(command curl --fail-with-body "$@") || { printf 'FAILED: curl %s\\n%s\\n' "$*" "$body" >&2; return 1; }; printf '%s\\0%s\\0' "$*" "$body" >> ${transcript}; printf '%s' "$body"; }`,
      ...SECTIONS.map((heading) => runnable(shellBlocks(heading))),
      'printf "\\nVARS LEAD=%s DEAL=%s LEAD2=%s DEAL2=%s PIPELINE=%s DUP=%s\\n" "$LEAD" "$DEAL" "$LEAD2" "$DEAL2" "$PIPELINE" "$DUP"',
    ]
      .join('\n')
      .replaceAll('localhost:3000', address);
    // Files, as a terminal would be: `tee /dev/stderr` cannot open the socket a child's pipe is made of.
    const [out, err] = [join(dir, 'stdout'), join(dir, 'stderr')];
    const [outFd, errFd] = [openSync(out, 'w'), openSync(err, 'w')];
    const run = spawnSync('bash', ['-c', script], {
      cwd: dir,
      stdio: ['ignore', outFd, errFd],
      timeout: 60_000,
    });
    closeSync(outFd);
    closeSync(errFd);
    status = run.status;
    stderr = readFileSync(err, 'utf8');
    const stdout = readFileSync(out, 'utf8');
    if (process.env['README_DEBUG']) process.stdout.write(`${stdout}\n---\n${stderr}\n`);
    vars = Object.fromEntries(
      [...(/VARS (.*)/.exec(stdout)?.[1] ?? '').matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1]!, m[2]!]),
    );
    const parts = readFileSync(transcript, 'utf8').split('\0');
    exchanges = [];
    for (let i = 0; i + 1 < parts.length; i += 2) exchanges.push({ args: parts[i]!, body: parts[i + 1]! });
  }, 90_000);
  afterAll(async () => {
    await stopService(service);
    rmSync(dir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  });

  /** The JSON answer of the one README command whose arguments end with this. */
  const answer = (end: string) => {
    const found = exchanges.filter((e) => e.args.endsWith(end));
    expect(found).toHaveLength(1);
    return JSON.parse(found[0]!.body) as Record<string, unknown>;
  };
  const get = async (path: string) => {
    const admin = readFileSync(join(dir, 'data', 'admin-api-key'), 'utf8').trim();
    const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
    return (await response.json()) as Record<string, unknown>;
  };

  it('runs every command as written, each answered 2xx', () => {
    expect(stderr).not.toContain('FAILED');
    expect(status).toBe(0);
    expect(vars['LEAD']).toMatch(/^[0-9a-f-]{36}$/);
    expect(vars['DEAL']).toMatch(/^[0-9a-f-]{36}$/);
    expect(vars['PIPELINE']).toMatch(/^[0-9a-f-]{36}$/);
    expect(exchanges.length).toBeGreaterThan(30);
  });

  it('wins the automatic deal of the walkthrough, negotiated, moved back once and on', async () => {
    const deal = await get(`/deals/${vars['DEAL']}`);
    expect(deal).toMatchObject({
      leadId: vars['LEAD'],
      pipelineId: 'default',
      title: 'Cobol modernisation',
      value: { amount: 1_100_000, currency: 'EUR' },
      owner: 'grace',
      stage: 'negotiation',
      status: 'won',
    });
    const history = await get(`/deals/${vars['DEAL']}/history`);
    const events = history['events'] as { type: string; metadata: { actor: string } }[];
    expect(events.map((e) => e.type)).toEqual([
      'DealCreated',
      'DealTitleChanged',
      'DealValueChanged',
      'DealOwnerChanged',
      'StageAdvanced',
      'StageReverted',
      'StageAdvanced',
      'DealWon',
    ]);
    expect(events[0]!.metadata.actor).toBe('automation');
    // Grace's key sent the rest: who acts is the key, by its name.
    expect(events.slice(1).map((e) => e.metadata.actor)).toEqual(Array(7).fill('grace'));
    expect(history['integrity']).toEqual({ verified: true, brokenAt: null });
  });

  it('reopens the second deal in the pipeline it was moved to', async () => {
    expect(await get(`/deals/${vars['DEAL2']}`)).toMatchObject({
      pipelineId: vars['PIPELINE'],
      stage: 'solution_design',
      status: 'open',
      probability: 35,
    });
    expect(await get(`/leads/${vars['LEAD2']}`)).toMatchObject({ status: 'qualified' });
    const pipeline = answer(`/pipelines/${vars['PIPELINE']}`);
    expect(
      (pipeline['stages'] as { stage: string; probability: number }[]).map((s) => [s.stage, s.probability]),
    ).toEqual([
      ['discovery', 10],
      ['solution_design', 35],
      ['security_review', 60],
      ['legal_review', 80],
    ]);
  });

  it('says in its log that it made the keys, and writes no personal data there', () => {
    const log = service.output();
    expect(log).toContain('created a master key for personal data');
    for (const personal of [
      'Grace Hopper',
      'grace@example.com',
      'GRACE@Example.com',
      'G. Hopper',
      'Cobol Ltd',
    ]) {
      expect({ personal, logged: log.includes(personal) }).toEqual({ personal, logged: false });
    }
  });

  it('finds the duplicate, masks it for the analyst, exports it and erases it', async () => {
    const captured = answer('"email":"GRACE@Example.com","source":"web_form"}');
    expect(captured['possibleDuplicates']).toEqual([vars['LEAD']]);
    const sameEmail = answer(`email=grace@example.com&minPosition=${String(captured['position'])}`);
    expect((sameEmail['items'] as { leadId: string }[]).map((l) => l.leadId).sort()).toEqual(
      [vars['LEAD'], vars['DUP']].sort(),
    );
    expect(answer(`/leads/${vars['DUP']}`)).toMatchObject({ name: '***', email: '***', source: 'web_form' });
    const exported = answer(`/leads/${vars['DUP']}/personal-data`);
    expect(exported).toMatchObject({ leadId: vars['DUP'], erased: null });
    expect(JSON.stringify(exported)).toContain('G. Hopper');
    const erased = answer(`/leads/${vars['DUP']}?minPosition=${String(answer('ticket 4711"}')['position'])}`);
    expect(erased).toMatchObject({
      name: null,
      email: null,
      erased: { reason: 'the person asked for erasure, ticket 4711' },
    });
    const history = answer(`/leads/${vars['DUP']}/history`);
    expect(history['integrity']).toEqual({ verified: true, brokenAt: null });
    expect(JSON.stringify(history)).not.toContain('G. Hopper');
    expect(JSON.stringify(await get(`/leads/${vars['LEAD']}`))).toContain('Grace Hopper');
  });

  it('signs tree heads and proves that the later log extends the earlier one', () => {
    const heads = exchanges.filter(
      (e) => e.args.endsWith('/audit/tree-head') || e.args.includes('tree-head?'),
    );
    expect(heads).toHaveLength(2);
    const [then, now] = heads.map((e) => JSON.parse(e.body) as { treeSize: number; rootHash: string });
    expect(now!.treeSize).toBeGreaterThan(then!.treeSize);
    const consistency = answer(`consistency?from=${then!.treeSize}&to=${now!.treeSize}`);
    expect(consistency['path']).toEqual(expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{64}$/)]));
    const inclusion = answer(`inclusion?position=1&treeSize=${now!.treeSize}`);
    expect(inclusion).toMatchObject({ position: '1', treeSize: now!.treeSize });
    const records = answer('/audit/records?after=0&limit=100');
    expect(JSON.stringify(records)).not.toContain('Grace Hopper');
  });

  it('lists and reports what the examples promise', () => {
    const won = answer('deals?status=won&owner=grace');
    expect((won['items'] as { dealId: string }[]).map((d) => d.dealId)).toEqual([vars['DEAL']]);
    const owned = answer('leads?owner=grace');
    expect((owned['items'] as { leadId: string }[]).map((l) => l.leadId)).toEqual([vars['LEAD']]);
    const hot = answer('leads?status=qualified&tag=hot&limit=20');
    expect((hot['items'] as { leadId: string }[]).map((l) => l.leadId)).toEqual([vars['LEAD']]);
    const open = answer(`deals?pipelineId=${vars['PIPELINE']}&status=open`);
    expect((open['items'] as { dealId: string }[]).map((d) => d.dealId)).toEqual([vars['DEAL2']]);

    const report = answer(`pipelineId=${vars['PIPELINE']}&groupBy=owner`);
    expect(report['stages']).toContainEqual(
      expect.objectContaining({
        stage: 'solution_design',
        openDeals: 1,
        values: [{ currency: 'USD', total: 8_000_000, weighted: 2_800_000 }],
      }),
    );
    expect(report['owners']).toEqual([expect.objectContaining({ owner: null })]);

    const funnel = answer('&source=referral');
    expect(funnel['sources']).toEqual([expect.objectContaining({ source: 'referral', captured: 1, won: 1 })]);
    const forecast = answer('&from=2027-01-01&to=2028-01-01');
    expect(forecast['months']).toEqual([
      expect.objectContaining({ month: '2027-06', open: expect.objectContaining({ deals: 1 }) }),
    ]);
    const losses = answer('/analytics/losses');
    expect(losses['lost']).toEqual({ deals: 0, values: [] });
    const stages = answer('/analytics/stages');
    expect(stages['stages']).toContainEqual(expect.objectContaining({ stage: 'proposal', movedBack: 1 }));
    const pipelines = answer('/pipelines');
    expect((pipelines['items'] as { pipelineId: string }[]).map((p) => p.pipelineId)).toEqual([
      'default',
      vars['PIPELINE'],
    ]);
  });
});
