import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreUnavailableError, openSqliteDatabase, type SqliteDatabase } from '@app/event-store';
import { DataKeyStore, type DataKeyRecord, type Erasure } from './data-key-store.port';

/** The key store's file in the data directory. */
export const DATA_KEYS_FILE = 'data-keys.sqlite';

interface DataKeyRow {
  subject: string;
  wrapped: Buffer | null;
  created_at: string | null;
  erased_at: string | null;
  erased_reason: string | null;
}

interface PendingCreate {
  readonly subject: string;
  readonly wrapped: Buffer;
  readonly createdAt: string;
  readonly resolve: (record: DataKeyRecord) => void;
  readonly reject: (error: unknown) => void;
}

export interface SqliteDataKeyStoreStats {
  /** Creates answered (a key written, or the record found in its place). */
  readonly creates: number;
  /** Write transactions of creates: fewer than creates when group commit coalesced them. */
  readonly transactions: number;
  /** Destructions after which a copy of the key was still found in the files, and the database was rewritten. */
  readonly vacuums: number;
}

/**
 * A rowid table: rows are appended at the end of the table's b-tree and never deleted (a tombstone is an update
 * that shrinks its row in place, its old bytes zeroed by secure_delete), so a key's cell stays in the page it
 * was written to. A b-tree rebalancing, which moves cells between pages, does not clear the space a moved cell
 * leaves behind; the search after each destruction is there to catch what this reasoning might miss.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS data_keys (
    subject       TEXT PRIMARY KEY,
    wrapped       BLOB,
    created_at    TEXT,
    erased_at     TEXT,
    erased_reason TEXT,
    CHECK ((wrapped IS NOT NULL AND created_at IS NOT NULL AND erased_at IS NULL AND erased_reason IS NULL)
        OR (wrapped IS NULL AND created_at IS NULL AND erased_at IS NOT NULL AND erased_reason IS NOT NULL))
  );
`;

const MAX_CREATES_PER_TRANSACTION = 1000;
/** Attempts at truncating the WAL after a destruction, while another connection's read holds it. */
const CHECKPOINT_ATTEMPTS = 6;
const SCAN_CHUNK_BYTES = 1 << 20;
/** A destroyed key is searched for in pieces of 16 bytes every 8: any run of 23 of its bytes is found. */
const PIECE_BYTES = 16;
const PIECE_STEP = 8;

const toRecord = (row: DataKeyRow): DataKeyRecord =>
  row.wrapped !== null
    ? { subject: row.subject, wrapped: row.wrapped, createdAt: row.created_at! }
    : { subject: row.subject, erased: { at: row.erased_at!, reason: row.erased_reason! } };

/**
 * Data keys in DATA_DIR/data-keys.sqlite, written with synchronous=FULL: a key is on disk before any event sealed
 * with it can be acknowledged.
 *
 * Group commit: creates requested in the same turn of the event loop are written in one transaction (one fsync),
 * as appends to the event store are; captures arrive concurrently, and a transaction per key would halve their
 * throughput.
 *
 * Destruction: with secure_delete on, the overwritten key is zeroed in its page; the WAL is then checkpointed
 * and truncated, so the key's bytes are neither in the database file nor in its WAL. Then the files are searched
 * for them (any run of 23 bytes of the key): should a copy be found anyway, the database is rewritten (VACUUM)
 * and searched again.
 * What the files no longer hold may still linger in the free blocks of the file system or in backups of the
 * data directory; it is useless there without the master key that wrapped it.
 */
export class SqliteDataKeyStore extends DataKeyStore {
  private readonly statements: ReturnType<SqliteDataKeyStore['prepare']>;
  private queue: PendingCreate[] = [];
  private flushScheduled = false;
  private closed = false;
  private counters = { creates: 0, transactions: 0, vacuums: 0 };

  constructor(private readonly db: SqliteDatabase) {
    super();
    db.pragma('secure_delete = ON');
    if (db.pragma('secure_delete', { simple: true }) !== 1) {
      throw new Error(`could not set secure_delete on ${db.name}`);
    }
    db.exec(SCHEMA);
    this.statements = this.prepare(db);
  }

  /** Opens DATA_DIR/data-keys.sqlite (creating it if needed); the store owns the connection. */
  static open(dataDir: string): SqliteDataKeyStore {
    return new SqliteDataKeyStore(openSqliteDatabase(join(dataDir, DATA_KEYS_FILE)));
  }

  private prepare(db: SqliteDatabase) {
    return {
      find: db.prepare<[string], DataKeyRow>(
        'SELECT * FROM data_keys WHERE subject IN (SELECT value FROM json_each(?))',
      ),
      get: db.prepare<[string], DataKeyRow>('SELECT * FROM data_keys WHERE subject = ?'),
      insert: db.prepare<[string, Buffer, string]>(
        'INSERT INTO data_keys (subject, wrapped, created_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING',
      ),
      erase: db.prepare<[string, string, string]>(
        `UPDATE data_keys SET wrapped = NULL, created_at = NULL, erased_at = ?, erased_reason = ?
         WHERE subject = ? AND erased_at IS NULL`,
      ),
      tombstone: db.prepare<[string, string, string]>(
        'INSERT INTO data_keys (subject, erased_at, erased_reason) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING',
      ),
    };
  }

  find(subjects: readonly string[]): Promise<Map<string, DataKeyRecord>> {
    return this.run(() => {
      const found = new Map<string, DataKeyRecord>();
      if (subjects.length === 0) return found;
      for (const row of this.statements.find.all(JSON.stringify(subjects)))
        found.set(row.subject, toRecord(row));
      return found;
    });
  }

