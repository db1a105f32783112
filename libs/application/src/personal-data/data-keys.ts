import { DataKeyStore, type Erasure, isErasedKey } from './data-key-store.port';
import { type FreshDataKey, InlineKeyMaker, type KeyMaker } from './key-maker';
import { KeyWrapper } from './key-wrapper';

/** The key that opens a person's data, or the record of its erasure. */
export type OpeningKey = Buffer | { readonly erased: Erasure };

/** How many fresh keys are made in one go (one durable write), and when the next batch is started. */
export const KEY_POOL_BATCH = 1024;
const KEY_POOL_LOW = 768;

/**
 * The data keys of persons, each named by its id (`kid`, which the events sealed with it carry): made ahead
 * (freshKey), wrapped before they are stored, unwrapped on each use. Nothing
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
   * The keys of these ids, in one store round trip, each distinct id unwrapped once. An erased key maps to its
   * erasure, an id the store does not know is absent from the map.
   */
  async openingKeys(kids: readonly string[]): Promise<Map<string, OpeningKey>> {
    const records = await this.store.find([...new Set(kids)]);
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

  /** Destroys a key, leaving a tombstone; a key erased already keeps its first erasure. */
  async erase(kid: string, erased: Erasure): Promise<void> {
    await this.store.destroy(kid, erased);
  }

  /** Stops the key maker (its thread, if it has one); the store belongs to its opener. */
  close(): Promise<void> {
    this.pool = [];
    return this.maker.close();
  }
}
