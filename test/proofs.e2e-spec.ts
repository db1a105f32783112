import { execFile } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  GENESIS_HASH,
  type NewEvent,
  type RecordedEvent,
  type TreeHead,
  chainEvents,
  ed25519PublicKey,
  eventLeafHash,
  referenceRoot,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
} from '@app/event-store';
import { ReadStore, latestTreeHead } from '@app/read-models';
import Database from 'better-sqlite3';
import { BUILT_API, startService, stopService } from './support/service-process';
import {
  type TestApp,
  issueKey,
  lead,
  newDataDir,
  openDeal,
  problemOf,
  removeDataDir,
  startApp,
  useApp,
} from './support/test-app';
import { until } from './support/waiting';

const AUDIT_VERIFY = join(BUILT_API, '..', 'audit-verify.js');

type Record_ = Omit<RecordedEvent, 'position'> & { position: string };

/** The whole log as GET /audit/records pages it (small pages, to follow nextAfter). */
async function exportRecords(t: TestApp): Promise<Record_[]> {
  const records: Record_[] = [];
  let after = '0';
  for (;;) {
    const page = (await t.http().get(`/audit/records?after=${after}&limit=7`).expect(200)).body as {
      records: Record_[];
      nextAfter: string;
    };
    if (page.records.length === 0) {
      expect(page.nextAfter).toBe(after);
      return records;
    }
    records.push(...page.records);
    after = page.nextAfter;
  }
}

const leafHashes = (records: readonly Record_[]) =>
  records.map((r) => eventLeafHash({ ...r, position: BigInt(r.position) }));

/** A tree head that covers the position (read-your-writes), checked against the served public key. */
async function treeHeadAt(t: TestApp, position: string): Promise<TreeHead> {
  const head = (await t.http().get(`/audit/tree-head?minPosition=${position}`).expect(200)).body as TreeHead;
  const { pem } = (await t.http().get('/audit/public-key').expect(200)).body as { pem: string };
  expect(verifyTreeHead(head, ed25519PublicKey(pem))).toBe(true);
  return head;
}

const captured = async (t: TestApp) =>
  (await t.http().post('/leads').send(lead()).expect(201)).body.position as string;

