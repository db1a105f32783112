import { type Position, START, StoreUnavailableError } from '@app/event-store';
import {
  type Collection,
  type Db,
  type FindOptions,
  MongoClient,
  MongoServerError,
  type TransactionOptions,
  WriteConcern,
} from 'mongodb';
import type { CountQuery, Doc, FindQuery, IndexSpec, Projection } from '../projection';
import {
  type Checkpoint,
  CheckpointMovedError,
  RESETTING_VERSION,
  ReadStore,
  type ReadStoreCommit,
  type SnapshotReader,
  shadowCheckpointName,
  shadowCollectionName,
} from '../read-store.port';
import {
  type CheckpointDoc,
  type MongoDoc,
  checkpointsName,
  collectionName,
  encodePosition,
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
/** The server's answer when a collection to rename is gone (another process renamed it first). */
const NAMESPACE_NOT_FOUND = 26;
/** MongoDB 5.0: the first with snapshot reads outside transactions. */
const SNAPSHOT_READS_WIRE_VERSION = 13;

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

  /**
   * Creates the collections and indexes up front: a commit's transaction then never has to create one. A
   * swap a crash interrupted is finished first.
   */
  async prepare(projections: readonly Projection[]): Promise<void> {
    await this.checkDeployment();
    await this.createCollection(this.checkpoints.collectionName);
    for (const projection of projections) {
      const shadow = await this.checkpoints.findOne({ _id: { $eq: shadowCheckpointName(projection.name) } });
      if (shadow?.swapping) await this.finishSwap(projection, shadow);
      for (const spec of projection.collections) await this.prepareCollection(spec.name, spec.indexes);
    }
  }

  private async prepareCollection(name: string, indexes: readonly IndexSpec[]): Promise<void> {
    const collection = this.db.collection<MongoDoc>(collectionName(this.prefix, name));
    await this.createCollection(collection.collectionName);
    const described = toIndexes(indexes);
    if (described.length > 0) await collection.createIndexes(described);
    this.collections.set(name, collection);
  }

  /**
   * A shadow that is not kept is dropped before its checkpoint is deleted: a projector that was building it
   * meanwhile then finds its checkpoint moved, and starts it again.
   */
  async prepareShadow(projection: Projection): Promise<Checkpoint | undefined> {
    const name = shadowCheckpointName(projection.name);
    const stored = await this.checkpoints.findOne({ _id: { $eq: name } });
    const resumable =
      stored && !stored.swapping && stored.version === projection.version ? stored : undefined;
    for (const spec of projection.collections) {
      const shadow = shadowCollectionName(spec.name);
      if (!resumable) await this.dropCollection(collectionName(this.prefix, shadow));
      await this.prepareCollection(shadow, spec.indexes);
    }
    if (!resumable) await this.checkpoints.deleteOne({ _id: name });
    return resumable && fromCheckpointDoc(resumable);
  }

  /**
   * Not one transaction: MongoDB renames no collection inside one. The shadow's checkpoint is marked first
   * (only if it stands at the position: a second projector's commit or swap then finds it moved), then each
   * shadow collection is renamed over its live one (renameCollection with dropTarget: each rename is atomic,
   * with the indexes the shadow was built with), then one transaction moves the checkpoints. A query between
   * two renames of a projection with several collections can see one collection new and another old; one
   * running in a snapshot across a rename may fail and is retried by its caller. A crash after the mark
   * leaves it on the shadow's checkpoint: the next `prepare` renames what is left and moves the checkpoints.
   */
  async swapShadow(projection: Projection, position: Position): Promise<void> {
    const name = shadowCheckpointName(projection.name);
    const marked = await this.checkpoints.findOneAndUpdate(
      {
        _id: { $eq: name },
        position: { $eq: encodePosition(position) },
        version: { $eq: projection.version },
        swapping: { $exists: false },
      },
      { $set: { swapping: true } },
      { returnDocument: 'after' },
    );
    if (!marked) {
      const stored = await this.checkpoints.findOne({ _id: { $eq: name } });
      throw new CheckpointMovedError(name, position, stored ? fromCheckpointDoc(stored).position : START);
    }
    await this.finishSwap(projection, marked);
  }

  async dropShadow(projection: Pick<Projection, 'name' | 'collections'>): Promise<void> {
    for (const spec of projection.collections) {
      const shadow = shadowCollectionName(spec.name);
      await this.dropCollection(collectionName(this.prefix, shadow));
      this.collections.delete(shadow);
    }
    await this.checkpoints.deleteOne({ _id: shadowCheckpointName(projection.name) });
  }

  /**
   * Renames the shadow collections still there over the live ones, then moves the checkpoints together,
   * unless another process finishing the same swap did first (its rename, or its move, is then not redone:
   * the live checkpoint may have moved on since).
   */
  private async finishSwap(
    projection: Pick<Projection, 'name' | 'collections'>,
    shadow: CheckpointDoc,
  ): Promise<void> {
    for (const spec of projection.collections) {
      const from = collectionName(this.prefix, shadowCollectionName(spec.name));
      try {
        if (await this.exists(from)) {
          await this.db.renameCollection(from, collectionName(this.prefix, spec.name), { dropTarget: true });
        }
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
      }
      this.collections.delete(shadowCollectionName(spec.name));
    }
    const { position, version } = fromCheckpointDoc(shadow);
    const session = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        const finished = await this.checkpoints.deleteOne({ _id: shadow._id, swapping: true }, { session });
        if (finished.deletedCount === 0) return;
        await this.checkpoints.bulkWrite(toCheckpointWrites([{ name: projection.name, position, version }]), {
          session,
        });
      }, COMMIT);
    } finally {
      await session.endSession();
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
          // A shadow being swapped in is no longer built on.
          if (actual !== checkpoint.from || stored?.swapping)
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
      toCheckpointDoc({ name: projection.name, position: START, version: RESETTING_VERSION }),
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

  private async exists(name: string): Promise<boolean> {
    return (await this.db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0;
  }

  private async dropCollection(name: string): Promise<void> {
    if (await this.exists(name)) await this.db.dropCollection(name);
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
