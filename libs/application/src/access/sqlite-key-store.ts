import type { Role } from '@app/domain';
import type { SqliteDatabase } from '@app/event-store';
import { KeyStore, type StoredKey } from './key-store.port';

interface KeyRow {
  key_id: string;
  name: string;
  roles: string;
  commands: number;
  act_on_behalf: number;
  personal_data: number;
  secret_hash: string;
  issued_at: string;
  revoked_at: string | null;
  active: number;
}

const toKey = (row: KeyRow): StoredKey => ({
  keyId: row.key_id,
  name: row.name,
  roles: JSON.parse(row.roles) as Role[],
  commands: row.commands === 1,
  actOnBehalf: row.act_on_behalf === 1,
  personalData: row.personal_data === 1,
  secretHash: row.secret_hash,
  issuedAt: row.issued_at,
  revokedAt: row.revoked_at,
  active: row.active === 1,
});

const toRow = (key: StoredKey): KeyRow => ({
  key_id: key.keyId,
  name: key.name,
  roles: JSON.stringify(key.roles),
  commands: key.commands ? 1 : 0,
  act_on_behalf: key.actOnBehalf ? 1 : 0,
  personal_data: key.personalData ? 1 : 0,
  secret_hash: key.secretHash,
  issued_at: key.issuedAt,
  revoked_at: key.revokedAt,
  active: key.active ? 1 : 0,
});

/** A synchronous statement's outcome as a promise: a failure is a rejection, as from any other store. */
function settled<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

const INSERT = `INSERT INTO api_keys (key_id, name, roles, commands, act_on_behalf, personal_data, secret_hash,
  issued_at, revoked_at, active) VALUES (@key_id, @name, @roles, @commands, @act_on_behalf, @personal_data,
  @secret_hash, @issued_at, @revoked_at, @active)`;

/**
 * Keys in a SQLite file of the data directory (DATA_DIR/access.sqlite), written with synchronous=FULL: a
 * revocation is on disk before it is acknowledged. Every process on the data directory reads the same file,
 * with no cache, so a revocation holds everywhere from the next request on.
 */
export class SqliteKeyStore extends KeyStore {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    super();
    db.exec(`CREATE TABLE IF NOT EXISTS api_keys (
      key_id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      roles TEXT NOT NULL,
      commands INTEGER NOT NULL,
      act_on_behalf INTEGER NOT NULL,
      personal_data INTEGER NOT NULL,
      secret_hash TEXT NOT NULL UNIQUE,
      issued_at TEXT NOT NULL,
      revoked_at TEXT,
      active INTEGER NOT NULL
    )`);
    this.statements = {
      insert: db.prepare<KeyRow>(INSERT),
      any: db.prepare('SELECT 1 FROM api_keys LIMIT 1'),
      activate: db.prepare<[string]>('UPDATE api_keys SET active = 1 WHERE key_id = ?'),
      discard: db.prepare<[string]>('DELETE FROM api_keys WHERE key_id = ? AND active = 0'),
      revoke: db.prepare<[string, string]>(
        'UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL',
      ),
      byHash: db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE secret_hash = ?'),
      get: db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE key_id = ?'),
      list: db.prepare<[], KeyRow>('SELECT * FROM api_keys WHERE active = 1 ORDER BY issued_at, key_id'),
    };
  }

  add(key: StoredKey): Promise<void> {
    return settled(() => void this.statements.insert.run(toRow({ ...key, active: false })));
  }

  addFirst(key: StoredKey): Promise<boolean> {
    const added = this.db
      .transaction(() => {
        if (this.statements.any.get() !== undefined) return false;
        this.statements.insert.run(toRow({ ...key, active: false }));
        return true;
      })
      .immediate();
    return Promise.resolve(added);
  }

  activate(keyId: string): Promise<void> {
    return settled(() => void this.statements.activate.run(keyId));
  }

  discard(keyId: string): Promise<void> {
    return settled(() => void this.statements.discard.run(keyId));
  }

  revoke(keyId: string, at: string): Promise<void> {
    return settled(() => void this.statements.revoke.run(at, keyId));
  }

  bySecretHash(secretHash: string): Promise<StoredKey | undefined> {
    return settled(() => {
      const row = this.statements.byHash.get(secretHash);
      return row && toKey(row);
    });
  }

  get(keyId: string): Promise<StoredKey | undefined> {
    return settled(() => {
      const row = this.statements.get.get(keyId);
      return row && toKey(row);
    });
  }

  list(): Promise<StoredKey[]> {
    return settled(() => this.statements.list.all().map(toKey));
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
