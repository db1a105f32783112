import { START, StoreUnavailableError } from '@app/event-store';
import {
  type Collection,
  type Db,
  type FindOptions,
  MongoClient,
  MongoServerError,
  type TransactionOptions,
  WriteConcern,
} from 'mongodb';
import type { CountQuery, Doc, FindQuery, Projection } from '../projection';
import {
  type Checkpoint,
  CheckpointMovedError,
  ReadStore,
  type ReadStoreCommit,
  type SnapshotReader,
} from '../read-store.port';
import {
  type CheckpointDoc,
  type MongoDoc,
  checkpointsName,
  collectionName,
  fromCheckpointDoc,
  fromMongoDoc,
  toCheckpointDoc,
  toCheckpointWrites,
  toDocumentWrites,
  toIndexes,
  toMongoQuery,
} from './mongodb-query';

export interface MongoReadStoreOptions {
  /** Put before every collection name, so that several stores can share one database. */
  readonly prefix?: string;
  /** Whether `close` closes the client: true when the store connected it itself (`connect`). */
  readonly ownsClient?: boolean;
}

/** The server's answer when a collection being created exists already. */
const NAMESPACE_EXISTS = 48;
/** MongoDB 5.0: the first with snapshot reads outside transactions. */
const SNAPSHOT_READS_WIRE_VERSION = 13;
/** The checkpoint's version while a reset is under way: no projection has it. */
const RESETTING = -1;

/** Acknowledged by a majority, so that a failover cannot roll back a commit the runner counts as done. */
const MAJORITY = new WriteConcern('majority');
const COMMIT: TransactionOptions = {
  readConcern: { level: 'majority' },
  writeConcern: MAJORITY,
  readPreference: 'primary',
};

/**
 * Why the deployment `hello` describes cannot hold the read store, or undefined when it can. Commits need
 * multi-document transactions, which a standalone server does not have: without one, a crash between
 * writing a batch's documents and its checkpoint would have the runner apply those events again on restart,
 * counting them twice.
 */
export function deploymentProblem(hello: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof hello['setName'] !== 'string' && hello['msg'] !== 'isdbgrid') {
    return (
      'the MongoDB read store needs a replica set (or a sharded cluster) for its transactions, and this server ' +
      'is standalone: a single-member replica set will do (mongod --replSet rs0, then rs.initiate())'
    );
  }
  const wireVersion = hello['maxWireVersion'];
  if (typeof wireVersion !== 'number' || wireVersion < SNAPSHOT_READS_WIRE_VERSION) {
    return 'the MongoDB read store needs MongoDB 5.0 or later, for its snapshot reads';
  }
  return undefined;
}

/** The connection string without its password, fit for an error message or a log. */
export function redactUrl(url: string): string {
  const start = url.indexOf('://') + 3;
  // The last @: a password that was not percent-encoded may hold one. Too much hidden beats too little.
  const at = url.lastIndexOf('@');
  const colon = url.indexOf(':', start);
  if (start < 3 || at < start || colon < 0 || colon > at) return url;
  return `${url.slice(0, colon)}:***${url.slice(at)}`;
}

/**
 * The production read store on MongoDB (a replica set or sharded cluster, 5.0 or later): one collection per
 * read-model collection with `_id` = id and the declared indexes, a checkpoints collection, each commit one
 * multi-document transaction, snapshot queries in snapshot sessions.
 */
export class MongoReadStore extends ReadStore {
  private readonly db: Db;
  private readonly prefix: string;
  private readonly checkpoints: Collection<CheckpointDoc>;
  private readonly collections = new Map<string, Collection<MongoDoc>>();
  private readonly reader: MongoReader;

  /**
   * @param client a connected client, closed by `close` only with `ownsClient`
   * @param database the database that holds the collections and the checkpoints
   */
  constructor(
    private readonly client: MongoClient,
    database: string,
    private readonly options: MongoReadStoreOptions = {},
  ) {
    super();
    // Reads from the primary whatever the connection string prefers: the runner folds events onto the
    // documents it reads, and a lagging secondary would hand it stale ones. Undefined fields are left out,
    // as JSON (and so the SQLite store) leaves them out.
    this.db = client.db(database, {
      readPreference: 'primary',
      writeConcern: MAJORITY,
      ignoreUndefined: true,
    });
    this.prefix = options.prefix ?? '';
    this.checkpoints = this.db.collection<CheckpointDoc>(checkpointsName(this.prefix));
    this.reader = new MongoReader((name) => this.collection(name), this.checkpoints);
  }

  /**
   * Connects to the connection string (its options, such as serverSelectionTimeoutMS, apply) and checks that
   * the deployment can hold the store; the store owns the client, and `close` closes it.
   */
  static async connect(
    url: string,
    database: string,
    options: Omit<MongoReadStoreOptions, 'ownsClient'> = {},
  ): Promise<MongoReadStore> {
    let client: MongoClient;
    try {
      client = await MongoClient.connect(url);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `the MongoDB read store cannot connect to ${redactUrl(url)}: ${reason}`;
      throw new StoreUnavailableError(message, { cause: error });
    }
    const store = new MongoReadStore(client, database, { ...options, ownsClient: true });
    try {
      await store.checkDeployment();
    } catch (error) {
      await client.close();
      throw error;
    }
    return store;
  }

  /** Creates the collections and indexes up front: a commit's transaction then never has to create one. */
  async prepare(projections: readonly Projection[]): Promise<void> {
    await this.checkDeployment();
    await this.createCollection(this.checkpoints.collectionName);
    for (const projection of projections) {
      for (const spec of projection.collections) {
        const collection = this.db.collection<MongoDoc>(collectionName(this.prefix, spec.name));
        await this.createCollection(collection.collectionName);
        const indexes = toIndexes(spec.indexes);
        if (indexes.length > 0) await collection.createIndexes(indexes);
        this.collections.set(spec.name, collection);
      }
    }
  }

