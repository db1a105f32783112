import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '@app/event-store';
import { describeOnMongoDb } from '../testing/mongodb-contract';
import { MongoDataKeyStore } from './mongodb-data-key-store';
import { DATA_KEYS_FILE, SqliteDataKeyStore } from './sqlite-data-key-store';
import { describeDataKeyStoreContract, newSubject, wrappedKey } from './testing/data-key-store.contract';

describeDataKeyStoreContract('SQLite (a file in the data directory, two connections)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'data-key-store-'));
  const store = SqliteDataKeyStore.open(dir);
  const other = SqliteDataKeyStore.open(dir);
  return Promise.resolve({
    store,
    other,
    close: async () => {
      await store.close();
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

const CREATED = '2026-03-01T10:00:00.000Z';
const ERASED = { at: '2026-03-02T10:00:00.000Z', reason: 'the person asked' };

describe('SqliteDataKeyStore', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'data-key-store-'));
    file = join(dir, DATA_KEYS_FILE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * The store's files that hold any 8 bytes in a row of these keys, read raw: not only a whole key, but also
   * what a page rewritten around a deleted cell would leave of one.
   */
  const filesHolding = (...keys: Buffer[]): string[] => {
    const runs = new Set<bigint>();
    for (const key of keys) for (let i = 0; i + 8 <= key.length; i++) runs.add(key.readBigUInt64BE(i));
    return ['', '-wal', '-shm']
      .map((suffix) => `${file}${suffix}`)
      .filter((f) => {
        if (!existsSync(f)) return false;
        const bytes = readFileSync(f);
        for (let i = 0; i + 8 <= bytes.length; i++) if (runs.has(bytes.readBigUInt64BE(i))) return true;
        return false;
      });
  };

  it('writes the creates of one event-loop turn in one transaction', async () => {
    const store = SqliteDataKeyStore.open(dir);
    const subjects = Array.from({ length: 50 }, () => newSubject());
    const records = await Promise.all(subjects.map((s) => store.create(s, wrappedKey(), CREATED)));
    expect(records.map((r) => r.subject)).toEqual(subjects);
    expect(store.stats()).toMatchObject({ creates: 50, transactions: 1 });
    await store.create(newSubject(), wrappedKey(), CREATED);
    expect(store.stats()).toMatchObject({ creates: 51, transactions: 2 });
    await store.close();
  });

  it('has a key on disk once create resolves: another connection opened afterwards reads it', async () => {
    const store = SqliteDataKeyStore.open(dir);
    const subject = newSubject();
    const wrapped = wrappedKey();
    await store.create(subject, wrapped, CREATED);
    const later = SqliteDataKeyStore.open(dir);
    expect((await later.find([subject])).get(subject)).toEqual({ subject, wrapped, createdAt: CREATED });
    await later.close();
    await store.close();
  });

  it('sets synchronous=FULL and secure_delete on its connection', () => {
    const db = openSqliteDatabase(file);
    const store = new SqliteDataKeyStore(db);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    return store.close();
  });

  it('leaves no byte of a destroyed key in the database file, its WAL or its shared memory', async () => {
    const store = SqliteDataKeyStore.open(dir);
    const other = SqliteDataKeyStore.open(dir);
    const [subject, neighbour] = [newSubject(), newSubject()];
    const [wrapped, kept] = [wrappedKey(), wrappedKey()];
    await store.create(subject, wrapped, CREATED);
    await store.create(neighbour, kept, CREATED);
    await other.find([subject]); // another connection has read the page that holds it
    expect(filesHolding(wrapped)).not.toEqual([]); // the check below can fail

    await store.destroy(subject, ERASED);

    expect(filesHolding(wrapped)).toEqual([]);
    expect(filesHolding(kept)).not.toEqual([]);
    expect((await other.find([neighbour])).get(neighbour)).toMatchObject({ wrapped: kept });
    expect(store.stats().vacuums).toBe(0);
    await other.close();
    await store.close();
  });

  it('leaves no stale copy of destroyed keys in a store of many pages', async () => {
    const store = SqliteDataKeyStore.open(dir);
    const keys = new Map<string, Buffer>();
    for (let batch = 0; batch < 6; batch++) {
      // Subjects in random order, as lead ids of many clients arrive.
      const made = Array.from({ length: 500 }, () => [randomUUID(), wrappedKey()] as const);
      await Promise.all(made.map(([s, w]) => store.create(s, w, CREATED)));
      for (const [s, w] of made) keys.set(s, w);
    }
    const all = [...keys.entries()];
    const doomed = all.filter((_, i) => i % 29 === 0);
    expect(filesHolding(doomed[0]![1])).not.toEqual([]);
    for (const [subject] of doomed) await store.destroy(subject, ERASED);

    expect(filesHolding(...doomed.map(([, wrapped]) => wrapped))).toEqual([]);
    const found = await store.find(all.map(([s]) => s));
    expect(found.size).toBe(all.length);
    for (const [subject, wrapped] of all.filter((_, i) => i % 29 !== 0)) {
      expect(found.get(subject)).toMatchObject({ wrapped });
    }
    expect(store.stats().vacuums).toBe(0); // pages were never rebuilt around the keys
    await store.close();
  });

  it('rewrites the database when a copy of the destroyed key survives somewhere in its file', async () => {
    const store = SqliteDataKeyStore.open(dir);
    const subject = newSubject();
    const wrapped = wrappedKey();
    await store.create(subject, wrapped, CREATED);
    // A copy in a freed page, as a connection without secure_delete leaves it.
    const careless = openSqliteDatabase(file);
    careless.pragma('secure_delete = OFF');
    careless.exec('CREATE TABLE scratch (b BLOB)');
    careless.prepare('INSERT INTO scratch VALUES (?)').run(Buffer.concat([randomBytes(3000), wrapped]));
    careless.exec('DROP TABLE scratch');
    careless.pragma('wal_checkpoint(TRUNCATE)');
    careless.close();

    await store.destroy(subject, ERASED);

    expect(store.stats().vacuums).toBe(1);
    expect(filesHolding(wrapped)).toEqual([]);
    await store.close();
  });

  it('says so when a long read keeps it from truncating the WAL, and finishes when erased again', async () => {
    const store = new SqliteDataKeyStore(openSqliteDatabase(file, { busyTimeoutMs: 20 }));
    const subject = newSubject();
    const wrapped = wrappedKey();
    await store.create(subject, wrapped, CREATED);
    const reader = openSqliteDatabase(file);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM data_keys').get();

    await expect(store.destroy(subject, ERASED)).rejects.toThrow('erase again to finish');
    expect((await store.find([subject])).get(subject)).toEqual({ subject, erased: ERASED });

    reader.exec('COMMIT');
    reader.close();
    await store.destroy(subject, { at: '2026-03-03T10:00:00.000Z', reason: 'again' });
    expect(filesHolding(wrapped)).toEqual([]);
    expect((await store.find([subject])).get(subject)).toEqual({ subject, erased: ERASED });
    await store.close();
  });

  it('refuses calls once closed, after finishing the creates it had queued', async () => {
    const store = SqliteDataKeyStore.open(dir);
    const subject = newSubject();
    const pending = store.create(subject, wrappedKey(), CREATED);
    await store.close();
    await expect(pending).resolves.toMatchObject({ subject });
    await expect(store.find([subject])).rejects.toThrow('closed');
    await expect(store.create(newSubject(), wrappedKey(), CREATED)).rejects.toThrow('closed');
  });
});

describeOnMongoDb(
  'DataKeyStore contract',
  describeDataKeyStoreContract,
  (url, database) => MongoDataKeyStore.connect(url, database),
  'data_key_store_test',
);
