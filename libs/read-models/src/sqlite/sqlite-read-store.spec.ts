import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '@app/event-store';
import { describeReadStoreContract } from '../testing/read-store.contract';
import type { Projection } from '../projection';
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
