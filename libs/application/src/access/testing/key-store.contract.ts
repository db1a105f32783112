import type { KeyStore, StoredKey } from '../key-store.port';

/** A key as a test writes it; every call a new id and secret hash. */
let made = 0;
export function storedKey(overrides: Partial<StoredKey> = {}): StoredKey {
  made += 1;
  const n = String(made).padStart(12, '0');
  return {
    keyId: `00000000-0000-4000-8000-${n}`,
    name: `key ${made}`,
    roles: ['sales'],
    commands: false,
    actOnBehalf: false,
    personalData: false,
    secretHash: made.toString(16).padStart(64, '0'),
    issuedAt: `2026-03-01T10:00:${String(made % 60).padStart(2, '0')}.000Z`,
    revokedAt: null,
    active: false,
    ...overrides,
  };
}

/**
 * What every key store must do, for the embedded SQLite store and MongoDB alike. `open` gives an empty store
 * (and a second handle on the same one, as another API process would have).
 */
export function describeKeyStoreContract(
  name: string,
  open: () => Promise<{
    readonly store: KeyStore;
    readonly other: KeyStore;
    readonly close: () => Promise<void>;
  }>,
): void {
  describe(`KeyStore contract: ${name}`, () => {
    let store: KeyStore;
    let other: KeyStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, other, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    it('writes a key inactive, finds it by its secret hash and id, and lists it only once active', async () => {
      const key = storedKey({ roles: ['service'], commands: true, personalData: true });
      await store.add(key);
      expect(await store.bySecretHash(key.secretHash)).toEqual({ ...key, active: false });
      expect(await store.list()).toEqual([]);
      await store.activate(key.keyId);
      expect(await store.get(key.keyId)).toEqual({ ...key, active: true });
      expect(await store.list()).toEqual([{ ...key, active: true }]);
      expect(await store.bySecretHash('f'.repeat(64))).toBeUndefined();
      expect(await store.get('00000000-0000-4000-8000-ffffffffffff')).toBeUndefined();
    });

    it('refuses a second key with the same secret hash', async () => {
      const key = storedKey();
      await store.add(key);
      await expect(store.add(storedKey({ secretHash: key.secretHash }))).rejects.toThrow();
    });

    it('adds the first key only to an empty store', async () => {
      const first = storedKey();
      expect(await store.addFirst(first)).toBe(true);
      expect(await other.addFirst(storedKey())).toBe(false);
      expect((await store.bySecretHash(first.secretHash))?.keyId).toBe(first.keyId);
    });

    it('discards a key that never became active, and only such a key', async () => {
      const [pending, used] = [storedKey(), storedKey()];
      await store.add(pending);
      await store.add(used);
      await store.activate(used.keyId);
      await store.discard(pending.keyId);
      await store.discard(used.keyId);
      expect(await store.get(pending.keyId)).toBeUndefined();
      expect((await store.get(used.keyId))?.active).toBe(true);
    });

    it('revokes a key for every handle on the store, keeping the first revocation time', async () => {
      const key = storedKey();
      await store.add(key);
      await store.activate(key.keyId);
      expect((await other.bySecretHash(key.secretHash))?.revokedAt).toBeNull();
      await store.revoke(key.keyId, '2026-03-02T10:00:00.000Z');
      await store.revoke(key.keyId, '2026-03-03T10:00:00.000Z');
      expect((await store.get(key.keyId))?.revokedAt).toBe('2026-03-02T10:00:00.000Z');
      // Another process's handle sees it on its next lookup.
      expect((await other.bySecretHash(key.secretHash))?.revokedAt).toBe('2026-03-02T10:00:00.000Z');
    });
  });
}
