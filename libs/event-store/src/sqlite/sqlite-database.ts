import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) a SQLite database set up for durable writes: WAL journal with
 * synchronous=FULL, so a committed transaction is on disk before the commit returns (better-sqlite3 would
 * otherwise leave WAL at NORMAL, which can lose the last commits on power loss). The busy timeout lets
 * several processes (an API and a projector) share the file.
 */
export function openSqliteDatabase(
  file: string,
  options: {
    readonly busyTimeoutMs?: number;
    /**
     * FULL (the default) for anything that acknowledges a write. NORMAL only for data that can be rebuilt (read
     * models): WAL keeps every transaction atomic either way, and after a power loss NORMAL may only have lost
     * the last transactions whole, which a projection then simply redoes from its older checkpoint.
     */
    readonly synchronous?: 'FULL' | 'NORMAL';
    /** Page size for a new file (an existing file keeps its own): larger pages suit large documents. */
    readonly pageSize?: number;
  } = {},
): SqliteDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (options.pageSize !== undefined) db.pragma(`page_size = ${Math.floor(options.pageSize)}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      throw new Error(`could not switch ${file} to WAL mode (it is in ${String(mode)} mode)`);
    }
    const synchronous = options.synchronous ?? 'FULL';
    db.pragma(`synchronous = ${synchronous}`);
    if (db.pragma('synchronous', { simple: true }) !== (synchronous === 'FULL' ? 2 : 1)) {
      throw new Error(`could not set synchronous=${synchronous} on ${file}`);
    }
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