describe('Provable history: tree heads and proofs over HTTP', () => {
  const t = useApp();

  it('serves the Ed25519 public key that signs tree heads, named by the SHA-256 of its SPKI DER', async () => {
    const auditor = await issueKey(t, ['auditor']);
    const answer = (await t.as(auditor.key).get('/audit/public-key').expect(200)).body;
    expect(answer).toEqual({
      algorithm: 'Ed25519',
      keyId: expect.stringMatching(/^[0-9a-f]{64}$/),
      pem: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/),
    });
    const der = createPublicKey(answer.pem).export({ type: 'spki', format: 'der' });
    expect(answer.keyId).toBe(createHash('sha256').update(der).digest('hex'));
    // The key lives outside the data directory (DATA_DIR-keys by default).
    const file = readFileSync(join(`${t.dataDir}-keys`, 'signing.key'), 'utf8');
    expect(createPublicKey(file).export({ type: 'spki', format: 'pem' })).toBe(answer.pem);
  });

  it('signs the tree of the log as it grows, and proves inclusion and consistency between its sizes', async () => {
    const heads: TreeHead[] = [];
    for (let round = 0; round < 4; round++) {
      await openDeal(t, { value: { amount: 1000 * (round + 1), currency: 'EUR' } });
      heads.push(await treeHeadAt(t, await captured(t)));
    }
    // Asked again without the log growing: the same tree head, not a new signature.
    expect((await t.http().get('/audit/tree-head').expect(200)).body).toEqual(heads[3]);

    const records = await exportRecords(t);
    const leaves = leafHashes(records);
    expect(records.map((r) => r.position)).toEqual(records.map((_, i) => String(i + 1)));
    const sizes = heads.map((h) => h.treeSize);
    expect(sizes.every((size, i) => i === 0 || size > sizes[i - 1]!)).toBe(true);
    for (const head of heads) {
      // The root of the first treeSize leaves, recomputed from the exported records by the naive definition.
      expect(referenceRoot(leaves.slice(0, head.treeSize)).toString('hex')).toBe(head.rootHash);
    }

    for (const head of heads) {
      const root = Buffer.from(head.rootHash, 'hex');
      for (const position of [1, Math.ceil(head.treeSize / 2), head.treeSize]) {
        const proof = (
          await t
            .http()
            .get(`/audit/proof/inclusion?position=${position}&treeSize=${head.treeSize}`)
            .expect(200)
        ).body as { position: string; treeSize: number; leafIndex: number; leafHash: string; path: string[] };
        expect(proof).toMatchObject({
          position: String(position),
          treeSize: head.treeSize,
          leafIndex: position - 1,
          leafHash: leaves[position - 1]!.toString('hex'),
        });
        const path = proof.path.map((h) => Buffer.from(h, 'hex'));
        expect(verifyInclusion(leaves[position - 1]!, position - 1, head.treeSize, path, root)).toBe(true);
      }
    }
    for (const [i, older] of heads.entries()) {
      for (const newer of heads.slice(i)) {
        const proof = (
          await t
            .http()
            .get(`/audit/proof/consistency?from=${older.treeSize}&to=${newer.treeSize}`)
            .expect(200)
        ).body as { from: number; to: number; path: string[] };
        expect(proof).toMatchObject({ from: older.treeSize, to: newer.treeSize });
        const path = proof.path.map((h) => Buffer.from(h, 'hex'));
        const [first, second] = [older, newer].map((h) => Buffer.from(h.rootHash, 'hex'));
        expect(verifyConsistency(older.treeSize, newer.treeSize, first!, second!, path)).toBe(true);
      }
    }
  });

  it('refuses bad and out-of-range parameters with a problem naming the field, never a 5xx', async () => {
    const size = Number(await captured(t));
    await t.http().get(`/audit/tree-head?minPosition=${size}`).expect(200);
    const cases: [string, number, string, string?][] = [
      ['/audit/proof/inclusion?treeSize=1', 400, 'position'],
      ['/audit/proof/inclusion?position=1', 400, 'treeSize'],
      ['/audit/proof/inclusion?position=one&treeSize=1', 400, 'position'],
      ['/audit/proof/inclusion?position=1&treeSize=0', 400, 'treeSize'],
      ['/audit/proof/inclusion?position=1&treeSize=1.5', 400, 'treeSize'],
      ['/audit/proof/inclusion?position=1&treeSize=99999999999999999999', 400, 'treeSize'],
      ['/audit/proof/inclusion?position=1&treeSize=1&leaf=2', 400, 'leaf'],
      [`/audit/proof/inclusion?position=1&treeSize=${size + 1000}`, 404, 'treeSize', 'TREE_SIZE_NOT_REACHED'],
      [
        `/audit/proof/inclusion?position=${size}&treeSize=${size - 1}`,
        404,
        'position',
        'POSITION_NOT_IN_TREE',
      ],
      ['/audit/proof/inclusion?position=0&treeSize=1', 404, 'position', 'POSITION_NOT_IN_TREE'],
      [
        '/audit/proof/inclusion?position=99999999999999999999&treeSize=1',
        404,
        'position',
        'POSITION_NOT_IN_TREE',
      ],
      ['/audit/proof/consistency?from=2&to=1', 400, 'from'],
      ['/audit/proof/consistency?from=0&to=1', 400, 'from'],
      ['/audit/proof/consistency?to=1', 400, 'from'],
      ['/audit/proof/consistency?from=1&to=x', 400, 'to'],
      [`/audit/proof/consistency?from=1&to=${size + 1000}`, 404, 'to', 'TREE_SIZE_NOT_REACHED'],
      ['/audit/records?limit=0', 400, 'limit'],
      ['/audit/records?limit=1001', 400, 'limit'],
      ['/audit/records?after=-1', 400, 'after'],
      ['/audit/tree-head?minPosition=soon', 400, 'minPosition'],
    ];
    for (const [path, status, field, code] of cases) {
      const response = await t.http().get(path);
      expect({ path, status: response.status }).toEqual({ path, status });
      const problem = problemOf(response);
      expect({ path, fields: problem.errors?.map((e) => e.field) }).toEqual({ path, fields: [field] });
      if (code) expect({ path, code: problem.code }).toEqual({ path, code });
    }
    // The same tree size and position as the tree: answered.
    await t.http().get(`/audit/proof/inclusion?position=${size}&treeSize=${size}`).expect(200);
    expect(
      (await t.http().get(`/audit/proof/consistency?from=${size}&to=${size}`).expect(200)).body.path,
    ).toEqual([]);
  });
});

