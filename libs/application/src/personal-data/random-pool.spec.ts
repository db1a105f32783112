import { randomBytesFromPool } from './random-pool';

describe('randomBytesFromPool', () => {
  it('hands out each byte once: IVs and keys of the sizes asked, never two alike, across blocks', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const iv = randomBytesFromPool(12);
      const key = randomBytesFromPool(32);
      expect([iv.length, key.length]).toEqual([12, 32]);
      seen.add(iv.toString('hex'));
      seen.add(key.toString('hex'));
    }
    // 220,000 bytes: more than a dozen blocks.
    expect(seen.size).toBe(10_000);
  });

  it('answers copies: zeroing one touches no other', () => {
    const a = randomBytesFromPool(32);
    const b = randomBytesFromPool(32);
    const before = Buffer.from(b);
    a.fill(0);
    expect(b).toEqual(before);
  });

  it('draws a size larger than a block on its own', () => {
    expect(randomBytesFromPool(64 * 1024).length).toBe(64 * 1024);
  });
});
