import { type Position, START, type SqliteDatabase } from '@app/event-store';
import type Database from 'better-sqlite3';
import type { CollectionSpec, CountQuery, Doc, FindQuery, IndexSpec, Projection } from '../projection';
import {
  type Checkpoint,
  CheckpointMovedError,
  ReadStore,
  type ReadStoreCommit,
  type SnapshotReader,
  shadowCheckpointName,
  shadowCollectionName,
} from '../read-store.port';

type Statement = Database.Statement<unknown[]>;

const INDEX_NAMED = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?";
const TABLE_NAMED = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";

const UPSERT_CHECKPOINT =
  'INSERT INTO checkpoints (name, position, version) VALUES (?, ?, ?) ' +
  'ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version';

interface CollectionTables {
  readonly table: string;
  /** Indexed scalar fields, each a column (f_<field>) written beside the document. */
  readonly fields: ReadonlySet<string>;
  readonly indexed: readonly string[];
  /** Indexed array fields, each in a side table of (id, value). */
  readonly multi: ReadonlyMap<string, string>;
  /** Writes the document and its indexed columns. */
  readonly upsert: string;
}

/** An indexed field's column value, as SQLite's json_extract would give it (booleans as 0/1). */
function columnValue(value: unknown): string | number | bigint | null {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
    case 'object':
      return value === null ? null : JSON.stringify(value);
  }
}

const NAME = /^[a-z][a-z0-9_]*$/;
/** A shadow collection (shadowCollectionName): its tables start with doc__, which no live one's do. */
const SHADOW = /^_shadow_[a-z][a-z0-9_]*$/;
const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The table of a collection's documents. */
const tableOf = (collection: string): string => `doc_${collection}`;
/** Where a swap puts a collection's table while it is dropped: apart from live and shadow tables. */
const retiredTableOf = (collection: string): string => `doc__retired_${collection}`;
/** The array fields of a collection, each with a side table. */
const arrayFieldsOf = (spec: CollectionSpec): string[] =>
  spec.indexes.filter((index) => index.multi && !index.after).map((index) => index.field);
/** The side table of a collection's array field: (value, id) for each element. */
const sideTableOf = (table: string, field: string): string => `${table}__${field}`;

/**
 * The embedded read store on SQLite: one table per collection (id, JSON document), each indexed field in a
 * column of its own written beside the document, with an index, array fields in side tables, and the checkpoints table; each commit is
 * one transaction (WAL; the service opens it with synchronous=NORMAL, as the documents can be rebuilt).
 */
export class SqliteReadStore extends ReadStore {
  private readonly collections = new Map<string, CollectionTables>();
  private readonly statements = new Map<string, Statement>();
  private snapshots: Promise<unknown> = Promise.resolve();
  private readonly reader: SqliteReadStore | undefined;

  /**
   * @param db the connection projections write with
   * @param readerDb a second connection to the same file for snapshot queries: a read transaction on it sees
   *   one commit, whatever the writer does meanwhile
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly readerDb?: SqliteDatabase,
  ) {
    super();
    this.reader = readerDb ? new SqliteReadStore(readerDb) : undefined;
    db.exec(
      'CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL, version INTEGER NOT NULL)',
    );
  }

  prepare(projections: readonly Projection[]): Promise<void> {
    this.db.transaction(() => {
      for (const projection of projections) {
        this.dropEarlierLayout(projection);
        // What a swap cut short by a crash had put aside.
        for (const spec of projection.collections)
          this.dropTables(retiredTableOf(spec.name), arrayFieldsOf(spec));
        for (const spec of projection.collections) this.createCollection(spec.name, spec.indexes);
      }
    })();
    return this.reader ? this.reader.prepare(projections) : Promise.resolve();
  }

  /** Snapshot queries take turns on the reader connection, each inside its own read transaction. */
  snapshot<T>(query: (reader: SnapshotReader) => Promise<T>): Promise<T> {
    const store = this.reader ?? this;
    const run = async () => {
      store.db.exec('BEGIN');
      try {
        return await query(store);
      } finally {
        store.db.exec('COMMIT');
      }
    };
    const result = this.snapshots.then(run, run);
    this.snapshots = result.catch(() => undefined);
    return result;
  }

