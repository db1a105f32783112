import type { SqliteDatabase } from '@app/event-store';
import type Database from 'better-sqlite3';
import type { CountQuery, Doc, FindQuery, IndexSpec, Projection } from '../projection';
import {
  type Checkpoint,
  CheckpointMovedError,
  ReadStore,
  type ReadStoreCommit,
  type SnapshotReader,
} from '../read-store.port';

type Statement = Database.Statement<unknown[]>;

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
const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;

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

  private createCollection(name: string, indexes: readonly IndexSpec[]): void {
    if (!NAME.test(name)) throw new Error(`"${name}" is not a valid collection name`);
    const table = `doc_${name}`;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    const existing = new Set(this.columns(table).map((c) => c.name));
    const fields: string[] = [];
    const multi = new Map<string, string>();
    for (const index of indexes) {
      if (!FIELD.test(index.field)) throw new Error(`"${index.field}" is not a valid field name`);
      if (index.after) continue;
      if (index.multi) {
        const side = `${table}__${index.field}`;
        this.db.exec(
          `CREATE TABLE IF NOT EXISTS ${side} (value TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (value, id)) WITHOUT ROWID;` +
            `CREATE INDEX IF NOT EXISTS ${side}_id ON ${side} (id)`,
        );
        multi.set(index.field, side);
      } else {
        const column = `f_${index.field}`;
        if (!existing.has(column)) {
          // A field indexed later: fill its column from the documents already there.
          this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
          this.db.exec(`UPDATE ${table} SET ${column} = json_extract(doc, '$.${index.field}')`);
        }
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${table}_${index.field} ON ${table} (${column}, id)`);
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
      this.db.exec(
        `CREATE INDEX IF NOT EXISTS ${table}__${keys.join('__')} ON ${table} (${keys.map((k) => `f_${k}`).join(', ')}, id)`,
      );
    }
    const columns = fields.map((field) => `f_${field}`);
    const upsert =
      `INSERT INTO ${table} (${['id', 'doc', ...columns].join(', ')}) VALUES (${['?', '?', ...columns.map(() => '?')].join(', ')}) ` +
      `ON CONFLICT (id) DO UPDATE SET ${['doc', ...columns].map((c) => `${c} = excluded.${c}`).join(', ')}`;
    this.collections.set(name, { table, fields: new Set(fields), indexed: fields, multi, upsert });
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
    const row = this.statement('SELECT name, position, version FROM checkpoints WHERE name = ?').get(name) as
      { name: string; position: number; version: number } | undefined;
    return Promise.resolve(row && { name: row.name, position: BigInt(row.position), version: row.version });
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
        this.statement(
          'INSERT INTO checkpoints (name, position, version) VALUES (?, ?, ?) ' +
            'ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version',
        ).run(checkpoint.name, Number(checkpoint.position), checkpoint.version);
      }
    })();
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
