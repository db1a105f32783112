import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataKeys,
  LocalKeyWrapper,
  PersonalDataEventStore,
  SEALED,
  loadConfig,
  sealedFieldsOf,
} from '@app/application';
import {
  type NewEvent,
  type RecordedEvent,
  SqliteEventStore,
  type SqliteDatabase,
  auditStore,
  keyIdOf,
  openSqliteDatabase,
} from '@app/event-store';
import { InMemoryDataKeyStore } from '@app/application/personal-data/testing/in-memory-data-key-store';
import {
  type LogRewrite,
  SEAL_RECORD_FORMAT,
  SealRefusedError,
  UsageError,
  rewriteLog,
  sealPersonalData,
  scanLog,
  sealRecordOf,
  sealingKeysOf,
  signSealRecord,
  verifySealRecord,
} from './seal-log';

const metadata = {
  occurredAt: '2026-03-01T10:00:00.000Z',
  correlationId: 'c',
  causationId: 'c',
  actor: 'grace',
  schemaVersion: 1,
};
const event = (type: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata,
});

const ada = randomUUID();
const bob = randomUUID();
const deal = randomUUID();

/** Everything a person's data could be found by in the stored rows. */
const PERSONAL = [
  'Ada Lovelace',
  'ada@example.com',
  'ada@engines.example',
  'Analytical Engines',
  '+44 20 7946 0000',
  'Engines: Ada',
  'Engines: Ada L.',
  'Bob Babbage',
  'bob@example.com',
];