  /** Creates a collection's table, the columns of its indexed fields, the side tables of its array fields, and the indexes. */
  private createCollection(name: string, indexes: readonly IndexSpec[]): void {
    if (!NAME.test(name) && !SHADOW.test(name)) throw new Error(`"${name}" is not a valid collection name`);
    const table = tableOf(name);
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    const existing = new Set(this.columns(table).map((c) => c.name));
    const fields: string[] = [];
    const multi = new Map<string, string>();
    for (const index of indexes) {
      if (!FIELD.test(index.field)) throw new Error(`"${index.field}" is not a valid field name`);
      if (index.after) continue;
      if (index.multi) {
        const side = sideTableOf(table, index.field);
        this.db.exec(
          `CREATE TABLE IF NOT EXISTS ${side} (value TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (value, id)) WITHOUT ROWID`,
        );
        this.ensureIndex(side, ['id'], `${side}_id`);
        multi.set(index.field, side);
      } else {
        const column = `f_${index.field}`;
        if (!existing.has(column)) {
          // A field indexed later: fill its column from the documents already there.
          this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
          this.db.exec(`UPDATE ${table} SET ${column} = json_extract(doc, '$.${index.field}')`);
        }
        this.ensureIndex(table, [column, 'id'], `${table}_${index.field}`);
        fields.push(index.field);
      }
    }
    for (const index of indexes) {
      if (!index.after) continue;
      const keys = [...index.after, index.field];
      if (index.multi || keys.some((key) => !fields.includes(key))) {
        throw new Error(
          `${name}: an index on ${keys.join(', ')} needs each of them declared as a scalar index`,
        );
      }
      this.ensureIndex(table, [...keys.map((k) => `f_${k}`), 'id'], `${table}__${keys.join('__')}`);
    }
    const columns = fields.map((field) => `f_${field}`);
    const upsert =
      `INSERT INTO ${table} (${['id', 'doc', ...columns].join(', ')}) VALUES (${['?', '?', ...columns.map(() => '?')].join(', ')}) ` +
      `ON CONFLICT (id) DO UPDATE SET ${['doc', ...columns].map((c) => `${c} = excluded.${c}`).join(', ')}`;
    this.collections.set(name, { table, fields: new Set(fields), indexed: fields, multi, upsert });
  }

  /**
   * Creates an index on the columns unless the table has one on them already, whatever its name: a table
   * swapped in from a shadow keeps the indexes it was built with, under the names they had there. A new one
   * is given the name asked for, or the first free one after it (name_2, ...), which the shadow of another
   * table may hold.
   */
  private ensureIndex(table: string, columns: readonly string[], name: string): void {
    const wanted = columns.join(', ');
    const indexes = this.db.pragma(`index_list(${table})`) as { name: string; origin: string }[];
    for (const index of indexes) {
      if (index.origin !== 'c') continue;
      const indexed = this.db.pragma(`index_info(${index.name})`) as { name: string }[];
      if (indexed.map((column) => column.name).join(', ') === wanted) return;
    }
    let free = name;
    for (let n = 2; this.statement(INDEX_NAMED).get(free) !== undefined; n++) free = `${name}_${n}`;
    this.db.exec(`CREATE INDEX ${free} ON ${table} (${wanted})`);
  }

  /**
   * Tables of an earlier layout, whose indexed fields were columns generated from the JSON: the projections
   * owning them lose their documents and checkpoint, and are rebuilt from the log.
   */
  private dropEarlierLayout(projection: Projection): void {
    const earlier = projection.collections.some((spec) =>
      this.columns(`doc_${spec.name}`).some((c) => c.hidden !== 0),
    );
    if (!earlier) return;
    for (const spec of projection.collections) {
      this.db.exec(`DROP TABLE IF EXISTS doc_${spec.name}`);
      for (const index of spec.indexes) {
        if (index.multi) this.db.exec(`DROP TABLE IF EXISTS doc_${spec.name}__${index.field}`);
      }
    }
    this.db.prepare('DELETE FROM checkpoints WHERE name = ?').run(projection.name);
  }

