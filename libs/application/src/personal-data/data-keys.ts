import { randomBytes } from 'node:crypto';
import { DataKeyStore, type Erasure, isErasedKey } from './data-key-store.port';
import { DATA_KEY_BYTES } from './envelope';
import { type FreshDataKey, InlineKeyMaker, type KeyMaker } from './key-maker';
import { KeyWrapper } from './key-wrapper';

/** Nothing more can be sealed about a person whose data was erased: their key is gone for good. */
export class PersonalDataErasedError extends Error {
  constructor(
    readonly subject: string,
    readonly erased: Erasure,
  ) {
    super(`the personal data of ${subject} was erased at ${erased.at}`);
    this.name = 'PersonalDataErasedError';
  }

  get at(): string {
    return this.erased.at;
  }

  get reason(): string {
    return this.erased.reason;
  }
}

/** The key that opens a person's data, or the record of its erasure. */
export type OpeningKey = Buffer | { readonly erased: Erasure };

/** How many fresh keys are made in one go (one durable write), and when the next batch is started. */
export const KEY_POOL_BATCH = 1024;
const KEY_POOL_LOW = 768;

/**
 * The data keys of persons: made on first use, wrapped before they are stored, unwrapped on each use. Nothing
 * unwrapped is kept from one call to the next: another process may erase a person at any moment, and from then
 * on no process may open their data.
 */
export class DataKeys {
  constructor(
    private readonly store: DataKeyStore,
    private readonly wrapper: KeyWrapper,
    private readonly now: () => string = () => new Date().toISOString(),
    /** Who makes fresh keys: on this thread by default, or on a thread of their own (ThreadKeyMaker). */
    private readonly maker: KeyMaker = new InlineKeyMaker(store, wrapper, now),
  ) {}

  /**
   * The key to seal the subject's data with: theirs, made now if they have none yet (of two processes making it
   * at once, one key wins and both use it). Throws PersonalDataErasedError for an erased subject.
   */
  async sealingKey(subject: string): Promise<Buffer> {
    let record = (await this.store.find([subject])).get(subject);
    if (!record) {
      const dataKey = randomBytes(DATA_KEY_BYTES);
      const wrapped = await this.wrapper.wrap(dataKey, subject);
      record = await this.store.create(subject, wrapped, this.now());
      if (!isErasedKey(record) && record.wrapped.equals(wrapped)) return dataKey;
      dataKey.fill(0); // another process's key won
    }
    if (isErasedKey(record)) throw new PersonalDataErasedError(subject, record.erased);
    return this.wrapper.unwrap(record.wrapped, subject);
  }

  /**
   * The keys that open these subjects' data, in one store round trip, each distinct subject unwrapped once. An
   * erased subject maps to its erasure, a subject with no key is absent from the map.
   */
  async openingKeys(subjects: readonly string[]): Promise<Map<string, OpeningKey>> {
    const records = await this.store.find([...new Set(subjects)]);
    const keys = new Map<string, OpeningKey>();
    await Promise.all(
      [...records.values()].map(async (record) => {
        keys.set(
          record.subject,
          isErasedKey(record)
            ? { erased: record.erased }
            : await this.wrapper.unwrap(record.wrapped, record.subject),
        );
      }),
    );
    return keys;
  }

  private pool: FreshDataKey[] = [];
  private refilling: Promise<void> | undefined;

  /**
   * A new data key for a person seen for the first time, named by a random id (`kid`), which the events sealed
   * with it carry. Keys are made ahead, KEY_POOL_BATCH at a time in one durable write (its creates share one
   * transaction), so a capture waits for no write of its own: the key is on disk before it is handed out. A key
   * handed out but never used (the process stopped, or the append was refused) opens nothing and is harmless.
   */
  async freshKey(): Promise<FreshDataKey> {
    while (this.pool.length === 0) await this.refill();
    const fresh = this.pool.pop()!;
    if (this.pool.length < KEY_POOL_LOW) void this.refill().catch(() => undefined);
    return fresh;
  }

  /**
   * Starts making the first batch of fresh keys now, so that the first captures do not wait for the key maker
   * to start (its thread loads in about a second). For processes that capture leads; harmless in any other.
   */
  warmUp(): void {
    if (this.pool.length === 0) void this.refill().catch(() => undefined);
  }

  private refill(): Promise<void> {
    this.refilling ??= this.maker
      .make(KEY_POOL_BATCH)
      .then((made) => {
        this.pool.push(...made);
      })
      .finally(() => {
        this.refilling = undefined;
      });
    return this.refilling;
  }

  /** Destroys the subject's key, leaving a tombstone; a subject erased already keeps its first erasure. */
  async erase(subject: string, erased: Erasure): Promise<void> {
    await this.store.destroy(subject, erased);
  }

  /** Stops the key maker (its thread, if it has one); the store belongs to its opener. */
  close(): Promise<void> {
    this.pool = [];
    return this.maker.close();
  }
}