  get<T extends Doc>(collection: string, id: string): Promise<T | undefined> {
    return this.reader.get(collection, id);
  }

  getMany(collection: string, ids: readonly string[]): Promise<Map<string, Doc>> {
    return this.reader.getMany(collection, ids);
  }

  find<T extends Doc>(collection: string, query: FindQuery): Promise<T[]> {
    return this.reader.find(collection, query);
  }

  count(collection: string, query: CountQuery): Promise<number> {
    return this.reader.count(collection, query);
  }

  checkpoint(name: string): Promise<Checkpoint | undefined> {
    return this.reader.checkpoint(name);
  }

  /**
   * Runs the query in a snapshot session: every read is at the cluster time of the first one, so documents
   * and checkpoints come from one commit whatever is committed meanwhile. Commits are majority-committed
   * before they return, so the snapshot holds every commit made before it.
   */
  async snapshot<T>(query: (reader: SnapshotReader) => Promise<T>): Promise<T> {
    const session = this.client.startSession({ snapshot: true });
    try {
      // The read concern is explicit, so that one in the connection string cannot take its place.
      const options = { session, readConcern: { level: 'snapshot' } } as const;
      return await query(new MongoReader((name) => this.collection(name), this.checkpoints, options));
    } finally {
      await session.endSession();
    }
  }

  /**
   * Writes the documents and the checkpoints in one multi-document transaction, a bulk write per collection.
   * The driver may run the callback again on a transient error; its replacements and deletions by id make
   * that harmless.
   */
  async commit({ changes, checkpoints }: ReadStoreCommit): Promise<void> {
    const writes = [...toDocumentWrites(changes)].map(([name, operations]) => ({
      collection: this.collection(name),
      operations,
    }));
    if (writes.length === 0 && checkpoints.length === 0) return;
    const session = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        for (const checkpoint of checkpoints) {
          if (checkpoint.from === undefined) continue;
          const stored = await this.checkpoints.findOne({ _id: { $eq: checkpoint.name } }, { session });
          const actual = stored ? fromCheckpointDoc(stored).position : START;
          if (actual !== checkpoint.from)
            throw new CheckpointMovedError(checkpoint.name, checkpoint.from, actual);
        }
        // One after the other: the operations of a transaction must not run in parallel.
        for (const { collection, operations } of writes) await collection.bulkWrite(operations, { session });
        if (checkpoints.length > 0) {
          await this.checkpoints.bulkWrite(toCheckpointWrites(checkpoints), { session });
        }
      }, COMMIT);
    } finally {
      await session.endSession();
    }
  }

  /**
   * Deletes the documents outside a transaction, which a large collection could outlast. Until they are gone
   * the checkpoint stands at a version no projection has, so that a crash half-way leaves the runner a
   * version mismatch: it resets again rather than build on what is left.
   */
  async reset(projection: Pick<Projection, 'name' | 'collections'>): Promise<void> {
    const collections = projection.collections.map((spec) => this.collection(spec.name));
    await this.checkpoints.replaceOne(
      { _id: projection.name },
      toCheckpointDoc({ name: projection.name, position: START, version: RESETTING }),
      { upsert: true },
    );
    for (const collection of collections) await collection.deleteMany({});
    await this.checkpoints.deleteOne({ _id: projection.name });
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) await this.client.close();
  }

  private async checkDeployment(): Promise<void> {
    const problem = deploymentProblem(await this.db.command({ hello: 1 }));
    if (problem) throw new Error(problem);
  }

  private async createCollection(name: string): Promise<void> {
    try {
      await this.db.createCollection(name);
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
    }
  }

  private collection(name: string): Collection<MongoDoc> {
    const collection = this.collections.get(name);
    if (!collection) throw new Error(`collection ${name} was not prepared`);
    return collection;
  }
}

/** The reads of the store: each at the latest commit, or all in one snapshot session. */
class MongoReader implements SnapshotReader {
  constructor(
    private readonly collection: (name: string) => Collection<MongoDoc>,
    private readonly checkpoints: Collection<CheckpointDoc>,
    private readonly options: Pick<FindOptions, 'session' | 'readConcern'> = {},
  ) {}

  async get<T extends Doc>(collection: string, id: string): Promise<T | undefined> {
    const found = await this.collection(collection).findOne({ _id: { $eq: id } }, this.options);
    return found ? (fromMongoDoc(found) as T) : undefined;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Map<string, Doc>> {
    const found = await this.collection(collection)
      .find({ _id: { $in: [...new Set(ids)] } }, this.options)
      .toArray();
    return new Map(found.map((stored) => [stored._id, fromMongoDoc(stored)]));
  }

  async find<T extends Doc>(collection: string, query: FindQuery): Promise<T[]> {
    const { filter, sort, limit } = toMongoQuery(query);
    const found = await this.collection(collection)
      .find(filter, { ...this.options, sort, limit })
      .toArray();
    return found.map((stored) => fromMongoDoc(stored) as T);
  }

  count(collection: string, query: CountQuery): Promise<number> {
    const { filter } = toMongoQuery(query);
    return this.collection(collection).countDocuments(filter, this.options);
  }

  async checkpoint(name: string): Promise<Checkpoint | undefined> {
    const found = await this.checkpoints.findOne({ _id: { $eq: name } }, this.options);
    return found ? fromCheckpointDoc(found) : undefined;
  }
}
