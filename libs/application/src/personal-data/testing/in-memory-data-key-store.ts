import { DataKeyStore, type DataKeyRecord, type Erasure } from '../data-key-store.port';

/** A DataKeyStore in a Map, for unit tests: it passes the same contract as the real stores. */
export class InMemoryDataKeyStore extends DataKeyStore {
  private readonly records = new Map<string, DataKeyRecord>();

  /** How many keys and tombstones it holds. */
  size(): number {
    return this.records.size;
  }
  /** Calls of `find`, to check that a caller batches its look-ups. */
  finds = 0;

  find(subjects: readonly string[]): Promise<Map<string, DataKeyRecord>> {
    this.finds += 1;
    const found = new Map<string, DataKeyRecord>();
    for (const subject of subjects) {
      const record = this.records.get(subject);
      if (record) found.set(subject, copy(record));
    }
    return Promise.resolve(found);
  }

  create(subject: string, wrapped: Buffer, createdAt: string): Promise<DataKeyRecord> {
    if (subject.length === 0) return Promise.reject(new TypeError('a data key belongs to a subject'));
    if (!this.records.has(subject))
      this.records.set(subject, { subject, wrapped: Buffer.from(wrapped), createdAt });
    return Promise.resolve(copy(this.records.get(subject)!));
  }

  destroy(subject: string, erased: Erasure): Promise<void> {
    const record = this.records.get(subject);
    if (!record || !('erased' in record)) {
      if (record) record.wrapped.fill(0);
      this.records.set(subject, { subject, erased: { at: erased.at, reason: erased.reason } });
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const copy = (record: DataKeyRecord): DataKeyRecord =>
  'erased' in record
    ? { subject: record.subject, erased: { ...record.erased } }
    : { ...record, wrapped: Buffer.from(record.wrapped) };
