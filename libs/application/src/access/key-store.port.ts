import type { KeyGrants } from '@app/domain';

/**
 * An API key as the key store keeps it: its grants and the SHA-256 of its secret, never the secret. The store
 * is what every API process asks on every request; the log records who issued and revoked which key.
 */
export interface StoredKey extends KeyGrants {
  readonly keyId: string;
  readonly name: string;
  /** SHA-256 of the secret, hex. Secrets are random (at least 128 bits), so a hash cannot be turned back. */
  readonly secretHash: string;
  readonly issuedAt: string;
  readonly revokedAt: string | null;
  /**
   * False from the moment the key is written until its ApiKeyIssued event is in the log: a key that the log
   * does not know authenticates nothing (a crash between the two leaves only an unusable row).
   */
  readonly active: boolean;
}

/**
 * Where API keys live, shared by every API process of a deployment: a SQLite file in the data directory
 * (embedded) or a MongoDB collection (production). Revocation takes effect on the next lookup, so on every
 * process at once. Every adapter passes testing/key-store.contract.ts.
 */
export abstract class KeyStore {
  /** Writes a new key, inactive. */
  abstract add(key: StoredKey): Promise<void>;
  /** Writes a new key, inactive, only if the store holds no key at all: false when it holds one. */
  abstract addFirst(key: StoredKey): Promise<boolean>;
  /** The key's issue is recorded: it authenticates from now on (unless revoked). */
  abstract activate(keyId: string): Promise<void>;
  /** Removes a key that never became active (its issue was refused). */
  abstract discard(keyId: string): Promise<void>;
  /** Marks the key revoked at this time; a key revoked already keeps its first time. */
  abstract revoke(keyId: string, at: string): Promise<void>;
  abstract bySecretHash(secretHash: string): Promise<StoredKey | undefined>;
  abstract get(keyId: string): Promise<StoredKey | undefined>;
  /** Every active or revoked key, oldest first. */
  abstract list(): Promise<StoredKey[]>;
  abstract close(): Promise<void>;
}
