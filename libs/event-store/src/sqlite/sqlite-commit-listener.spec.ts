import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEvent } from '../testing/event-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { type SqliteCommit, SqliteEventStore } from './sqlite-event-store';

describe('SqliteEventStore.onCommitted', () => {
  let dir: string;
  let db: ReturnType<typeof openSqliteDatabase>;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'event-store-commits-'));
    db = openSqliteDatabase(join(dir, 'events.sqlite'));
    store = new SqliteEventStore(db);
  });
  afterEach(async () => {
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells each group commit: how many appends it held and how long each waited', async () => {
    const commits: SqliteCommit[] = [];
    store.onCommitted((commit) => commits.push(commit));
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.appendToStream(`test-${i}`, [newEvent()])));
    await store.appendToStream('test-0', [newEvent()]);

    expect(commits.reduce((sum, c) => sum + c.appends, 0)).toBe(21);
    expect(commits.length).toBe(store.stats().transactions);
    expect(commits.at(-1)).toMatchObject({ appends: 1, committed: true });
    for (const commit of commits) {
      expect(commit.latenciesMs).toHaveLength(commit.appends);
      for (const latency of commit.latenciesMs) expect(latency).toBeGreaterThanOrEqual(0);
    }
  });

  it('counts a refused append in its commit, and a listener that throws changes no append', async () => {
    const commits: SqliteCommit[] = [];
    store.onCommitted(() => {
      throw new Error('a broken listener');
    });
    store.onCommitted((commit) => commits.push(commit));
    await store.appendToStream('test-a', [newEvent()]);
    await expect(
      store.appendToStream('test-a', [newEvent()], { expectedRevision: 'no_stream' }),
    ).rejects.toThrow();
    expect(await store.readStream('test-a')).toHaveLength(1);
    expect(commits.map((c) => c.appends)).toEqual([1, 1]);
  });

  it('stops telling a listener once it unsubscribed', async () => {
    const commits: SqliteCommit[] = [];
    const unsubscribe = store.onCommitted((commit) => commits.push(commit));
    await store.appendToStream('test-a', [newEvent()]);
    unsubscribe();
    await store.appendToStream('test-a', [newEvent()]);
    expect(commits).toHaveLength(1);
  });
});