interface Row {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

describe('Sealing a log written before sealing existed', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteEventStore;
  let keys: DataKeys;

  const rows = (): Row[] => db.prepare('SELECT * FROM events ORDER BY position').all() as Row[];
  const readOpened = (streamId: string) => new PersonalDataEventStore(store, keys).readStream(streamId);

  /** A log as the version before sealing wrote it: personal data in the clear, title changes without their lead. */
  async function writeOldLog(): Promise<void> {
    await store.appendToStream(`lead-${ada}`, [
      event('LeadCaptured', {
        leadId: ada,
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        company: 'Analytical Engines',
        phone: '+44 20 7946 0000',
        source: 'referral',
        tags: ['vip'],
        capturedAt: metadata.occurredAt,
      }),
    ]);
    await store.appendToStream('pipeline-default', [
      event('PipelineCreated', { pipelineId: 'default', name: 'Default' }),
    ]);
    await store.appendToStream(`lead-${ada}`, [
      event('LeadContactCorrected', {
        leadId: ada,
        field: 'email',
        from: 'ada@example.com',
        to: 'ada@engines.example',
        correctedAt: metadata.occurredAt,
      }),
      event('LeadQualified', { leadId: ada, need: 'forecasting' }),
    ]);
    await store.appendToStream(`deal-${deal}`, [
      event('DealCreated', { dealId: deal, leadId: ada, title: 'Engines: Ada', stage: 'qualification' }),
      event('StageAdvanced', { dealId: deal, from: 'qualification', to: 'demo' }),
      event('DealTitleChanged', { dealId: deal, from: 'Engines: Ada', to: 'Engines: Ada L.' }),
      event('DealWon', { dealId: deal, stage: 'demo' }),
    ]);
    await store.appendToStream(`lead-${bob}`, [
      event('LeadCaptured', {
        leadId: bob,
        name: 'Bob Babbage',
        email: 'bob@example.com',
        source: 'web_form',
        tags: [],
        capturedAt: metadata.occurredAt,
      }),
    ]);
  }

  async function seal(): Promise<LogRewrite> {
    const scan = scanLog(db);
    const sealing = await sealingKeysOf(scan, keys);
    return rewriteLog(db, sealing.keys);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'seal-log-'));
    db = openSqliteDatabase(join(dir, 'events.sqlite'));
    store = new SqliteEventStore(db);
    keys = new DataKeys(new InMemoryDataKeyStore(), new LocalKeyWrapper(randomBytes(32)));
  });

  afterEach(async () => {
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A correction of Bob's email appended through the sealing store, as this version writes it: its key's id. */
  const sealedCorrectionOfBob = async (): Promise<string> => {
    await new PersonalDataEventStore(store, keys).appendToStream(`lead-${bob}`, [
      event('LeadContactCorrected', {
        leadId: bob,
        field: 'email',
        from: 'bob@example.com',
        to: 'b@x.example',
      }),
    ]);
    return sealedFieldsOf({ data: JSON.parse(rows()[9]!.data) as Record<string, unknown> })!.kid;
  };

  it('finds what the old log holds in the clear, whose it is, and the lead of old title changes', async () => {
    await writeOldLog();
    const scan = scanLog(db);
    expect(scan).toMatchObject({ events: 9, streams: 4, broken: [], unattributed: [] });
    expect(scan.unsealed.map((u) => [u.position, u.subject, u.addLeadId])).toEqual([
      [1, `lead-${ada}`, undefined],
      [3, `lead-${ada}`, undefined],
      [4, `lead-${ada}`, undefined],
      [5, `lead-${ada}`, undefined],
      [7, `lead-${ada}`, ada],
      [9, `lead-${bob}`, undefined],
    ]);
  });

  it('seals every personal field as the store seals on append, rechains only what follows, changes nothing else', async () => {
    await writeOldLog();
    const before = rows();
    const opened = {
      ada: await store.readStream(`lead-${ada}`),
      deal: await store.readStream(`deal-${deal}`),
      bob: await store.readStream(`lead-${bob}`),
    };

    const rewrite = await seal();

    const after = rows();
    const text = JSON.stringify(after);
    expect(PERSONAL.filter((needle) => text.includes(needle))).toEqual([]);
    // Every chain holds, over the sealed records, and the log has the same events in the same places.
    expect(await auditStore(store, { gapless: true })).toMatchObject({ verified: true, events: 9 });
    expect(after.map((r) => [r.position, r.event_id, r.stream_id, r.revision, r.type])).toEqual(
      before.map((r) => [r.position, r.event_id, r.stream_id, r.revision, r.type]),
    );
    // A stream with nothing personal is untouched, byte for byte.
    expect(after[1]).toEqual(before[1]);
    // Events with nothing to seal after a sealed one keep their data as stored; only their hash moved.
    for (const position of [6, 8]) {
      const [was, is] = [before[position - 1]!, after[position - 1]!];
      expect(is.data).toBe(was.data);
      const { hash: _was, ...wasMetadata } = JSON.parse(was.metadata) as Record<string, unknown>;
      const { hash: _is, ...isMetadata } = JSON.parse(is.metadata) as Record<string, unknown>;
      expect(isMetadata).toEqual(wasMetadata);
    }
    // Sealed events keep every field that is not personal.
    const capture = JSON.parse(after[0]!.data) as Record<string, unknown>;
    expect(capture).toMatchObject({ leadId: ada, source: 'referral', tags: ['vip'] });
    expect(sealedFieldsOf({ data: capture })!.fields).toEqual(['name', 'email', 'company', 'phone']);

    // Read through the sealing store, everything is as it was written; old title changes now name their lead.
    const read = (events: RecordedEvent[]) => events.map((e) => e.data);
    expect(read(await readOpened(`lead-${ada}`))).toEqual(read(opened.ada));
    expect(read(await readOpened(`lead-${bob}`))).toEqual(read(opened.bob));
    const dealNow = read(await readOpened(`deal-${deal}`));
    expect(dealNow).toEqual(read(opened.deal).map((data, i) => (i === 2 ? { ...data, leadId: ada } : data)));

    // One key per person: the lead's own stream and its deal's name the same one.
    const kidOf = (row: Row) =>
      sealedFieldsOf({ data: JSON.parse(row.data) as Record<string, unknown> })?.kid;
    expect(new Set([0, 2, 4, 6].map((i) => kidOf(after[i]!))).size).toBe(1);
    expect(kidOf(after[8]!)).not.toBe(kidOf(after[0]!));

    // The changes: the sealed events, and those after them in their streams, hashes only.
    expect(rewrite.changes.map((c) => [c.position, c.sealed])).toEqual([
      ['1', true],
      ['3', true],
      ['4', true],
      ['5', true],
      ['6', false],
      ['7', true],
      ['8', false],
      ['9', true],
    ]);
    for (const change of rewrite.changes) {
      const row = after[Number(change.position) - 1]!;
      expect(change.hashAfter).toBe((JSON.parse(row.metadata) as { hash: string }).hash);
      expect(change.hashBefore).toBe(
        (JSON.parse(before[Number(change.position) - 1]!.metadata) as { hash: string }).hash,
      );
    }
    expect(rewrite.subjects).toEqual([`lead-${ada}`, `lead-${bob}`]);
    expect(rewrite.before.chainHeads).not.toBe(rewrite.after.chainHeads);
    expect(rewrite.after.tree.size).toBe(9);
  });

  it('does nothing the second time: nothing left to seal, not a byte written', async () => {
    await writeOldLog();
    await seal();
    const sealed = rows();
    const again = await seal();
    expect(again.changes).toEqual([]);
    expect(again.after.chainHeads).toBe(again.before.chainHeads);
    expect(rows()).toEqual(sealed);
  });

  it('seals under the key a person has already, and what is new after sealing is left as it is', async () => {
    await writeOldLog();
    // Bob's lead got a sealed event from this version before the log was sealed: his key is named there.
    const bobsKey = await sealedCorrectionOfBob();
    const newest = rows()[9]!;

    const rewrite = await seal();

    expect(sealedFieldsOf({ data: JSON.parse(rows()[8]!.data) as Record<string, unknown> })!.kid).toBe(
      bobsKey,
    );
    // The sealed event after it keeps its data; its hash follows the rewritten one before it.
    expect(rows()[9]!.data).toBe(newest.data);
    expect(rewrite.changes.find((c) => c.position === '10')).toMatchObject({ sealed: false });
    expect((await readOpened(`lead-${bob}`)).map((e) => e.data['name'])).toEqual(['Bob Babbage', undefined]);
    expect(await auditStore(store, { gapless: true })).toMatchObject({ verified: true });
  });

  it('seals the fields of a person erased already where nobody can open them: they read as erased', async () => {
    await writeOldLog();
    const erasure = { at: '2026-03-02T09:00:00.000Z', reason: 'asked' };
    await store.appendToStream(`lead-${bob}`, [
      event('LeadErased', { leadId: bob, reason: erasure.reason, erasedAt: erasure.at }),
    ]);
    const scan = scanLog(db);
    const sealing = await sealingKeysOf(scan, keys);
    expect([...sealing.erased]).toEqual([`lead-${bob}`]);
    rewriteLog(db, sealing.keys);

    expect(JSON.stringify(rows())).not.toContain('Bob Babbage');
    const [captured] = await readOpened(`lead-${bob}`);
    expect(captured!.data).toMatchObject({ name: null, email: null, erased: erasure });
    expect((await readOpened(`lead-${ada}`))[0]!.data['name']).toBe('Ada Lovelace');
  });

  it('seals under a destroyed key as erased too, and refuses a key the key store does not know', async () => {
    await writeOldLog();
    const kid = await sealedCorrectionOfBob();

    // The key store knows nothing of the key (restored from an older backup): sealing more under it is refused.
    const forgetful = new DataKeys(new InMemoryDataKeyStore(), new LocalKeyWrapper(randomBytes(32)));
    await expect(sealingKeysOf(scanLog(db), forgetful)).rejects.toThrow(SealRefusedError);

    await keys.erase(kid, { at: '2026-03-02T09:00:00.000Z', reason: 'asked' });
    const sealing = await sealingKeysOf(scanLog(db), keys);
    expect(sealing.keys.get(`lead-${bob}`)!.kid).toBe(kid);
    expect([...sealing.erased]).toEqual([`lead-${bob}`]);
    rewriteLog(db, sealing.keys);
    expect((await readOpened(`lead-${bob}`))[0]!.data).toMatchObject({
      name: null,
      erased: { reason: 'asked' },
    });
  });

  it('refuses a log whose chain is broken, rather than recompute it over the break', async () => {
    await writeOldLog();
    db.prepare('UPDATE events SET data = ? WHERE position = 2').run(
      JSON.stringify({ pipelineId: 'default', name: 'Altered' }),
    );
    const before = rows();
    expect(scanLog(db).broken).toEqual([{ streamId: 'pipeline-default', revision: 0 }]);
    await expect(seal()).rejects.toThrow(/does not hold \(pipeline-default at revision 0\)/);
    expect(rows()).toEqual(before);
  });

  it('refuses a title change in a deal stream that names no lead', async () => {
    const orphan = randomUUID();
    await store.appendToStream(`deal-${orphan}`, [
      event('DealTitleChanged', { dealId: orphan, from: 'Ada', to: 'Ada L.' }),
    ]);
    expect(scanLog(db).unattributed).toEqual([{ position: 1, streamId: `deal-${orphan}` }]);
    await expect(seal()).rejects.toThrow(SealRefusedError);
  });

  it('writes nothing when the log changed after the keys were made, or when anything fails before the commit', async () => {
    await writeOldLog();
    const sealing = await sealingKeysOf(scanLog(db), keys);
    await store.appendToStream(`lead-${randomUUID()}`, [
      event('LeadCaptured', { leadId: 'x', name: 'Late Comer', email: 'late@example.com', tags: [] }),
    ]);
    const before = rows();
    expect(() => rewriteLog(db, sealing.keys)).toThrow(/the log changed while it was being sealed/);
    expect(rows()).toEqual(before);

    const complete = await sealingKeysOf(scanLog(db), keys);
    expect(() =>
      rewriteLog(db, complete.keys, () => {
        throw new Error('the disk is full');
      }),
    ).toThrow('the disk is full');
    expect(rows()).toEqual(before);
    expect(SEALED in (JSON.parse(rows()[0]!.data) as object)).toBe(false);
  });
});

