import { START, type SqliteDatabase, openSqliteDatabase } from '@app/event-store';
import type { Doc } from '../projection';
import {
  AsOfSnapshots,
  type DocVersion,
  type KeptProjection,
  type SnapshotCut,
  type SnapshotPlan,
  type SnapshotWrite,
} from './as-of-snapshots.port';

interface KeptRow {
  readonly projection: string;
  readonly version: number;
  readonly generation: number;
}

interface CutRow {
  readonly snapshot: number;
  readonly position: string;
  readonly cut_time: string;
  readonly earliest: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS kept (
    projection TEXT PRIMARY KEY, version INTEGER NOT NULL, generation INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS cuts (
    projection TEXT NOT NULL, snapshot INTEGER NOT NULL, position TEXT NOT NULL,
    cut_time TEXT NOT NULL, earliest TEXT NOT NULL,
    PRIMARY KEY (projection, snapshot)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS cuts_by_time ON cuts (projection, cut_time, snapshot);
  CREATE TABLE IF NOT EXISTS versions (
    projection TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL, snapshot INTEGER NOT NULL, doc TEXT,
    PRIMARY KEY (projection, collection, id, snapshot)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS versions_by_snapshot ON versions (projection, collection, snapshot);
`;

const toCut = (row: CutRow): SnapshotCut => ({
  snapshot: row.snapshot,
  position: BigInt(row.position),
  cutTime: row.cut_time,
  earliest: row.earliest,
});

const toKept = (row: KeptRow): KeptProjection => ({
  name: row.projection,
  version: row.version,
  generation: row.generation,
});

/**
 * Snapshots on SQLite, in a file of their own (the service's DATA_DIR/as-of-snapshots.sqlite): the versions of
 * each document keyed by (projection, collection, id, snapshot), a tombstone being a NULL document; a cut's
 * versions and row in one transaction. The file is derived from the log and rebuilt when dropped, so it is
 * opened with synchronous=NORMAL: a power loss can only lose the last cuts whole.
 */
export class SqliteAsOfSnapshots extends AsOfSnapshots {
  private readonly statements;

  /** @param ownsDatabase close the connection on close */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly ownsDatabase = false,
  ) {
    super();
    db.exec(SCHEMA);
    this.statements = {
      kept: db.prepare<[], KeptRow>('SELECT projection, version, generation FROM kept'),
      keptOf: db.prepare<[string], KeptRow>(
        'SELECT projection, version, generation FROM kept WHERE projection = ?',
      ),
      upsertKept: db.prepare<[string, number, number]>(
        'INSERT INTO kept (projection, version, generation) VALUES (?, ?, ?) ' +
          'ON CONFLICT (projection) DO UPDATE SET version = excluded.version, generation = excluded.generation',
      ),
      deleteKept: db.prepare<[string]>('DELETE FROM kept WHERE projection = ?'),
      deleteCuts: db.prepare<[string]>('DELETE FROM cuts WHERE projection = ?'),
      deleteVersions: db.prepare<[string]>('DELETE FROM versions WHERE projection = ?'),
      lastCut: db.prepare<[string], CutRow>(
        'SELECT snapshot, position, cut_time, earliest FROM cuts WHERE projection = ? ORDER BY snapshot DESC LIMIT 1',
      ),
      baseCut: db.prepare<[string, string, number], CutRow>(
        'SELECT snapshot, position, cut_time, earliest FROM cuts WHERE projection = ? AND cut_time <= ? AND snapshot <= ? ' +
          'ORDER BY cut_time DESC, snapshot DESC LIMIT 1',
      ),
      reachCut: db.prepare<[string, string, number], CutRow>(
        'SELECT snapshot, position, cut_time, earliest FROM cuts WHERE projection = ? AND earliest <= ? AND snapshot <= ? ' +
          'ORDER BY snapshot DESC LIMIT 1',
      ),
      discardAbove: db.prepare<[string, number]>(
        'DELETE FROM versions WHERE projection = ? AND snapshot > ?',
      ),
      insertVersion: db.prepare<[string, string, string, number, string | null]>(
        'INSERT OR REPLACE INTO versions (projection, collection, id, snapshot, doc) VALUES (?, ?, ?, ?, ?)',
      ),
      insertCut: db.prepare<[string, number, string, string, string]>(
        'INSERT INTO cuts (projection, snapshot, position, cut_time, earliest) VALUES (?, ?, ?, ?, ?)',
      ),
      version: db.prepare<[string, string, string, number], { doc: string | null }>(
        'SELECT doc FROM versions WHERE projection = ? AND collection = ? AND id = ? AND snapshot <= ? ' +
          'ORDER BY snapshot DESC LIMIT 1',
      ),
      versions: db.prepare<
        [string, string, number, number, number],
        { id: string; snapshot: number; doc: string | null }
      >(
        'SELECT id, snapshot, doc FROM versions WHERE projection = ? AND collection = ? AND snapshot > ? ' +
          'AND snapshot <= ? ORDER BY snapshot LIMIT ?',
      ),
      // The row with the highest snapshot of each group gives the group's bare columns (SQLite's MAX rule).
      all: db.prepare<[string, string, number], { doc: string | null; snapshot: number }>(
        'SELECT doc, MAX(snapshot) AS snapshot FROM versions WHERE projection = ? AND collection = ? ' +
          'AND snapshot <= ? GROUP BY id',
      ),
    };
  }

  kept(): Promise<KeptProjection[]> {
    return Promise.resolve(this.statements.kept.all().map(toKept));
  }

  keptOf(name: string): Promise<KeptProjection | undefined> {
    const row = this.statements.keptOf.get(name);
    return Promise.resolve(row ? toKept(row) : undefined);
  }

  restart(name: string, version: number): Promise<KeptProjection> {
    return Promise.resolve(
      this.db.transaction(() => {
        const generation = (this.statements.keptOf.get(name)?.generation ?? 0) + 1;
        this.dropAll(name);
        this.statements.upsertKept.run(name, version, generation);
        return { name, version, generation };
      })(),
    );
  }

  forget(name: string): Promise<void> {
    this.db.transaction(() => {
      this.dropAll(name);
      this.statements.deleteKept.run(name);
    })();
    return Promise.resolve();
  }

  lastCut(name: string): Promise<SnapshotCut | undefined> {
    const row = this.statements.lastCut.get(name);
    return Promise.resolve(row ? toCut(row) : undefined);
  }

  discardUncut(name: string): Promise<void> {
    this.statements.discardAbove.run(name, this.statements.lastCut.get(name)?.snapshot ?? 0);
    return Promise.resolve();
  }

  cut(...writes: readonly SnapshotWrite[]): Promise<void> {
    this.db.transaction(() => {
      for (const write of writes) this.write(write);
    })();
    return Promise.resolve();
  }

  private write({ projection, cut, changes }: SnapshotWrite): void {
    for (const { collection, id, doc } of changes) {
      const json = doc === null ? null : JSON.stringify(doc);
      this.statements.insertVersion.run(projection, collection, id, cut.snapshot, json);
    }
    const { snapshot, position, cutTime, earliest } = cut;
    this.statements.insertCut.run(projection, snapshot, position.toString(), cutTime, earliest);
  }

  plan(name: string, until: string): Promise<SnapshotPlan | undefined> {
    const keptRow = this.statements.keptOf.get(name);
    if (!keptRow) return Promise.resolve(undefined);
    // The latest cut first: the keeper may cut more meanwhile, and the plan must not look past this one.
    const lastRow = this.statements.lastCut.get(name);
    const upTo = lastRow?.snapshot ?? 0;
    const baseRow = this.statements.baseCut.get(name, until, upTo);
    const reachRow = this.statements.reachCut.get(name, until, upTo);
    const base = baseRow ? toCut(baseRow) : undefined;
    const reach =
      reachRow && reachRow.snapshot > (base?.snapshot ?? 0)
        ? BigInt(reachRow.position)
        : (base?.position ?? START);
    return Promise.resolve({
      kept: toKept(keptRow),
      base,
      reach,
      last: lastRow ? toCut(lastRow) : undefined,
    });
  }

  getMany(
    name: string,
    collection: string,
    ids: readonly string[],
    snapshot: number,
  ): Promise<Map<string, Doc>> {
    const found = new Map<string, Doc>();
    for (const id of new Set(ids)) {
      const doc = this.statements.version.get(name, collection, id, snapshot)?.doc;
      if (doc) found.set(id, JSON.parse(doc) as Doc);
    }
    return Promise.resolve(found);
  }

  all(name: string, collection: string, snapshot: number): Promise<Doc[]> {
    const docs: Doc[] = [];
    for (const { doc } of this.statements.all.iterate(name, collection, snapshot)) {
      if (doc) docs.push(JSON.parse(doc) as Doc);
    }
    return Promise.resolve(docs);
  }

  versions(
    name: string,
    collection: string,
    after: number,
    upTo: number,
    limit: number,
  ): Promise<DocVersion[]> {
    return Promise.resolve(
      this.statements.versions.all(name, collection, after, upTo, limit).map(({ id, snapshot, doc }) => ({
        id,
        snapshot,
        doc: doc === null ? null : (JSON.parse(doc) as Doc),
      })),
    );
  }

  /** Opens (creating it if need be) the snapshots file; closing the store closes it. */
  static open(file: string): SqliteAsOfSnapshots {
    const db = openSqliteDatabase(file, { synchronous: 'NORMAL', pageSize: 8192 });
    // Cuts write many small versions at once: a larger page cache and write-ahead log, as the read store has.
    db.pragma('cache_size = -32768');
    db.pragma('wal_autocheckpoint = 4000');
    return new SqliteAsOfSnapshots(db, true);
  }

  close(): Promise<void> {
    if (this.ownsDatabase && this.db.open) this.db.close();
    return Promise.resolve();
  }

  private dropAll(name: string): void {
    this.statements.deleteCuts.run(name);
    this.statements.deleteVersions.run(name);
  }
}
