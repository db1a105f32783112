import { randomBytes } from 'node:crypto';
import { DataKeys, KEY_POOL_BATCH } from './data-keys';
import { openJson, sealJson } from './envelope';
import { KeyUnwrapError, KeyWrapper, LocalKeyWrapper } from './key-wrapper';
import { InMemoryDataKeyStore } from './testing/in-memory-data-key-store';

const NOW = '2026-03-01T10:00:00.000Z';
const ERASURE = { at: '2026-03-02T10:00:00.000Z', reason: 'the person asked (GDPR Art. 17)' };

/** A wrapper that counts its unwraps. */
class CountingWrapper extends KeyWrapper {
  unwraps = 0;
  constructor(private readonly inner: KeyWrapper) {
    super();
  }
  get id(): string {
    return this.inner.id;
  }
  wrap(dataKey: Buffer, subject: string): Promise<Buffer> {
    return this.inner.wrap(dataKey, subject);
  }
  unwrap(wrapped: Buffer, subject: string): Promise<Buffer> {
    this.unwraps += 1;
    return this.inner.unwrap(wrapped, subject);
  }
}

describe('DataKeys', () => {
  const master = randomBytes(32);
  let store: InMemoryDataKeyStore;
  let wrapper: CountingWrapper;
  let keys: DataKeys;
  beforeEach(() => {
    store = new InMemoryDataKeyStore();
    wrapper = new CountingWrapper(new LocalKeyWrapper(master));
    keys = new DataKeys(store, wrapper, () => NOW);
  });

  it('hands out fresh keys made ahead: KEY_POOL_BATCH of them stored wrapped in one go, each once', async () => {
    const first = await keys.freshKey();
    expect(first.key).toHaveLength(32);
    expect(first.kid).toMatch(/^key-[0-9a-f-]{36}$/);
    const record = (await store.find([first.kid])).get(first.kid);
    expect(record).toMatchObject({ subject: first.kid, createdAt: NOW });
    const wrapped = (record as { wrapped: Buffer }).wrapped;
    expect(wrapped.includes(first.key.subarray(0, 8))).toBe(false); // never in clear in the store
    // The whole batch is durable before the first key is handed out.
    expect(store.size()).toBe(KEY_POOL_BATCH);
    const many = await Promise.all(Array.from({ length: 50 }, () => keys.freshKey()));
    const kids = new Set([first, ...many].map((fresh) => fresh.kid));
    expect(kids.size).toBe(51);
    expect(new Set([first, ...many].map((fresh) => fresh.key.toString('hex'))).size).toBe(51);
  });

  it('opens with the key it sealed with, from another handle on the same store', async () => {
    const { kid, key } = await keys.freshKey();
    const envelope = sealJson(key, { name: 'Grace Hopper' }, 'aad');
    const opening = (await new DataKeys(store, new LocalKeyWrapper(master)).openingKeys([kid])).get(kid);
    expect(Buffer.isBuffer(opening)).toBe(true);
    expect(openJson(opening as Buffer, envelope, 'aad')).toEqual({ name: 'Grace Hopper' });
  });

  it('maps each id to its key or its erasure, in one look-up, each distinct id unwrapped once', async () => {
    const [k1, k2, k3] = [await keys.freshKey(), await keys.freshKey(), await keys.freshKey()];
    await keys.erase(k3.kid, ERASURE);
    store.finds = 0;
    wrapper.unwraps = 0;
    const opening = await keys.openingKeys([k1.kid, k2.kid, k3.kid, 'key-unknown', k1.kid, k2.kid]);
    expect(store.finds).toBe(1);
    expect(wrapper.unwraps).toBe(2);
    expect([...opening.keys()].sort()).toEqual([k1.kid, k2.kid, k3.kid].sort());
    expect(opening.get(k1.kid)).toEqual(k1.key);
    expect(opening.get(k2.kid)).toEqual(k2.key);
    expect(opening.get(k3.kid)).toEqual({ erased: ERASURE });
    expect(opening.has('key-unknown')).toBe(false);
    expect((await keys.openingKeys([])).size).toBe(0);
  });

  it('keeps no key from one call to the next: an erasure by another process holds at once', async () => {
    const { kid } = await keys.freshKey();
    expect(Buffer.isBuffer((await keys.openingKeys([kid])).get(kid))).toBe(true);
    await new DataKeys(store, new LocalKeyWrapper(master)).erase(kid, ERASURE);
    expect((await keys.openingKeys([kid])).get(kid)).toEqual({ erased: ERASURE });
  });

  it('keeps the first erasure when erased twice, and leaves a tombstone for an id that never had a key', async () => {
    const { kid } = await keys.freshKey();
    await keys.erase(kid, ERASURE);
    await keys.erase(kid, { at: '2026-03-09T10:00:00.000Z', reason: 'again' });
    expect((await keys.openingKeys([kid])).get(kid)).toEqual({ erased: ERASURE });
    await keys.erase('key-never-made', ERASURE);
    expect((await keys.openingKeys(['key-never-made'])).get('key-never-made')).toEqual({ erased: ERASURE });
  });

  it('fails loudly, not with empty data, when the master key is not the one that wrapped the keys', async () => {
    const { kid } = await keys.freshKey();
    const stranger = new DataKeys(store, new LocalKeyWrapper(randomBytes(32)));
    await expect(stranger.openingKeys([kid])).rejects.toThrow('is MASTER_KEY_FILE the right file?');
    await expect(stranger.openingKeys([kid])).rejects.toThrow(KeyUnwrapError);
  });

  it('stamps new keys with the current time by default', async () => {
    const before = new Date().toISOString();
    const { kid } = await new DataKeys(store, wrapper).freshKey();
    const record = (await store.find([kid])).get(kid) as { createdAt: string };
    expect(record.createdAt >= before && record.createdAt <= new Date().toISOString()).toBe(true);
  });
});