describe('The signed record of a rewrite', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const key = { privateKey, keyId: keyIdOf(publicKey) };
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const tree = { size: 2, rootHash: 'a'.repeat(64) };
  const rewrite = {
    subjects: ['lead-1'],
    before: { events: 2, streams: 1, chainHeads: '1'.repeat(64), tree },
    after: { events: 2, streams: 1, chainHeads: '2'.repeat(64), tree: { ...tree, rootHash: 'b'.repeat(64) } },
    changes: [
      {
        position: '1',
        streamId: 'lead-1',
        revision: 0,
        hashBefore: 'c'.repeat(64),
        hashAfter: 'd'.repeat(64),
        sealed: true,
      },
      {
        position: '2',
        streamId: 'lead-1',
        revision: 1,
        hashBefore: 'e'.repeat(64),
        hashAfter: 'f'.repeat(64),
        sealed: false,
      },
    ],
  } as unknown as LogRewrite;
  const record = signSealRecord(
    sealRecordOf(rewrite, {
      sealedAt: '2026-03-01T10:00:00.000Z',
      erasedSubjects: 0,
      readModelsReset: ['merkle-tree'],
      keyId: key.keyId,
    }),
    key,
  );

  it('counts what changed and states the log before and after, hashes only', () => {
    expect(record).toMatchObject({
      format: SEAL_RECORD_FORMAT,
      events: 2,
      sealedEvents: 1,
      streams: 1,
      subjects: 1,
      log: { events: 2, streams: 1 },
      chainHeads: { before: '1'.repeat(64), after: '2'.repeat(64) },
      tree: { before: tree, after: { size: 2, rootHash: 'b'.repeat(64) } },
      keyId: key.keyId,
    });
  });

  it('verifies with the public key of the key that signed it, and with no other, unaltered', () => {
    expect(verifySealRecord(record, pem)).toBe(true);
    expect(verifySealRecord(JSON.parse(JSON.stringify(record)), pem)).toBe(true);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifySealRecord(record, other)).toBe(false);
    expect(verifySealRecord({ ...record, events: 1 }, pem)).toBe(false);
    expect(verifySealRecord({ ...record, changes: record.changes.slice(1) }, pem)).toBe(false);
    expect(verifySealRecord({ ...record, signature: undefined }, pem)).toBe(false);
    expect(verifySealRecord(null, pem)).toBe(false);
  });
});