describe('Tree heads over time', () => {
  it('signs one at least every TREE_HEAD_INTERVAL_MS while the log grows, and serves the last one after a restart', async () => {
    const dataDir = newDataDir();
    let t = await startApp(dataDir, { TREE_HEAD_INTERVAL_MS: '100' });
    try {
      const issued = () => latestTreeHead(t.app.get(ReadStore));
      for (let round = 0; round < 2; round++) {
        const position = Number(await captured(t));
        // Nobody asks: the signer issues it by itself.
        await until(async () => (await issued())?.treeSize === position, `a tree head of ${position} events`);
      }
      const last = (await issued())!;
      await t.close();

      // A restart, with tree heads signed only on request now: the last one issued is served, the key kept.
      t = await startApp(dataDir);
      expect((await t.http().get('/audit/tree-head').expect(200)).body).toEqual(last);
      const { pem } = (await t.http().get('/audit/public-key').expect(200)).body as { pem: string };
      expect(verifyTreeHead(last, ed25519PublicKey(pem))).toBe(true);
    } finally {
      await t.close();
      removeDataDir(dataDir);
    }
  });

  it('says in its log that it created the signing key, without a word of the key itself', async () => {
    const dataDir = newDataDir();
    let service = await startService({ DATA_DIR: dataDir });
    try {
      const pem = readFileSync(join(`${dataDir}-keys`, 'signing.key'), 'utf8');
      const body = pem
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('-----'))
        .join('');
      expect(service.output()).toMatch(
        /created the signing key of tree heads [0-9a-f]{64} in .*signing\.key/,
      );
      expect(service.output()).not.toContain(body);
      await stopService(service);
      // Once: a start that finds the key says nothing of it.
      service = await startService({ DATA_DIR: dataDir });
      expect(service.output()).not.toMatch(/signing key/);
    } finally {
      await stopService(service);
      removeDataDir(dataDir);
    }
  });
});

/** What the offline verifier prints: the chain report, and the tree head checked. */
interface VerifierReport {
  readonly verified: boolean;
  readonly broken: readonly unknown[];
  readonly treeHead: { readonly computedRootHash: string | null; readonly rootMatches: boolean };
  readonly problems: readonly string[];
}

/** Runs the offline verifier (the built command line) on a data directory: its exit code and report. */
async function auditVerify(
  dataDir: string,
  ...args: string[]
): Promise<{ code: number; report: VerifierReport | undefined; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [AUDIT_VERIFY, ...args], {
      env: { ...process.env, DATA_DIR: dataDir },
    });
    return { code: 0, report: JSON.parse(stdout) as VerifierReport, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: failed.code ?? -1,
      report: failed.stdout ? (JSON.parse(failed.stdout) as VerifierReport) : undefined,
      stderr: failed.stderr ?? '',
    };
  }
}

