import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '@app/event-store';
import { describeReadStoreContract } from '../testing/read-store.contract';
import type { Projection } from '../projection';
import { shadowCheckpointName, shadowCollectionName } from '../read-store.port';
import { SqliteReadStore } from './sqlite-read-store';

describeReadStoreContract('SQLite', {
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-store-'));
    const file = join(dir, 'read-models.sqlite');
    const writer = openSqliteDatabase(file);
    const reader = openSqliteDatabase(file);
    const store = new SqliteReadStore(writer, reader);
    return Promise.resolve({
      store,
      dispose: async () => {
        await store.close();
        reader.close();
        writer.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
});

describe('SQLite read store layout', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-layout-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const projection = (indexes: Projection['collections'][number]['indexes']): Projection => ({
    name: 'things',
    version: 1,
    collections: [{ name: 'things', indexes }],
    touches: () => [],
    evolve: () => [],
  });

  it('rebuilds a projection whose tables have the earlier layout (columns generated from the JSON)', async () => {
    const db = openSqliteDatabase(join(dir, 'read-models.sqlite'));
    db.exec(
      'CREATE TABLE doc_things (id TEXT PRIMARY KEY, doc TEXT NOT NULL);' +
        "ALTER TABLE doc_things ADD COLUMN f_kind GENERATED ALWAYS AS (json_extract(doc, '$.kind')) VIRTUAL;" +
        'CREATE INDEX doc_things_kind ON doc_things (f_kind, id);' +
        'CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL, version INTEGER NOT NULL);' +
        `INSERT INTO doc_things (id, doc) VALUES ('a', '{"id":"a","kind":"x"}');` +
        "INSERT INTO checkpoints VALUES ('things', 7, 1);",
    );
    const store = new SqliteReadStore(db);
    await store.prepare([projection([{ field: 'kind' }])]);

    expect(await store.checkpoint('things')).toBeUndefined();
    expect(await store.get('things', 'a')).toBeUndefined();
    await store.commit({
      changes: [{ collection: 'things', id: 'b', doc: { id: 'b', kind: 'y' } }],
      checkpoints: [{ name: 'things', position: 1n, version: 1, from: 0n }],
    });
    expect(await store.find('things', { where: { kind: 'y' } })).toEqual([{ id: 'b', kind: 'y' }]);
    db.close();
  });

  it('fills the column of a field indexed later from the documents already there', async () => {
    const db = openSqliteDatabase(join(dir, 'read-models.sqlite'));
    const store = new SqliteReadStore(db);
    await store.prepare([projection([{ field: 'kind' }])]);
    await store.commit({
      changes: [
        { collection: 'things', id: 'a', doc: { id: 'a', kind: 'x', open: true } },
        { collection: 'things', id: 'b', doc: { id: 'b', kind: 'x', open: false } },
      ],
      checkpoints: [],
    });
    const later = new SqliteReadStore(db);
    await later.prepare([projection([{ field: 'kind' }, { field: 'open' }])]);
    expect(await later.find('things', { where: { open: true } })).toEqual([
      { id: 'a', kind: 'x', open: true },
    ]);
    await later.commit({
      changes: [{ collection: 'things', id: 'c', doc: { id: 'c', kind: 'z', open: true } }],
      checkpoints: [],
    });
    expect((await later.find('things', { where: { open: true } })).map((d) => d.id)).toEqual(['a', 'c']);
    db.close();
  });
});

describe('SQLite read store: swapping a shadow in', () => {
  let dir: string;
  let writer: ReturnType<typeof openSqliteDatabase>;
  let readerDb: ReturnType<typeof openSqliteDatabase>;
  let store: SqliteReadStore;
  const things = (version: number): Projection => ({
    name: 'things',
    version,
    collections: [
      {
        name: 'things',
        indexes: [
          { field: 'kind' },
          { field: 'rank' },
          { field: 'tags', multi: true },
          { field: 'rank', after: ['kind'] },
        ],
      },
    ],
    touches: () => [],
    evolve: () => [],
  });
  const thing = (i: number, version: number) => ({
    id: `t${i}`,
    kind: i % 2 === 0 ? 'even' : 'odd',
    rank: i,
    tags: [`v${version}`],
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-swap-'));
    writer = openSqliteDatabase(join(dir, 'read-models.sqlite'));
    readerDb = openSqliteDatabase(join(dir, 'read-models.sqlite'));
    store = new SqliteReadStore(writer, readerDb);
    await store.prepare([things(1)]);
    await store.commit({
      changes: [0, 1, 2, 3].map((i) => ({ collection: 'things', id: `t${i}`, doc: thing(i, 1) })),
      checkpoints: [{ name: 'things', position: 4n, version: 1 }],
    });
    await store.prepareShadow(things(2));
    await store.commit({
      changes: [0, 1, 2, 3, 4, 5].map((i) => ({
        collection: shadowCollectionName('things'),
        id: `t${i}`,
        doc: thing(i, 2),
      })),
      checkpoints: [{ name: shadowCheckpointName('things'), position: 6n, version: 2, from: 0n }],
    });
  });
  afterEach(async () => {
    await store.close();
    readerDb.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Per table: the column lists of its indexes (whatever their names), sorted. */
  const indexesOf = (table: string) =>
    (writer.pragma(`index_list(${table})`) as { name: string; origin: string }[])
      .filter((index) => index.origin === 'c')
      .map((index) =>
        (writer.pragma(`index_info(${index.name})`) as { name: string }[]).map((c) => c.name).join(', '),
      )
      .sort();
  const tables = () =>
    writer
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];

  it('puts the shadow tables in place with the indexes they were built with, none twice, and queries use them', async () => {
    const liveTables = tables().filter((name) => !name.includes('shadow'));
    const mainIndexes = indexesOf('doc_things');
    const sideIndexes = indexesOf('doc_things__tags');
    expect(mainIndexes).toEqual(['f_kind, f_rank, id', 'f_kind, id', 'f_rank, id']);
    await store.swapShadow(things(2), 6n);
    expect(tables()).toEqual(liveTables);
    // A later start prepares the same collections: it finds the indexes, under the shadow's names.
    await new SqliteReadStore(writer).prepare([things(2)]);
    expect(indexesOf('doc_things')).toEqual(mainIndexes);
    expect(indexesOf('doc_things__tags')).toEqual(sideIndexes);
    const plan = writer
      .prepare('EXPLAIN QUERY PLAN SELECT doc FROM doc_things WHERE f_kind = ? ORDER BY f_rank DESC, id DESC')
      .all('odd') as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).toMatch(/USING INDEX \w+/);
    expect(plan.map((row) => row.detail).join(' ')).not.toContain('TEMP B-TREE');
    expect(
      await store.snapshot((reader) =>
        reader.find('things', { where: { kind: 'odd' }, orderBy: { field: 'rank', direction: 'desc' } }),
      ),
    ).toEqual([thing(5, 2), thing(3, 2), thing(1, 2)]);
    // A later shadow swaps in the same way.
    await store.prepareShadow(things(3));
    await store.commit({
      changes: [{ collection: shadowCollectionName('things'), id: 't9', doc: thing(9, 3) }],
      checkpoints: [{ name: shadowCheckpointName('things'), position: 7n, version: 3, from: 0n }],
    });
    await store.swapShadow(things(3), 7n);
    expect(tables()).toEqual(liveTables);
    expect(indexesOf('doc_things')).toEqual(mainIndexes);
    expect(await store.snapshot((reader) => reader.find('things', { where: { tags: 'v3' } }))).toEqual([
      thing(9, 3),
    ]);
  });

  it('a query already reading on the reader connection sees the old documents to its end, the next the new', async () => {
    const seen = await store.snapshot(async (reader) => {
      const first = await reader.find('things', { where: { tags: 'v1' } });
      await store.swapShadow(things(2), 6n);
      const second = await reader.find('things', { where: { kind: 'even' } });
      return { first, second, checkpoint: await reader.checkpoint('things') };
    });
    expect(seen.first).toHaveLength(4);
    expect(seen.second).toEqual([thing(0, 1), thing(2, 1)]);
    expect(seen.checkpoint).toEqual({ name: 'things', position: 4n, version: 1 });
    expect(await store.snapshot((reader) => reader.find('things', { where: { tags: 'v2' } }))).toHaveLength(
      6,
    );
    expect(await store.snapshot((reader) => reader.checkpoint('things'))).toEqual({
      name: 'things',
      position: 6n,
      version: 2,
    });
  });
});