describe('npm run personal-data:seal on a data directory', () => {
  let root: string;
  const config = () =>
    loadConfig({
      DATA_DIR: join(root, 'data'),
      MASTER_KEY_FILE: join(root, 'keys', 'master.key'),
      SIGNING_KEY_FILE: join(root, 'keys', 'signing.key'),
    });
  const audit = () => join(root, 'data', 'audit');

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'seal-log-dir-'));
    const db = openSqliteDatabase(join(root, 'data', 'events.sqlite'));
    const store = new SqliteEventStore(db);
    await store.appendToStream(`lead-${ada}`, [
      event('LeadCaptured', { leadId: ada, name: 'Ada Lovelace', email: 'ada@example.com', tags: [] }),
    ]);
    await store.close();
    db.close();
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('seals, signs, and then has nothing to do', async () => {
    const lines: string[] = [];
    const sealed = await sealPersonalData(config(), (line) => lines.push(line));
    expect(sealed.kind).toBe('sealed');
    expect(lines.join('\n')).not.toContain('Ada Lovelace');
    expect(readdirSync(audit())).toEqual([expect.stringMatching(/^log-sealed-.*\.json$/)]);
    expect(readFileSync(join(root, 'data', 'events.sqlite')).includes('Ada Lovelace')).toBe(false);
    expect(await sealPersonalData(config())).toEqual({ kind: 'nothing-to-seal', events: 1 });
  });

  it('finishes a run that stopped after its rewrite was committed, and drops the pending record of one rolled back', async () => {
    const first = await sealPersonalData(config());
    if (first.kind === 'nothing-to-seal') throw new Error('expected a rewrite');
    // As if the run had stopped right after its commit: the pending record is there, the signed one is not.
    const { signature: _signature, ...unsigned } = first.record;
    unlinkSync(first.file);
    const pending = join(audit(), 'log-sealing.pending.json');
    writeFileSync(pending, JSON.stringify(unsigned));
    const resumed = await sealPersonalData(config());
    expect(resumed).toMatchObject({ kind: 'completed', record: first.record, file: first.file });
    expect(existsSync(pending)).toBe(false);
    expect(existsSync(first.file)).toBe(true);

    // A pending record whose rewrite is not in the log (its transaction rolled back) is removed, nothing else.
    writeFileSync(
      pending,
      JSON.stringify({ ...unsigned, changes: [{ ...unsigned.changes[0]!, hashAfter: 'f'.repeat(64) }] }),
    );
    expect(await sealPersonalData(config())).toMatchObject({ kind: 'nothing-to-seal' });
    expect(readdirSync(audit())).toEqual([first.file.slice(audit().length + 1)]);
  });

  it('refuses EventStoreDB, whose log cannot be rewritten, and a data directory without a log', async () => {
    const esdb = loadConfig({
      DATA_DIR: join(root, 'data'),
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
    });
    await expect(sealPersonalData(esdb)).rejects.toThrow(UsageError);
    await expect(sealPersonalData(esdb)).rejects.toThrow(/cannot be rewritten.*What to do instead/s);
    await expect(sealPersonalData(loadConfig({ DATA_DIR: join(root, 'elsewhere') }))).rejects.toThrow(
      /there is no event log/,
    );
  });
});