describe('The insider who rewrites an event and its chain', () => {
  it('passes the chain check but not a tree head issued before the edit', async () => {
    const dataDir = newDataDir();
    const auditorDir = mkdtempSync(join(tmpdir(), 'auditor-'));
    const file = (name: string) => join(auditorDir, name);
    let t = await startApp(dataDir);
    try {
      const dealId = await openDeal(t, { value: { amount: 1_000, currency: 'EUR' } });
      await openDeal(t);
      // What an auditor keeps: the public key, a tree head, and (for an offline check) the log exported then.
      const head = await treeHeadAt(t, await captured(t));
      writeFileSync(file('public-key.json'), JSON.stringify((await t.http().get('/audit/public-key')).body));
      writeFileSync(file('tree-head.json'), JSON.stringify(head));
      writeFileSync(file('records.jsonl'), (await exportRecords(t)).map((r) => JSON.stringify(r)).join('\n'));
      const withHead = ['--public-key', file('public-key.json'), '--tree-head', file('tree-head.json')];

      // The log grows on after the tree head: it still begins with exactly the events the head covers.
      await openDeal(t);
      const head2 = await treeHeadAt(t, await captured(t));
      const untouched = await auditVerify(dataDir, ...withHead);
      expect(untouched).toMatchObject({
        code: 0,
        report: {
          verified: true,
          broken: [],
          treeHead: { treeSize: head.treeSize, signatureValid: true, rootMatches: true },
          log: { size: head2.treeSize, rootHash: head2.rootHash, extendsTreeHead: true },
          problems: [],
        },
      });
      expect(await auditVerify(dataDir, ...withHead, '--records', file('records.jsonl'))).toMatchObject({
        code: 0,
        report: { verified: true, log: { size: head.treeSize, rootHash: head.rootHash } },
      });
      await t.close();

      // The insider: the deal's value changed in the SQLite file, and its stream's chain recomputed with the
      // service's own chain code, every hash written back.
      const db = new Database(join(dataDir, 'events.sqlite'));
      const rows = db
        .prepare(
          'SELECT position, event_id, type, data, metadata FROM events WHERE stream_id = ? ORDER BY revision',
        )
        .all(`deal-${dealId}`) as {
        position: number;
        event_id: string;
        type: string;
        data: string;
        metadata: string;
      }[];
      expect(rows[0]!.type).toBe('DealCreated');
      const events: NewEvent[] = rows.map((row) => ({
        id: row.event_id,
        type: row.type,
        data: JSON.parse(row.data),
        metadata: JSON.parse(row.metadata),
      }));
      events[0] = {
        ...events[0]!,
        data: { ...events[0]!.data, value: { amount: 900_000, currency: 'EUR' } },
      };
      const rewrite = db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?');
      chainEvents(GENESIS_HASH, `deal-${dealId}`, 0, events).forEach((event, i) => {
        rewrite.run(JSON.stringify(event.data), JSON.stringify(event.metadata), rows[i]!.position);
      });
      db.close();

      t = await startApp(dataDir);
      // The chain alone cannot tell.
      expect((await t.http().get('/audit/verify').expect(200)).body).toMatchObject({
        verified: true,
        broken: [],
      });
      expect((await t.http().get(`/deals/${dealId}/history`).expect(200)).body.integrity).toEqual({
        verified: true,
        brokenAt: null,
      });
      expect((await t.http().get(`/audit/verify?stream=deal-${dealId}`).expect(200)).body.verified).toBe(
        true,
      );
      writeFileSync(
        file('records-after.jsonl'),
        (await exportRecords(t)).map((r) => JSON.stringify(r)).join('\n'),
      );
      await t.close();

      // The tree head given out before the edit can.
      const caught = await auditVerify(dataDir, ...withHead);
      expect(caught.code).toBe(3);
      expect(caught.report).toMatchObject({
        verified: false,
        broken: [],
        treeHead: {
          signatureValid: true,
          rootMatches: false,
          computedRootHash: expect.not.stringMatching(head.rootHash),
        },
        log: { extendsTreeHead: false },
      });
      expect(caught.report!.problems).toEqual([
        expect.stringMatching(/^root mismatch: the root of the first \d+ events is /),
      ]);
      // So can it in the log exported now; the log the auditor exported before the edit still verifies.
      const exported = await auditVerify(dataDir, ...withHead, '--records', file('records-after.jsonl'));
      expect(exported).toMatchObject({ code: 3, report: { broken: [], treeHead: { rootMatches: false } } });
      expect((await auditVerify(dataDir, ...withHead, '--records', file('records.jsonl'))).code).toBe(0);

      // A tree head altered to match is refused by its signature.
      writeFileSync(
        file('forged.json'),
        JSON.stringify({ ...head, rootHash: caught.report!.treeHead.computedRootHash }),
      );
      const forged = await auditVerify(
        dataDir,
        '--public-key',
        file('public-key.json'),
        '--tree-head',
        file('forged.json'),
      );
      expect(forged).toMatchObject({
        code: 3,
        report: { treeHead: { signatureValid: false, rootMatches: true } },
      });
      t = await startApp(dataDir);
    } finally {
      await t.close();
      removeDataDir(dataDir);
      rmSync(auditorDir, { recursive: true, force: true });
    }
  });

  it('answers a command line it cannot run with its usage and exit code 1', async () => {
    const dataDir = newDataDir();
    try {
      for (const args of [
        ['--tree-head', 'x.json'],
        ['--public-key'],
        ['--records', 'r.jsonl'],
        ['--nonsense'],
      ]) {
        const run = await auditVerify(dataDir, ...args);
        expect({ args, code: run.code }).toEqual({ args, code: 1 });
        expect(run.stderr).toMatch(/usage:/);
      }
      const missing = await auditVerify(
        dataDir,
        '--public-key',
        'nowhere.pem',
        '--tree-head',
        'nowhere.json',
      );
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/cannot read the public key nowhere\.pem/);
    } finally {
      removeDataDir(dataDir);
    }
  });
});
