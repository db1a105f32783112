import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIdConflictError } from '../errors';
import { describeEventStoreContract, newEvent } from '../testing/event-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';

function openTemp() {
  const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
  const file = join(dir, 'events.sqlite');
  const db = openSqliteDatabase(file);
  const store = new SqliteEventStore(db);
  return {
    dir,
    file,
    db,
    store,
    dispose: async () => {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeEventStoreContract('SQLite', {
  open: () => Promise.resolve(openTemp()),
  gaplessPositions: true,
});

describe('SqliteEventStore', () => {
  let temp: ReturnType<typeof openTemp>;
  beforeEach(() => {
    temp = openTemp();
  });
  afterEach(async () => {
    await temp.dispose();
  });

  it('runs in WAL mode with synchronous=FULL', () => {
    expect(temp.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(temp.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('coalesces concurrent appends into few transactions (group commit)', async () => {
    const before = temp.store.stats();
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => temp.store.appendToStream(`test-${i % 30}`, [newEvent()])),
    );
    const after = temp.store.stats();
    expect(after.appends - before.appends).toBe(300);
    expect(after.transactions - before.transactions).toBeLessThanOrEqual(3);
  });

  it('keeps each append of a group all-or-nothing when another in the group is refused', async () => {
    await temp.store.appendToStream('test-a', [newEvent()]);
    const [ok, refused, alsoOk] = await Promise.allSettled([
      temp.store.appendToStream('test-b', [newEvent(), newEvent()], { expectedRevision: 'no_stream' }),
      temp.store.appendToStream('test-a', [newEvent(), newEvent()], { expectedRevision: 'no_stream' }),
      temp.store.appendToStream('test-a', [newEvent()], { expectedRevision: 0 }),
    ]);
    expect(ok.status).toBe('fulfilled');
    expect(refused.status).toBe('rejected');
    expect(alsoOk.status).toBe('fulfilled');
    expect((await temp.store.readStream('test-a')).map((e) => e.revision)).toEqual([0, 1]);
    expect(await temp.store.headPosition()).toBe(4n);
  });

  it('refuses an append that reuses some event ids of an earlier one', async () => {
    const a = newEvent();
    const b = newEvent();
    await temp.store.appendToStream('test-x', [a]);
    await expect(temp.store.appendToStream('test-x', [a, b])).rejects.toBeInstanceOf(EventIdConflictError);
    await expect(temp.store.appendToStream('test-y', [a])).rejects.toBeInstanceOf(EventIdConflictError);
    await expect(temp.store.appendToStream('test-x', [b, a])).rejects.toBeInstanceOf(EventIdConflictError);
    expect(await temp.store.readStream('test-x')).toHaveLength(1);
    expect(await temp.store.readStream('test-y')).toHaveLength(0);
  });

  it('keeps everything across a reopen of the file', async () => {
    const events = [newEvent(), newEvent()];
    const result = await temp.store.appendToStream('test-keep', events);
    await temp.store.close();
    temp.db.close();

    const db = openSqliteDatabase(temp.file);
    const reopened = new SqliteEventStore(db);
    try {
      expect((await reopened.readStream('test-keep')).map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(await reopened.headPosition()).toBe(result.position);
      const next = await reopened.appendToStream('test-keep', [newEvent()], { expectedRevision: 1 });
      expect(next.position).toBe(result.position + 1n);
    } finally {
      await reopened.close();
      db.close();
      temp.db = openSqliteDatabase(temp.file);
      temp.store = new SqliteEventStore(temp.db);
    }
  });
});