  create(subject: string, wrapped: Buffer, createdAt: string): Promise<DataKeyRecord> {
    try {
      this.assertOpen();
      assertSubject(subject);
      if (!Buffer.isBuffer(wrapped) || wrapped.length === 0)
        throw new TypeError('a wrapped key is a non-empty Buffer');
      if (typeof createdAt !== 'string' || createdAt.length === 0)
        throw new TypeError('createdAt is a timestamp');
    } catch (error) {
      return Promise.reject(asError(error));
    }
    return new Promise<DataKeyRecord>((resolve, reject) => {
      this.queue.push({ subject, wrapped, createdAt, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue.splice(0, MAX_CREATES_PER_TRANSACTION);
    if (this.queue.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    let records: DataKeyRecord[];
    try {
      records = this.db
        .transaction(() =>
          batch.map(({ subject, wrapped, createdAt }) => {
            this.statements.insert.run(subject, wrapped, createdAt);
            return toRecord(this.statements.get.get(subject)!);
          }),
        )
        .immediate();
    } catch (error) {
      const failure = new StoreUnavailableError(`the data key store could not write: ${describe(error)}`, {
        cause: error,
      });
      for (const create of batch) create.reject(failure);
      return;
    }
    this.counters.transactions += 1;
    this.counters.creates += batch.length;
    batch.forEach((create, i) => create.resolve(records[i]!));
  }

  /** Fresh keys in one transaction (one fsync): their ids are new, so the inserts need no reading back. */
  override createFresh(
    keys: readonly { readonly subject: string; readonly wrapped: Buffer }[],
    createdAt: string,
  ): Promise<void> {
    return this.run(() => {
      this.db
        .transaction(() => {
          for (const { subject, wrapped } of keys) this.statements.insert.run(subject, wrapped, createdAt);
        })
        .immediate();
      this.counters.transactions += 1;
      this.counters.creates += keys.length;
    });
  }

  async destroy(subject: string, erased: Erasure): Promise<void> {
    this.assertOpen();
    assertSubject(subject);
    if (typeof erased?.at !== 'string' || typeof erased.reason !== 'string') {
      throw new TypeError('an erasure has a time and a reason');
    }
    const destroyed = this.db
      .transaction(() => {
        const row = this.statements.get.get(subject);
        if (row) this.statements.erase.run(erased.at, erased.reason, subject);
        else this.statements.tombstone.run(subject, erased.at, erased.reason);
        return row?.wrapped ?? null;
      })
      .immediate();
    await this.truncateWal(subject);
    if (destroyed === null || this.db.memory) return;
    if (!(await this.filesHold(destroyed))) return;
    // A copy survived somewhere in the files (a page this store did not write, say): rewrite the database.
    this.counters.vacuums += 1;
    this.db.exec('VACUUM');
    await this.truncateWal(subject);
    if (await this.filesHold(destroyed)) {
      throw new Error(`the data key of ${subject} is erased, but its bytes are still in ${this.db.name}`);
    }
  }

  /** Copies the WAL into the database and empties it; retried while another connection's read pins it. */
  private async truncateWal(subject: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      if (result?.busy === 0) return;
      if (attempt === CHECKPOINT_ATTEMPTS) {
        throw new Error(
          `the data key of ${subject} is erased, but the WAL of ${this.db.name} could not be truncated (a long ` +
            'read on another connection?): erase again to finish',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    }
  }

  /** Whether the database file, its WAL or its shared-memory index hold a run of these bytes, read raw. */
  private async filesHold(bytes: Buffer): Promise<boolean> {
    const pieces = piecesOf(bytes);
    for (const file of [this.db.name, `${this.db.name}-wal`, `${this.db.name}-shm`]) {
      if (await fileContainsAny(file, pieces)) return true;
    }
    return false;
  }

  stats(): SqliteDataKeyStoreStats {
    return { ...this.counters };
  }

  /** Waits for queued creates, then closes the database. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.flushScheduled) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.closed = true;
    if (this.db.open) this.db.close();
  }

  private run<T>(fn: () => T): Promise<T> {
    try {
      this.assertOpen();
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the data key store is closed');
  }
}

/**
 * The overlapping pieces of a key whose search finds any run of at least PIECE_BYTES + PIECE_STEP - 1 of its
 * bytes (not only the whole key): what a page rewritten around a deleted cell could leave.
 */
function piecesOf(bytes: Buffer): Buffer[] {
  if (bytes.length <= PIECE_BYTES) return [bytes];
  const pieces: Buffer[] = [];
  for (let at = 0; at + PIECE_BYTES < bytes.length; at += PIECE_STEP)
    pieces.push(bytes.subarray(at, at + PIECE_BYTES));
  pieces.push(bytes.subarray(bytes.length - PIECE_BYTES));
  return pieces;
}

/** Searches a file's raw bytes for any of `needles`, a chunk at a time (a match across two chunks included). */
export async function fileContainsAny(file: string, needles: readonly Buffer[]): Promise<boolean> {
  let handle;
  try {
    handle = await openFile(file, 'r');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return false;
    throw error;
  }
  try {
    const overlap = Math.max(0, ...needles.map((n) => n.length - 1));
    const buffer = Buffer.alloc(SCAN_CHUNK_BYTES + overlap);
    let kept = 0;
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, kept, SCAN_CHUNK_BYTES, position);
      if (bytesRead === 0) return false;
      position += bytesRead;
      const filled = kept + bytesRead;
      const window = buffer.subarray(0, filled);
      if (needles.some((needle) => window.includes(needle))) return true;
      kept = Math.min(overlap, filled);
      buffer.copy(buffer, 0, filled - kept, filled);
    }
  } finally {
    await handle.close();
  }
}

function assertSubject(subject: string): void {
  if (typeof subject !== 'string' || subject.length === 0)
    throw new TypeError('a data key belongs to a subject');
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
