import { randomBytes } from 'node:crypto';
import { DataKeys, PersonalDataErasedError } from './data-keys';
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

  it('makes a subject a key once, stores it wrapped, and gives the same key afterwards', async () => {
    const key = await keys.sealingKey('lead-1');
    expect(key).toHaveLength(32);
    const record = (await store.find(['lead-1'])).get('lead-1');
    expect(record).toMatchObject({ subject: 'lead-1', createdAt: NOW });
    const wrapped = (record as { wrapped: Buffer }).wrapped;
    expect(wrapped.includes(key.subarray(0, 8))).toBe(false); // never in clear in the store
    expect(await keys.sealingKey('lead-1')).toEqual(key);
    expect(await new DataKeys(store, new LocalKeyWrapper(master)).sealingKey('lead-1')).toEqual(key);
    expect(await keys.sealingKey('lead-2')).not.toEqual(key);
  });

  it('gives every concurrent caller the key that won, for the same new subject', async () => {
    const other = new DataKeys(store, new LocalKeyWrapper(master));
    const results = await Promise.all([keys, other, keys, other].map((k) => k.sealingKey('lead-1')));
    for (const key of results) expect(key).toEqual(results[0]);
    expect((await keys.openingKeys(['lead-1'])).get('lead-1')).toEqual(results[0]);
  });

  it('opens with the key it sealed with', async () => {
    const envelope = sealJson(await keys.sealingKey('lead-1'), { name: 'Grace Hopper' }, 'aad');
    const opening = (await keys.openingKeys(['lead-1'])).get('lead-1');
    expect(Buffer.isBuffer(opening)).toBe(true);
    expect(openJson(opening as Buffer, envelope, 'aad')).toEqual({ name: 'Grace Hopper' });
  });

  it('refuses to seal anything more about an erased subject', async () => {
    await keys.sealingKey('lead-1');
    await keys.erase('lead-1', ERASURE);
    const refusal = await keys.sealingKey('lead-1').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PersonalDataErasedError);
    expect(refusal).toMatchObject({
      subject: 'lead-1',
      at: ERASURE.at,
      reason: ERASURE.reason,
      erased: ERASURE,
    });
    expect((refusal as Error).message).toBe(`the personal data of lead-1 was erased at ${ERASURE.at}`);
  });

  it('refuses a key for a subject erased before it ever had one', async () => {
    await keys.erase('lead-9', ERASURE);
    await expect(keys.sealingKey('lead-9')).rejects.toThrow(PersonalDataErasedError);
  });

  it('maps each subject to its key or its erasure, in one look-up, each distinct subject unwrapped once', async () => {
    const [k1, k2] = [await keys.sealingKey('lead-1'), await keys.sealingKey('lead-2')];
    await keys.sealingKey('lead-3');
    await keys.erase('lead-3', ERASURE);
    store.finds = 0;
    wrapper.unwraps = 0;
    const opening = await keys.openingKeys([
      'lead-1',
      'lead-2',
      'lead-3',
      'lead-unknown',
      'lead-1',
      'lead-2',
    ]);
    expect(store.finds).toBe(1);
    expect(wrapper.unwraps).toBe(2);
    expect([...opening.keys()].sort()).toEqual(['lead-1', 'lead-2', 'lead-3']);
    expect(opening.get('lead-1')).toEqual(k1);
    expect(opening.get('lead-2')).toEqual(k2);
    expect(opening.get('lead-3')).toEqual({ erased: ERASURE });
    expect(opening.has('lead-unknown')).toBe(false);
    expect((await keys.openingKeys([])).size).toBe(0);
  });

  it('keeps no key from one call to the next: an erasure by another process holds at once', async () => {
    await keys.sealingKey('lead-1');
    expect(Buffer.isBuffer((await keys.openingKeys(['lead-1'])).get('lead-1'))).toBe(true);
    await new DataKeys(store, new LocalKeyWrapper(master)).erase('lead-1', ERASURE);
    expect((await keys.openingKeys(['lead-1'])).get('lead-1')).toEqual({ erased: ERASURE });
    await expect(keys.sealingKey('lead-1')).rejects.toThrow(PersonalDataErasedError);
  });

  it('keeps the first erasure when erased twice', async () => {
    await keys.sealingKey('lead-1');
    await keys.erase('lead-1', ERASURE);
    await keys.erase('lead-1', { at: '2026-03-09T10:00:00.000Z', reason: 'again' });
    expect((await keys.openingKeys(['lead-1'])).get('lead-1')).toEqual({ erased: ERASURE });
  });

  it('fails loudly, not with empty data, when the master key is not the one that wrapped the keys', async () => {
    await keys.sealingKey('lead-1');
    const stranger = new DataKeys(store, new LocalKeyWrapper(randomBytes(32)));
    await expect(stranger.openingKeys(['lead-1'])).rejects.toThrow(KeyUnwrapError);
    await expect(stranger.sealingKey('lead-1')).rejects.toThrow('is MASTER_KEY_FILE the right file?');
  });

  it('stamps a new key with the current time by default', async () => {
    const before = new Date().toISOString();
    await new DataKeys(store, wrapper).sealingKey('lead-1');
    const record = (await store.find(['lead-1'])).get('lead-1') as { createdAt: string };
    expect(record.createdAt >= before && record.createdAt <= new Date().toISOString()).toBe(true);
  });
});
