/** When and why a person's data was erased: what a tombstone keeps, and what views show instead of the data. */
export interface Erasure {
  readonly at: string;
  readonly reason: string;
}

/** A person's data key as the store keeps it: wrapped (see KeyWrapper), never in clear. */
export interface LiveDataKey {
  readonly subject: string;
  readonly wrapped: Buffer;
  readonly createdAt: string;
}

/** What is left of a destroyed data key: the fact, the time and the reason, not one byte of the key. */
export interface ErasedDataKey {
  readonly subject: string;
  readonly erased: Erasure;
}

export type DataKeyRecord = LiveDataKey | ErasedDataKey;

export const isErasedKey = (record: DataKeyRecord): record is ErasedDataKey => 'erased' in record;

/**
 * Where the data keys of persons live, one per subject, shared by every process of a deployment: a SQLite file
 * in the data directory (embedded) or a MongoDB collection (production). A key is durable before `create`
 * resolves, since events sealed with it are acknowledged after. Every adapter passes
 * testing/data-key-store.contract.ts.
 */
export abstract class DataKeyStore {
  /** The records of these subjects, in one round trip; a subject the store does not know is absent from the map. */
  abstract find(subjects: readonly string[]): Promise<Map<string, DataKeyRecord>>;
  /**
   * Stores the subject's wrapped key unless the subject has a record already: then that record is returned and
   * nothing is written (of two processes creating a key for the same subject at once, one key wins, and both
   * get it), and an erased subject returns its tombstone.
   */
  abstract create(subject: string, wrapped: Buffer, createdAt: string): Promise<DataKeyRecord>;
  /**
   * Replaces the subject's key by a tombstone: once this resolves, the wrapped key's bytes are gone from the
   * store (for the SQLite store, from its files too). A subject with no key gets a tombstone all the same, so
   * that no key is ever created for it; erasing twice keeps the first tombstone.
   */
  abstract destroy(subject: string, erased: Erasure): Promise<void>;
  /**
   * Stores keys made ahead under fresh random ids (the key maker's), durably and at once: no id can be taken,
   * so nothing is read back. Adapters may write them in one go; by default, one create each.
   */
  async createFresh(
    keys: readonly { readonly subject: string; readonly wrapped: Buffer }[],
    createdAt: string,
  ): Promise<void> {
    await Promise.all(keys.map(({ subject, wrapped }) => this.create(subject, wrapped, createdAt)));
  }
  abstract close(): Promise<void>;
}
