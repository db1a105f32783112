import { StoreUnavailableError } from '@app/event-store';
import { redactUrl } from '@app/read-models';
import { type Collection, MongoClient, MongoServerError } from 'mongodb';
import { DataKeyStore, type DataKeyRecord, type Erasure } from './data-key-store.port';

/** A data key as MongoDB keeps it: the subject is the document's _id, so the store holds one record per subject. */
interface DataKeyDocument {
  readonly _id: string;
  readonly wrapped?: Buffer;
  readonly createdAt?: string;
  readonly erased?: Erasure;
}

const DUPLICATE_KEY = 11000;
/** Upserts of the same new subject from two clients at once: the loser retries and finds the winner's key. */
const UPSERT_ATTEMPTS = 3;

function toRecord(doc: DataKeyDocument): DataKeyRecord {
  if (doc.erased) return { subject: doc._id, erased: { at: doc.erased.at, reason: doc.erased.reason } };
  if (!doc.wrapped || doc.createdAt === undefined)
    throw new Error(`the data key record of ${doc._id} is damaged`);
  return { subject: doc._id, wrapped: doc.wrapped, createdAt: doc.createdAt };
}

/**
 * Data keys in the `data_keys` collection of the production MongoDB database, shared by every API process.
 * Writes wait for a majority of the replica set and its journal (w: majority, j: true), reads see only what a
 * majority holds: a key that a failover could roll back never seals an event.
 *
 * Destruction unsets the wrapped key in its document. MongoDB may keep the old bytes for a while in places this
 * store does not reach: the oplog (until it rolls over), WiredTiger's history and free blocks (until compaction),
 * and backups. They are useless there without the master key (or KMS key) that wrapped them.
 */
export class MongoDataKeyStore extends DataKeyStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly keys: Collection<DataKeyDocument>,
  ) {
    super();
  }

  static async connect(url: string, database: string): Promise<MongoDataKeyStore> {
    let client: MongoClient;
    try {
      client = await MongoClient.connect(url);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(
        `the MongoDB data key store cannot connect to ${redactUrl(url)}: ${reason}`,
        {
          cause: error,
        },
      );
    }
    try {
      const keys = client.db(database).collection<DataKeyDocument>('data_keys', {
        writeConcern: { w: 'majority', journal: true },
        readConcern: { level: 'majority' },
        promoteBuffers: true,
      });
      // The _id index is the unique index on the subject; creating the collection up front keeps the first
      // upserts of a new deployment from racing on its implicit creation.
      await client
        .db(database)
        .createCollection('data_keys')
        .catch((error: unknown) => {
          if (!(error instanceof MongoServerError && error.codeName === 'NamespaceExists')) throw error;
        });
      return new MongoDataKeyStore(client, keys);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  async find(subjects: readonly string[]): Promise<Map<string, DataKeyRecord>> {
    const found = new Map<string, DataKeyRecord>();
    if (subjects.length === 0) return found;
    for (const doc of await this.keys.find({ _id: { $in: [...subjects] } }).toArray()) {
      found.set(doc._id, toRecord(doc));
    }
    return found;
  }

  async create(subject: string, wrapped: Buffer, createdAt: string): Promise<DataKeyRecord> {
    assertSubject(subject);
    if (!Buffer.isBuffer(wrapped) || wrapped.length === 0)
      throw new TypeError('a wrapped key is a non-empty Buffer');
    for (let attempt = 1; ; attempt++) {
      try {
        // An existing record (a key, or a tombstone) is returned untouched. With w: majority, even this no-op
        // waits until what it read is held by a majority.
        const doc = await this.keys.findOneAndUpdate(
          { _id: subject },
          { $setOnInsert: { wrapped, createdAt } },
          { upsert: true, returnDocument: 'after' },
        );
        if (!doc) throw new Error(`the data key of ${subject} was neither found nor written`);
        return toRecord(doc);
      } catch (error) {
        if (!(isDuplicateKey(error) && attempt < UPSERT_ATTEMPTS)) throw error;
      }
    }
  }

  async destroy(subject: string, erased: Erasure): Promise<void> {
    assertSubject(subject);
    if (typeof erased?.at !== 'string' || typeof erased.reason !== 'string') {
      throw new TypeError('an erasure has a time and a reason');
    }
    try {
      await this.keys.updateOne(
        { _id: subject, erased: { $exists: false } },
        {
          $set: { erased: { at: erased.at, reason: erased.reason } },
          $unset: { wrapped: '', createdAt: '' },
        },
        { upsert: true },
      );
    } catch (error) {
      // The subject is erased already (the filter missed it, and the upsert met its tombstone): the first stays.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

const isDuplicateKey = (error: unknown): boolean =>
  error instanceof MongoServerError && error.code === DUPLICATE_KEY;

function assertSubject(subject: string): void {
  if (typeof subject !== 'string' || subject.length === 0)
    throw new TypeError('a data key belongs to a subject');
}
