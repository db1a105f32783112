import Database from 'better-sqlite3';
import { SqliteAsOfSnapshots } from './sqlite-as-of-snapshots';
import { VersionCache } from './version-cache';

const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T00:00:00.000Z`;
const bucket = (id: string, count: number) => ({ id, count });
const byId = (docs: { id: string }[] | undefined) =>
  docs && [...docs].sort((a, b) => a.id.localeCompare(b.id));

describe('VersionCache', () => {
  let db: InstanceType<typeof Database>;
  let snapshots: SqliteAsOfSnapshots;
  const cut = (snapshot: number, changes: { id: string; doc: { id: string; count: number } | null }[]) =>
    snapshots.cut({
      projection: 'funnel',
      cut: { snapshot, position: BigInt(snapshot * 10), cutTime: at(snapshot + 1), earliest: at(snapshot) },
      changes: changes.map((change) => ({ collection: 'buckets', ...change })),
    });

  beforeEach(async () => {
    db = new Database(':memory:');
    snapshots = new SqliteAsOfSnapshots(db);
    await snapshots.restart('funnel', 1);
    await cut(1, [{ id: 'a', doc: bucket('a', 1) }]);
  });
  afterEach(() => db.close());

  it('answers a collection at any snapshot as the store does, snapshots cut after it was first read included', async () => {
    const cache = new VersionCache(snapshots);
    expect(await cache.all('funnel', 1, 'buckets', 1)).toEqual([bucket('a', 1)]);
    await cut(2, [
      { id: 'a', doc: bucket('a', 2) },
      { id: 'b', doc: bucket('b', 1) },
    ]);
    await cut(3, [{ id: 'a', doc: null }]);
    for (const snapshot of [3, 1, 2]) {
      expect(byId(await cache.all('funnel', 1, 'buckets', snapshot))).toEqual(
        byId(await snapshots.all('funnel', 'buckets', snapshot)),
      );
    }
    expect(await cache.all('funnel', 1, 'buckets', 3)).toEqual([bucket('b', 1)]);
  });

  it("forgets what it held of a projection's earlier generation", async () => {
    const cache = new VersionCache(snapshots);
    expect(await cache.all('funnel', 1, 'buckets', 1)).toEqual([bucket('a', 1)]);
    await snapshots.restart('funnel', 2);
    await cut(1, [{ id: 'c', doc: bucket('c', 7) }]);
    expect(await cache.all('funnel', 2, 'buckets', 1)).toEqual([bucket('c', 7)]);
  });

  it('holds no collection with more versions than it may hold: the store answers for it', async () => {
    const cache = new VersionCache(snapshots, 2);
    await cut(2, [
      { id: 'a', doc: bucket('a', 2) },
      { id: 'b', doc: bucket('b', 1) },
    ]);
    expect(await cache.all('funnel', 1, 'buckets', 1)).toEqual([bucket('a', 1)]);
    expect(await cache.all('funnel', 1, 'buckets', 2)).toBeUndefined();
  });
});
