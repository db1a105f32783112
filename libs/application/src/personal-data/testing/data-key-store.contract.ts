import { randomBytes } from 'node:crypto';
import type { DataKeyRecord, DataKeyStore } from '../data-key-store.port';

let made = 0;
/** A subject no other test uses. */
export function newSubject(): string {
  made += 1;
  return `00000000-0000-4000-8000-${String(made).padStart(12, '0')}`;
}

/** Bytes standing in for a wrapped key: random, so a test can look for them anywhere. */
export const wrappedKey = (): Buffer => randomBytes(69);

const CREATED = '2026-03-01T10:00:00.000Z';
const ERASED = { at: '2026-03-02T10:00:00.000Z', reason: 'the person asked (GDPR Art. 17)' };

/**
 * What every data key store must do, for the embedded SQLite store and MongoDB alike. `open` gives an empty
 * store and a second handle on the same one, as another API process would have.
 */
export function describeDataKeyStoreContract(
  name: string,
  open: () => Promise<{
    readonly store: DataKeyStore;
    readonly other: DataKeyStore;
    readonly close: () => Promise<void>;
  }>,
): void {
  describe(`DataKeyStore contract: ${name}`, () => {
    let store: DataKeyStore;
    let other: DataKeyStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, other, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    it('creates a key and finds it, in a batch, from every handle; unknown subjects are absent', async () => {
      const [a, b, unknown] = [newSubject(), newSubject(), newSubject()];
      const [wa, wb] = [wrappedKey(), wrappedKey()];
      expect(await store.create(a, wa, CREATED)).toEqual({ subject: a, wrapped: wa, createdAt: CREATED });
      await store.create(b, wb, '2026-03-01T11:00:00.000Z');
      const found = await other.find([a, unknown, b, a]);
      expect([...found.keys()].sort()).toEqual([a, b].sort());
      expect(found.get(a)).toEqual({ subject: a, wrapped: wa, createdAt: CREATED });
      expect(found.get(b)).toEqual({ subject: b, wrapped: wb, createdAt: '2026-03-01T11:00:00.000Z' });
      expect((await store.find([])).size).toBe(0);
      expect((await store.find([unknown])).size).toBe(0);
    });

    it('stores fresh keys made ahead in one go, each found from every handle and erasable alone', async () => {
      const fresh = Array.from({ length: 300 }, () => ({ subject: newSubject(), wrapped: wrappedKey() }));
      await store.createFresh(fresh, CREATED);
      const found = await other.find(fresh.map((key) => key.subject));
      expect(found.size).toBe(300);
      for (const { subject, wrapped } of fresh) {
        expect(found.get(subject)).toEqual({ subject, wrapped, createdAt: CREATED });
      }
      await store.destroy(fresh[7]!.subject, { at: CREATED, reason: 'asked' });
      const after = await other.find([fresh[6]!.subject, fresh[7]!.subject]);
      expect(after.get(fresh[6]!.subject)).toEqual({ ...fresh[6]!, createdAt: CREATED });
      expect(after.get(fresh[7]!.subject)).toEqual({
        subject: fresh[7]!.subject,
        erased: { at: CREATED, reason: 'asked' },
      });
    });

    it('keeps the first key of a subject: a second create returns it and writes nothing', async () => {
      const subject = newSubject();
      const first = wrappedKey();
      await store.create(subject, first, CREATED);
      const again = await other.create(subject, wrappedKey(), '2026-03-05T10:00:00.000Z');
      expect(again).toEqual({ subject, wrapped: first, createdAt: CREATED });
      expect((await store.find([subject])).get(subject)).toEqual(again);
    });

    it('lets one key win when many creates for the same subject race, on both handles', async () => {
      const subject = newSubject();
      const candidates = Array.from({ length: 12 }, () => wrappedKey());
      const results = await Promise.all(
        candidates.map((wrapped, i) => (i % 2 === 0 ? store : other).create(subject, wrapped, CREATED)),
      );
      const winner = results[0] as DataKeyRecord & { wrapped: Buffer };
      expect(candidates.some((c) => c.equals(winner.wrapped))).toBe(true);
      for (const result of results) expect(result).toEqual(winner);
      expect((await other.find([subject])).get(subject)).toEqual(winner);
    });

    it('replaces a destroyed key by a tombstone that every handle sees, and refuses a new key', async () => {
      const subject = newSubject();
      const wrapped = wrappedKey();
      await store.create(subject, wrapped, CREATED);
      await store.destroy(subject, ERASED);
      const tombstone = { subject, erased: ERASED };
      expect((await store.find([subject])).get(subject)).toEqual(tombstone);
      expect((await other.find([subject])).get(subject)).toEqual(tombstone);
      expect(await other.create(subject, wrappedKey(), '2026-03-03T10:00:00.000Z')).toEqual(tombstone);
      expect((await store.find([subject])).get(subject)).toEqual(tombstone);
    });

    it('keeps the first tombstone when a subject is erased twice', async () => {
      const subject = newSubject();
      await store.create(subject, wrappedKey(), CREATED);
      await store.destroy(subject, ERASED);
      await other.destroy(subject, { at: '2026-03-09T10:00:00.000Z', reason: 'again' });
      expect((await store.find([subject])).get(subject)).toEqual({ subject, erased: ERASED });
    });

    it('erases a subject that has no key yet: no key can be created for it afterwards', async () => {
      const subject = newSubject();
      await store.destroy(subject, ERASED);
      expect(await other.create(subject, wrappedKey(), CREATED)).toEqual({ subject, erased: ERASED });
    });

    it('erases one subject and leaves the others alone', async () => {
      const [gone, kept] = [newSubject(), newSubject()];
      const keptKey = wrappedKey();
      await Promise.all([store.create(gone, wrappedKey(), CREATED), store.create(kept, keptKey, CREATED)]);
      await other.destroy(gone, ERASED);
      const found = await store.find([gone, kept]);
      expect(found.get(kept)).toEqual({ subject: kept, wrapped: keptKey, createdAt: CREATED });
      expect(found.get(gone)).toEqual({ subject: gone, erased: ERASED });
    });

    it('refuses a key without a subject', async () => {
      await expect(store.create('', wrappedKey(), CREATED)).rejects.toThrow('subject');
    });
  });
}
