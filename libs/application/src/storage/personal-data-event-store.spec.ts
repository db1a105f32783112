import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@app/domain';
import {
  type EventStore,
  type NewEvent,
  SqliteEventStore,
  type SqliteDatabase,
  openSqliteDatabase,
  storedRecordOf,
  verifyStream,
} from '@app/event-store';
import { DataKeys } from '../personal-data/data-keys';
import { LocalKeyWrapper } from '../personal-data/key-wrapper';
import { InMemoryDataKeyStore } from '../personal-data/testing/in-memory-data-key-store';
import { ERASED, PersonalDataEventStore, SEALED, keysOf, sealedFieldsOf } from './personal-data-event-store';

const leadId = '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e';
const stream = `lead-${leadId}`;
const subject = `lead-${leadId}`;
const metadata = {
  occurredAt: '2026-03-01T10:00:00.000Z',
  correlationId: 'c',
  causationId: 'c',
  actor: 'grace',
  schemaVersion: 1,
};

const captured = (data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type: 'LeadCaptured',
  data: { leadId, name: 'Ada Lovelace', email: 'ada@example.com', source: 'web_form', tags: [], ...data },
  metadata,
});
const owned = (): NewEvent => ({
  id: randomUUID(),
  type: 'LeadOwnerChanged',
  data: { leadId, from: null, to: 'grace' },
  metadata,
});

describe('PersonalDataEventStore', () => {
  let dir: string;
  let db: SqliteDatabase;
  let sealed: SqliteEventStore;
  let keys: DataKeys;
  let log: EventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealed-log-'));
    db = openSqliteDatabase(join(dir, 'events.sqlite'));
    sealed = new SqliteEventStore(db);
    keys = new DataKeys(new InMemoryDataKeyStore(), new LocalKeyWrapper(randomBytes(32)));
    log = new PersonalDataEventStore(sealed, keys);
  });

  /** Erases the person as the erasure does: every key their events are sealed with. */
  const erase = async (erasure: { at: string; reason: string }) => {
    const kids = keysOf(subject, await sealed.readStream(stream));
    expect(kids).toHaveLength(1);
    for (const kid of kids) await keys.erase(kid, erasure);
  };

  afterEach(async () => {
    await sealed.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends the personal fields sealed and reads them opened, the rest untouched', async () => {
    await log.appendToStream(stream, [captured({ company: 'Analytical Engines' }), owned()]);
    const [stored, owner] = await sealed.readStream(stream);
    expect(Object.keys(stored!.data)).not.toEqual(expect.arrayContaining(['name', 'email', 'company']));
    expect(JSON.stringify(stored!.data)).not.toMatch(/Ada|example\.com|Analytical/);
    expect(sealedFieldsOf(stored!)).toMatchObject({
      subject,
      kid: expect.stringMatching(/^key-/),
      fields: ['name', 'email', 'company'],
    });
    expect(stored!.data).toMatchObject({ leadId, source: 'web_form' });
    expect(owner!.data).toEqual(owned().data);

    const [opened] = await log.readStream(stream);
    expect(opened!.data).toEqual({
      leadId,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      company: 'Analytical Engines',
      source: 'web_form',
      tags: [],
    });
    // The record as stored stays within reach, for hashes and proofs; the chain is over it.
    expect(storedRecordOf(opened!)).toEqual(stored);
    expect(verifyStream((await log.readStream(stream)).map(storedRecordOf))).toEqual({
      verified: true,
      brokenAt: null,
    });
  });

  it('reads the fields null with when and why once the key is erased; the stored bytes and the chain do not change', async () => {
    await log.appendToStream(stream, [captured()]);
    const before = await sealed.readStream(stream);
    const erasure = { at: '2026-03-02T10:00:00.000Z', reason: 'asked' };
    await erase(erasure);

    const [read] = await log.readAll({ maxCount: 10 });
    expect(read!.data).toMatchObject({ leadId, name: null, email: null, [ERASED]: erasure });
    expect(read!.data).not.toHaveProperty(SEALED);
    expect(await sealed.readStream(stream)).toEqual(before);
    expect(verifyStream(before)).toEqual({ verified: true, brokenAt: null });
  });

  it('refuses to write about an erased person, with a domain refusal that writes nothing', async () => {
    await log.appendToStream(stream, [captured()]);
    await erase({ at: '2026-03-02T10:00:00.000Z', reason: 'asked' });
    const head = await sealed.headPosition();
    const refused = log.appendToStream(stream, [
      { ...owned(), type: 'LeadContactCorrected', data: { leadId, field: 'name', from: null, to: 'Ada' } },
    ]);
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'LEAD_ERASED' });
    expect(await sealed.headPosition()).toBe(head);
  });

  it('binds a ciphertext to its event: moved to another event it does not open', async () => {
    await log.appendToStream(stream, [captured(), captured({ name: 'Grace Hopper' })]);
    const [first, second] = await sealed.readStream(stream);
    // An insider swaps the envelopes of two events in the file.
    const update = db.prepare('UPDATE events SET data = ? WHERE event_id = ?');
    update.run(JSON.stringify(second!.data), first!.id);
    await expect(log.readStream(stream)).rejects.toThrow();
  });

  it('reads events written before sealing as they are, and hands on appends with nothing to seal at once', async () => {
    await sealed.appendToStream(stream, [captured({ name: 'Plain Text' })]);
    const [plain] = await log.readStream(stream);
    expect(plain!.data['name']).toBe('Plain Text');
    expect(plain!.asStored).toBeUndefined();

    // Order of appends that seal nothing is the order they were asked in, even when one seals.
    const order: string[] = [];
    await Promise.all([
      log.appendToStream('lead-other', [owned()]).then(() => order.push('first')),
      log.appendToStream('lead-another', [owned()]).then(() => order.push('second')),
    ]);
    expect(order).toEqual(['first', 'second']);
  });
});
