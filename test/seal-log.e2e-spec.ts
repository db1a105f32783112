import { execFile } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { type TreeHead, ed25519PublicKey, verifyTreeHead } from '@app/event-store';
import { type SealRecord, verifySealRecord } from '../apps/api/src/seal-log';
import { foundIn } from './support/personal-data-scan';
import { type TestApp, newDataDir, refused, removeDataDir, startApp } from './support/test-app';

/**
 * A data directory written before personal data was sealed (the upgrade fixture: leads' names, emails,
 * companies and the deal titles made of them in the clear in the log) is sealed offline by
 * `npm run personal-data:seal`, after which its leads can be erased like any other.
 */
const FIXTURE = join(__dirname, 'fixtures', 'upgrade-v1');
const SEAL_LOG = join(__dirname, '..', 'apps', 'api', 'src', 'seal-log.ts');
const TSX = join(__dirname, '..', 'node_modules', '.bin', 'tsx');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const recorded = require(join(FIXTURE, 'answers.json')) as {
  readonly leads: Record<string, string>;
  readonly deals: Record<string, string>;
  readonly head: string;
};

/** The lead of the fixture that is erased, and what must not be found of her once she is. */
const KATHERINE = { name: 'Katherine', email: 'katherine@example.com', company: 'NASA' };
const NEEDLES = [
  KATHERINE.name,
  KATHERINE.email,
  KATHERINE.company,
  `${KATHERINE.company}: ${KATHERINE.name}`,
];
const katherine = recorded.leads['Katherine']!;
const katherinesDeal = recorded.deals['Katherine']!;
/** A lead of the fixture that stays. */
const grace = recorded.leads['Grace']!;

/**
 * What the fixture's log holds in the clear: the capture of each of its 9 leads, the creation of its 6 deals, and
 * the 7 events that say something about a person in free text (5 qualifications with authority and need, a
 * disqualification's note, a reactivation's reason).
 */
const FIXTURE_PERSONAL_EVENTS = 9 + 6 + 7;
/** Its events (31) and the admin key the first start of this version issues, in a stream of its own. */
const LOG_EVENTS = Number(recorded.head) + 1;

const reason = 'the person asked for erasure (GDPR Art. 17), ticket 4712';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the tool on the data directory, its keys where the service keeps them by default (DATA_DIR-keys). */
async function sealLog(dataDir: string, env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [SEAL_LOG], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        MASTER_KEY_FILE: join(`${dataDir}-keys`, 'master.key'),
        SIGNING_KEY_FILE: join(`${dataDir}-keys`, 'signing.key'),
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Every row of the log as stored, read from the file with the service stopped. */
function storedRows(dataDir: string): unknown[] {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM events ORDER BY position').all();
  } finally {
    db.close();
  }
}

const auditFiles = (dataDir: string): string[] => readdirSync(join(dataDir, 'audit')).sort();

