import { randomBytes } from 'node:crypto';
import { KeyUnwrapError, LOCAL_WRAPPED_KEY_BYTES, LocalKeyWrapper } from './key-wrapper';

const master = randomBytes(32);
const wrapper = new LocalKeyWrapper(master);

describe('LocalKeyWrapper', () => {
  it('unwraps what it wrapped, for the same subject', async () => {
    const dataKey = randomBytes(32);
    const wrapped = await wrapper.wrap(dataKey, 'subject-1');
    expect(wrapped).toHaveLength(LOCAL_WRAPPED_KEY_BYTES);
    expect(wrapped.includes(dataKey.subarray(0, 8))).toBe(false);
    expect(await wrapper.unwrap(wrapped, 'subject-1')).toEqual(dataKey);
    // Another instance on the same master key (another process) unwraps it too.
    expect(await new LocalKeyWrapper(Buffer.from(master)).unwrap(wrapped, 'subject-1')).toEqual(dataKey);
  });

  it('binds the wrapped key to its subject: moved to another person, it does not unwrap', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), 'subject-1');
    await expect(wrapper.unwrap(wrapped, 'subject-2')).rejects.toThrow(KeyUnwrapError);
    await expect(wrapper.unwrap(wrapped, 'subject-2')).rejects.toThrow('another subject or was altered');
  });

  it('refuses a wrapped key altered anywhere', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), 'subject-1');
    for (let i = 9; i < wrapped.length; i += 7) {
      const altered = Buffer.from(wrapped);
      altered[i] = altered[i]! ^ 0x80;
      await expect(wrapper.unwrap(altered, 'subject-1')).rejects.toThrow(KeyUnwrapError);
    }
    await expect(wrapper.unwrap(wrapped.subarray(0, 40), 'subject-1')).rejects.toThrow(KeyUnwrapError);
  });

  it('says so when the master key is not the one that wrapped the key', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), 'subject-1');
    const other = new LocalKeyWrapper(randomBytes(32));
    expect(other.id).not.toBe(wrapper.id);
    await expect(other.unwrap(wrapped, 'subject-1')).rejects.toThrow(
      `was wrapped by master key ${wrapper.id}, not by this one (${other.id})`,
    );
  });

  it('wraps the same key differently each time, and names its master key by a stable fingerprint', async () => {
    const dataKey = randomBytes(32);
    const [a, b] = [await wrapper.wrap(dataKey, 's'), await wrapper.wrap(dataKey, 's')];
    expect(a.equals(b)).toBe(false);
    expect(wrapper.id).toMatch(/^local:[0-9a-f]{16}$/);
    expect(new LocalKeyWrapper(Buffer.from(master)).id).toBe(wrapper.id);
    expect(wrapper.id).not.toContain(master.toString('hex').slice(0, 16));
  });

  it('unwraps a key wrapped by an independent implementation of its format', async () => {
    const fixed = new LocalKeyWrapper(Buffer.alloc(32, 1));
    expect(fixed.id).toBe('local:bc647f554027deb7');
    const wrapped = Buffer.from(
      '01bc647f554027deb7000102030405060708090a0baf28b0fe30fa88b6baf544810d7e1aae1dc835c9e7836d0636b9a6bd31c9' +
        '45491eb37667568885da6ddf63aaf4838a60',
      'hex',
    );
    expect(await fixed.unwrap(wrapped, 'subject-7')).toEqual(
      Buffer.from(Array.from({ length: 32 }, (_, i) => 200 + i)),
    );
  });

  it('refuses a master key or a data key of the wrong size, and a key without a subject', async () => {
    expect(() => new LocalKeyWrapper(randomBytes(16))).toThrow('32 bytes');
    await expect(wrapper.wrap(randomBytes(16), 's')).rejects.toThrow('32 bytes');
    await expect(wrapper.wrap(randomBytes(32), '')).rejects.toThrow('subject');
  });
});