  private columns(table: string): { name: string; hidden: number }[] {
    return this.db.prepare(`PRAGMA table_xinfo(${table})`).all() as { name: string; hidden: number }[];
  }

  get<T extends Doc>(collection: string, id: string): Promise<T | undefined> {
    const { table } = this.tables(collection);
    const row = this.statement(`SELECT doc FROM ${table} WHERE id = ?`).pluck().get(id) as string | undefined;
    return Promise.resolve(row === undefined ? undefined : (JSON.parse(row) as T));
  }

  getMany(collection: string, ids: readonly string[]): Promise<Map<string, Doc>> {
    const { table } = this.tables(collection);
    const found = new Map<string, Doc>();
    const unique = [...new Set(ids)];
    // In chunks, to stay under SQLite's limit on bound parameters.
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      const rows = this.statement(
        `SELECT id, doc FROM ${table} WHERE id IN (${chunk.map(() => '?').join(',')})`,
      ).all(...chunk) as { id: string; doc: string }[];
      for (const row of rows) found.set(row.id, JSON.parse(row.doc) as Doc);
    }
    return Promise.resolve(found);
  }

  find<T extends Doc>(collection: string, query: FindQuery): Promise<T[]> {
    const { table, where, params, order } = this.select(collection, query);
    const limit = query.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(query.limit))}`;
    const rows = this.statement(`SELECT doc FROM ${table}${where}${order}${limit}`)
      .pluck()
      .all(...params) as string[];
    return Promise.resolve(rows.map((row) => JSON.parse(row) as T));
  }

  count(collection: string, query: CountQuery): Promise<number> {
    const { table, where, params } = this.select(collection, query);
    const count = this.statement(`SELECT count(*) FROM ${table}${where}`)
      .pluck()
      .get(...params) as number;
    return Promise.resolve(count);
  }

  /** A query's WHERE and ORDER BY clauses, on the columns of the indexed fields, and their parameters. */
  private select(
    collection: string,
    query: FindQuery,
  ): { table: string; where: string; params: unknown[]; order: string } {
    const tables = this.tables(collection);
    const column = (field: string) => {
      if (field === 'id') return 'id';
      if (!tables.fields.has(field)) throw new Error(`${collection}.${field} is not an indexed field`);
      return `f_${field}`;
    };
    const clauses: string[] = [];
    const params: unknown[] = [];
    for (const [field, value] of Object.entries(query.where ?? {})) {
      const side = tables.multi.get(field);
      if (side) {
        clauses.push(`id IN (SELECT id FROM ${side} WHERE value = ?)`);
        params.push(String(value));
      } else {
        clauses.push(`${column(field)} = ?`);
        params.push(typeof value === 'boolean' ? Number(value) : value);
      }
    }
    if (query.range) {
      const c = column(query.range.field);
      if (query.range.gte !== undefined) {
        clauses.push(`${c} >= ?`);
        params.push(query.range.gte);
      }
      if (query.range.lt !== undefined) {
        clauses.push(`${c} < ?`);
        params.push(query.range.lt);
      }
    }
    let order = '';
    if (query.orderBy) {
      const c = column(query.orderBy.field);
      const direction = query.orderBy.direction === 'asc' ? 'ASC' : 'DESC';
      if (query.after) {
        const op = direction === 'ASC' ? '>' : '<';
        // The bound on the column alone, implied by the tuple comparison, lets the index start at the cursor
        // instead of scanning from the top (and keeps a range on the same column from an OR of two searches).
        clauses.push(`${c} ${op}= ?`, `(${c} ${op} ? OR (${c} = ? AND id ${op} ?))`);
        params.push(query.after.value, query.after.value, query.after.value, query.after.id);
      }
      order = ` ORDER BY ${c} ${direction}, id ${direction}`;
    }
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    return { table: tables.table, where, params, order };
  }

  checkpoint(name: string): Promise<Checkpoint | undefined> {
    return Promise.resolve(this.storedCheckpoint(name));
  }

  commit({ changes, checkpoints }: ReadStoreCommit): Promise<void> {
    // Refusals surface as rejections, as from any other store.
    try {
      this.write(changes, checkpoints);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private write(changes: ReadStoreCommit['changes'], checkpoints: ReadStoreCommit['checkpoints']): void {
    this.db.transaction(() => {
      for (const checkpoint of checkpoints) {
        if (checkpoint.from === undefined) continue;
        const stored = this.statement('SELECT position FROM checkpoints WHERE name = ?')
          .pluck()
          .get(checkpoint.name) as number | undefined;
        const actual = BigInt(stored ?? 0);
        if (actual !== checkpoint.from)
          throw new CheckpointMovedError(checkpoint.name, checkpoint.from, actual);
      }
      for (const change of changes) {
        const { table, multi, indexed, upsert } = this.tables(change.collection);
        const doc = change.doc;
        if (doc === null) {
          this.statement(`DELETE FROM ${table} WHERE id = ?`).run(change.id);
        } else {
          this.statement(upsert).run(
            change.id,
            JSON.stringify(doc),
            ...indexed.map((field) => columnValue(doc[field])),
          );
        }
        for (const [field, side] of multi) {
          this.statement(`DELETE FROM ${side} WHERE id = ?`).run(change.id);
          const values = change.doc?.[field];
          if (Array.isArray(values)) {
            for (const value of new Set(values.map(String))) {
              this.statement(`INSERT INTO ${side} (value, id) VALUES (?, ?)`).run(value, change.id);
            }
          }
        }
      }
      for (const checkpoint of checkpoints) {
        this.statement(UPSERT_CHECKPOINT).run(
          checkpoint.name,
          Number(checkpoint.position),
          checkpoint.version,
        );
      }
    })();
  }

  prepareShadow(projection: Projection): Promise<Checkpoint | undefined> {
    const name = shadowCheckpointName(projection.name);
    const kept = this.db.transaction(() => {
      const stored = this.storedCheckpoint(name);
      const resumable = stored?.version === projection.version ? stored : undefined;
      for (const spec of projection.collections) {
        const shadow = shadowCollectionName(spec.name);
        if (!resumable) this.dropTables(tableOf(shadow), arrayFieldsOf(spec));
        this.createCollection(shadow, spec.indexes);
      }
      if (!resumable) this.statement('DELETE FROM checkpoints WHERE name = ?').run(name);
      return resumable;
    })();
    return Promise.resolve(kept);
  }

  /**
   * One transaction: the live tables are renamed aside and the shadow's renamed in their place, with the
   * indexes they were built with; the checkpoints are moved. Queries on the reader connection go on reading
   * the live documents as they were until it commits (WAL), then the new ones. It writes no document:
   * milliseconds whatever their number. The tables put aside are dropped afterwards, in a transaction of
   * their own (see dropRetired; bench/shadow-swap.ts measures both).
   */
  async swapShadow(projection: Projection, position: Position): Promise<void> {
    const name = shadowCheckpointName(projection.name);
    this.db.transaction(() => {
      const stored = this.storedCheckpoint(name);
      if (stored?.position !== position || stored.version !== projection.version) {
        throw new CheckpointMovedError(name, position, stored?.position ?? START);
      }
      for (const spec of projection.collections) this.swapTables(spec);
      this.statement(UPSERT_CHECKPOINT).run(projection.name, Number(position), projection.version);
      this.statement('DELETE FROM checkpoints WHERE name = ?').run(name);
    })();
    // Queries waiting on this thread answer from the new documents before the old ones are dropped.
    await new Promise((resolve) => setImmediate(resolve));
    this.dropRetired(projection.collections);
  }

  dropShadow(projection: Pick<Projection, 'name' | 'collections'>): Promise<void> {
    this.db.transaction(() => {
      for (const spec of projection.collections) {
        const shadow = shadowCollectionName(spec.name);
        this.dropTables(tableOf(shadow), arrayFieldsOf(spec));
        this.collections.delete(shadow);
      }
      this.statement('DELETE FROM checkpoints WHERE name = ?').run(shadowCheckpointName(projection.name));
    })();
    return Promise.resolve();
  }

  /** Puts a collection's shadow tables in place of its live ones, with the live indexes. */
  private swapTables(spec: CollectionSpec): void {
    const live = tableOf(spec.name);
    const shadow = tableOf(shadowCollectionName(spec.name));
    const retired = retiredTableOf(spec.name);
    const liveFields = [...(this.collections.get(spec.name)?.multi.keys() ?? [])];
    const multi = [...new Set([...arrayFieldsOf(spec), ...liveFields])];
    this.dropTables(retired, multi);
    this.renameTables(live, retired, multi);
    this.renameTables(shadow, live, arrayFieldsOf(spec));
    this.collections.delete(shadowCollectionName(spec.name));
    this.createCollection(spec.name, spec.indexes);
  }

  /** Renames a collection's table and the side tables of these array fields, those that exist. */
  private renameTables(from: string, to: string, multi: readonly string[]): void {
    const exists = (table: string) => this.statement(TABLE_NAMED).get(table) !== undefined;
    if (exists(from)) this.db.exec(`ALTER TABLE ${from} RENAME TO ${to}`);
    for (const field of multi) {
      const side = sideTableOf(from, field);
      if (exists(side)) this.db.exec(`ALTER TABLE ${side} RENAME TO ${sideTableOf(to, field)}`);
    }
  }

  /**
   * Drops the tables a swap put aside: with secure_delete, every page they free is overwritten, which takes
   * about a second per 100,000 documents; hence out of the swap's transaction (and at start, after a crash).
   */
  private dropRetired(collections: readonly CollectionSpec[]): void {
    this.db.transaction(() => {
      for (const spec of collections) this.dropTables(retiredTableOf(spec.name), arrayFieldsOf(spec));
    })();
  }

  /** Drops a collection's table and the side tables of these array fields, when they exist. */
  private dropTables(table: string, multi: readonly string[]): void {
    this.db.exec(`DROP TABLE IF EXISTS ${table}`);
    for (const field of multi) this.db.exec(`DROP TABLE IF EXISTS ${sideTableOf(table, field)}`);
  }

  private storedCheckpoint(name: string): Checkpoint | undefined {
    const row = this.statement('SELECT name, position, version FROM checkpoints WHERE name = ?').get(name) as
      { name: string; position: number; version: number } | undefined;
    return row && { name: row.name, position: BigInt(row.position), version: row.version };
  }

  reset(projection: Pick<Projection, 'name' | 'collections'>): Promise<void> {
    this.db.transaction(() => {
      for (const spec of projection.collections) {
        const { table, multi } = this.tables(spec.name);
        this.db.exec(`DELETE FROM ${table}`);
        for (const side of multi.values()) this.db.exec(`DELETE FROM ${side}`);
      }
      this.statement('DELETE FROM checkpoints WHERE name = ?').run(projection.name);
    })();
    return Promise.resolve();
  }

  /**
   * Folds the WAL back into the database and empties it, so that the pages a purge rewrote are in no file any
   * more (the database zeroes freed space itself when opened with secure_delete, as openReadStore does). A
   * query's read on another connection can pin the WAL for a moment: retried a few times, then left to the
   * next scrub or to closing.
   */
  override async scrub(): Promise<void> {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result?.busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }

  ping(): Promise<void> {
    this.statement('SELECT 1').get();
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.snapshots.then(() => undefined);
  }

  private tables(collection: string): CollectionTables {
    const tables = this.collections.get(collection);
    if (!tables) throw new Error(`collection ${collection} was not prepared`);
    return tables;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