describe('Sealing a log written before personal data was sealed (npm run personal-data:seal)', () => {
  let dataDir: string;
  let t: TestApp | undefined;
  let publicKeyPem: string;
  let treeHeadBefore: TreeHead;
  let record: SealRecord;

  beforeAll(async () => {
    dataDir = newDataDir();
    cpSync(join(FIXTURE, 'data'), dataDir, { recursive: true });
    t = await startApp(dataDir, { AUTO_CREATE_DEALS: 'true' });
    await t.http().get(`/deals?minPosition=${recorded.head}`).expect(200);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    removeDataDir(dataDir);
  });

  const running = (): TestApp => {
    if (!t) throw new Error('the service is stopped');
    return t;
  };
  const stop = async () => {
    await running().close();
    t = undefined;
  };

  it('refuses to erase a lead the old version wrote in the clear, and writes nothing', async () => {
    const app = running();
    expect((await app.http().get(`/leads/${katherine}`).expect(200)).body).toMatchObject(KATHERINE);
    // The log holds her data in the clear, where destroying a key cannot reach it.
    expect(foundIn(dataDir, NEEDLES).filter((hit) => hit.startsWith('events.sqlite'))).not.toEqual([]);
    const problem = await refused(
      app,
      () => app.http().post(`/leads/${katherine}/erase`).send({ reason }),
      409,
    );
    expect(problem.code).toBe('PERSONAL_DATA_NOT_SEALED');
    expect(problem.detail).toContain('npm run personal-data:seal');
    expect((await app.http().get(`/leads/${katherine}`).expect(200)).body).toMatchObject(KATHERINE);

    // What an auditor was shown of the log before the rewrite: a signed tree head of all of it.
    const head = await app.store.headPosition();
    expect(head).toBe(BigInt(LOG_EVENTS));
    treeHeadBefore = (await app.http().get(`/audit/tree-head?minPosition=${head}`).expect(200))
      .body as TreeHead;
    publicKeyPem = ((await app.http().get('/audit/public-key').expect(200)).body as { pem: string }).pem;
    expect(verifyTreeHead(treeHeadBefore, ed25519PublicKey(publicKeyPem))).toBe(true);
    expect(treeHeadBefore.treeSize).toBe(LOG_EVENTS);
    await stop();
  });

  it('refuses a log in EventStoreDB, saying what to do instead', async () => {
    const run = await sealLog(dataDir, {
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('cannot be rewritten');
    expect(run.stderr).toContain('What to do instead');
  });

  it('seals the log offline, with a record of the rewrite signed by the service key', async () => {
    const before = storedRows(dataDir) as { position: number; stream_id: string; data: string }[];
    const run = await sealLog(dataDir);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    record = JSON.parse(run.stdout) as SealRecord;

    // Written to DATA_DIR/audit, readable by its owner only, as printed.
    const files = auditFiles(dataDir);
    expect(files).toEqual([expect.stringMatching(/^log-sealed-\d{8}T\d{6}\.\d{3}Z\.json$/)]);
    const file = join(dataDir, 'audit', files[0]!);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(record);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Signed with the key whose public half the service serves; any change to it breaks the signature.
    expect(verifySealRecord(record, publicKeyPem)).toBe(true);
    const altered = {
      ...record,
      changes: [{ ...record.changes[0]!, hashAfter: '0'.repeat(64) }, ...record.changes.slice(1)],
    };
    expect(verifySealRecord(altered, publicKeyPem)).toBe(false);
    expect(verifySealRecord({ ...record, sealedAt: new Date().toISOString() }, publicKeyPem)).toBe(false);

    // What changed: every event of the 15 streams of leads and deals (each begins with a sealed event, so
    // each is rechained from its start); the admin key's stream is untouched.
    const personal = before.filter((row) => /^(lead|deal)-/.test(row.stream_id));
    expect(record).toMatchObject({
      format: 'sales-pipeline log sealed v1',
      events: personal.length,
      sealedEvents: FIXTURE_PERSONAL_EVENTS,
      streams: 15,
      subjects: 9,
      erasedSubjects: 0,
      log: { events: LOG_EVENTS, streams: 16 },
      readModelsReset: ['merkle-tree'],
    });
    expect(record.changes.map((change) => change.position)).toEqual(
      personal.map((row) => String(row.position)),
    );
    const byPosition = new Map(record.changes.map((change) => [change.position, change]));
    const capture = byPosition.get('8')!;
    expect(capture).toEqual({
      position: '8',
      streamId: `lead-${katherine}`,
      revision: 0,
      hashBefore: expect.stringMatching(/^[0-9a-f]{64}$/),
      hashAfter: expect.stringMatching(/^[0-9a-f]{64}$/),
      sealed: true,
    });
    expect(capture.hashAfter).not.toBe(capture.hashBefore);
    // Her qualification names its authority and need (free text about her): sealed too.
    expect(byPosition.get('13')).toMatchObject({ streamId: `lead-${katherine}`, revision: 1, sealed: true });
    expect(byPosition.get('26')).toMatchObject({ streamId: `deal-${katherinesDeal}`, sealed: true });

    // The tree a tree head issued before the rewrite states, and the one the service signs from now on.
    expect(record.tree.before).toEqual({ size: treeHeadBefore.treeSize, rootHash: treeHeadBefore.rootHash });
    expect(record.tree.after.size).toBe(LOG_EVENTS);
    expect(record.tree.after.rootHash).not.toBe(record.tree.before.rootHash);
    expect(record.chainHeads.after).not.toBe(record.chainHeads.before);

    // Hashes only: the record holds nobody's data.
    const text = readFileSync(file, 'utf8');
    expect(NEEDLES.filter((needle) => text.includes(needle))).toEqual([]);

    // Nothing but the personal fields and the hashes changed: the rest of every event is as it was.
    const after = storedRows(dataDir) as typeof before;
    expect(after.map((row) => [row.position, row.stream_id])).toEqual(
      before.map((row) => [row.position, row.stream_id]),
    );
    // The log's files hold her data no more; the read models still do, opened, until she is erased.
    const found = foundIn(dataDir, NEEDLES);
    expect(found.filter((hit) => !hit.startsWith('read-models.sqlite'))).toEqual([]);
    expect(run.stderr).toContain('merkle-tree');
  });

  it('starts on the sealed log: the chain verifies, leads read opened, histories hold', async () => {
    t = await startApp(dataDir, { AUTO_CREATE_DEALS: 'true' });
    const app = running();
    expect((await app.http().get('/audit/verify').expect(200)).body).toMatchObject({
      verified: true,
      events: LOG_EVENTS,
    });
    expect((await app.http().get(`/leads/${katherine}`).expect(200)).body).toMatchObject(KATHERINE);
    expect((await app.http().get(`/deals/${katherinesDeal}`).expect(200)).body).toMatchObject({
      title: 'NASA: Katherine',
    });
    const history = (await app.http().get(`/leads/${katherine}/history`).expect(200)).body as {
      events: { type: string; data: Record<string, unknown> }[];
      integrity: unknown;
    };
    expect(history.integrity).toEqual({ verified: true, brokenAt: null });
    expect(history.events[0]).toMatchObject({ type: 'LeadCaptured', data: KATHERINE });
    const dealHistory = (await app.http().get(`/deals/${katherinesDeal}/history`).expect(200)).body as {
      events: { type: string; data: Record<string, unknown> }[];
      integrity: unknown;
    };
    expect(dealHistory.integrity).toEqual({ verified: true, brokenAt: null });
    expect(dealHistory.events[0]).toMatchObject({ type: 'DealCreated', data: { title: 'NASA: Katherine' } });

    // The Merkle tree was rebuilt from the sealed records: its tree head is the record's tree after.
    const head = (await app.http().get(`/audit/tree-head?minPosition=${LOG_EVENTS}`).expect(200))
      .body as TreeHead;
    expect(verifyTreeHead(head, ed25519PublicKey(publicKeyPem))).toBe(true);
    expect({ size: head.treeSize, rootHash: head.rootHash }).toEqual(record.tree.after);
  });

  it('erases the lead now, after which no file under the data directory holds her in any encoding', async () => {
    const app = running();
    const erased = await app.http().post(`/leads/${katherine}/erase`).send({ reason }).expect(200);
    const position = (erased.body as { position: string }).position;
    expect(
      (await app.http().get(`/leads/${katherine}?minPosition=${position}`).expect(200)).body,
    ).toMatchObject({
      name: null,
      email: null,
      company: null,
      erased: { reason },
    });
    expect((await app.http().get(`/deals/${katherinesDeal}`).expect(200)).body).toMatchObject({
      title: null,
    });
    // Another lead of the fixture is still there, opened.
    expect((await app.http().get(`/leads/${grace}`).expect(200)).body).toMatchObject({
      name: 'Grace',
      email: 'grace@example.com',
    });
    expect((await app.http().get('/audit/verify').expect(200)).body).toMatchObject({ verified: true });

    expect(foundIn(dataDir, NEEDLES)).toEqual([]);
    await stop();
    expect(foundIn(dataDir, NEEDLES)).toEqual([]);
  });

  it('changes nothing when run again, and says so', async () => {
    const before = storedRows(dataDir);
    const file = readFileSync(join(dataDir, 'events.sqlite'));
    const run = await sealLog(dataDir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^nothing to seal: .*nothing was changed\n$/);
    expect(storedRows(dataDir)).toEqual(before);
    expect(readFileSync(join(dataDir, 'events.sqlite')).equals(file)).toBe(true);
    expect(auditFiles(dataDir)).toHaveLength(1);
  });
});
