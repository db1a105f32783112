import { START } from '@app/event-store';
import { type Collection, type Db, MongoClient } from 'mongodb';
import type { Doc } from '../projection';
import {
  AsOfSnapshots,
  type DocVersion,
  type KeptProjection,
  type SnapshotCut,
  type SnapshotPlan,
  type SnapshotWrite,
} from './as-of-snapshots.port';

interface KeptDoc {
  _id: string;
  version: number;
  generation: number;
}

interface CutDoc {
  _id: string;
  projection: string;
  snapshot: number;
  position: string;
  cutTime: string;
  earliest: string;
}

/** One version of a document; `doc` is its JSON (null: deleted at this snapshot). */
interface VersionDoc {
  _id: string;
  projection: string;
  collection: string;
  id: string;
  snapshot: number;
  doc: string | null;
}

const toCut = (doc: CutDoc): SnapshotCut => ({
  snapshot: doc.snapshot,
  position: BigInt(doc.position),
  cutTime: doc.cutTime,
  earliest: doc.earliest,
});

const toKept = (doc: KeptDoc): KeptProjection => ({
  name: doc._id,
  version: doc.version,
  generation: doc.generation,
});

const cutId = (projection: string, snapshot: number) => `${projection}:${snapshot}`;
const versionId = (projection: string, collection: string, id: string, snapshot: number) =>
  JSON.stringify([projection, collection, id, snapshot]);

/**
 * Snapshots on MongoDB, beside the read models (collections asOfKept, asOfCuts, asOfVersions). Writes are
 * ordered rather than transactional: a cut writes its versions, then its row, so that a reader (which only
 * reads versions of cuts it found) never sees half of one, and the keeper discards versions above its last
 * row when it starts. Dropping a projection deletes its rows first, then raises its generation, then deletes
 * its versions: a reader that read a row before the drop finds another generation after reading.
 */
export class MongoAsOfSnapshots extends AsOfSnapshots {
  private readonly keptDocs: Collection<KeptDoc>;
  private readonly cuts: Collection<CutDoc>;
  private readonly versionDocs: Collection<VersionDoc>;

  constructor(
    private readonly client: MongoClient,
    database: string,
    private readonly ownsClient = false,
  ) {
    super();
    const db: Db = client.db(database, { readPreference: 'primary', writeConcern: { w: 'majority' } });
    this.keptDocs = db.collection<KeptDoc>('asOfKept');
    this.cuts = db.collection<CutDoc>('asOfCuts');
    this.versionDocs = db.collection<VersionDoc>('asOfVersions');
  }

  /** Connects and creates the indexes; closing the store closes the client. */
  static async connect(url: string, database: string): Promise<MongoAsOfSnapshots> {
    const client = await MongoClient.connect(url);
    const store = new MongoAsOfSnapshots(client, database, true);
    try {
      await store.prepare();
    } catch (error) {
      await client.close();
      throw error;
    }
    return store;
  }

  async prepare(): Promise<void> {
    await this.cuts.createIndexes([
      { key: { projection: 1, snapshot: 1 } },
      { key: { projection: 1, cutTime: 1, snapshot: 1 } },
    ]);
    await this.versionDocs.createIndexes([
      { key: { projection: 1, collection: 1, id: 1, snapshot: -1 } },
      { key: { projection: 1, collection: 1, snapshot: 1 } },
    ]);
  }

  async kept(): Promise<KeptProjection[]> {
    return (await this.keptDocs.find({}).toArray()).map(toKept);
  }

  async keptOf(name: string): Promise<KeptProjection | undefined> {
    const doc = await this.keptDocs.findOne({ _id: { $eq: name } });
    return doc ? toKept(doc) : undefined;
  }

  async restart(name: string, version: number): Promise<KeptProjection> {
    await this.cuts.deleteMany({ projection: { $eq: name } });
    const generation = ((await this.keptOf(name))?.generation ?? 0) + 1;
    await this.keptDocs.replaceOne({ _id: name }, { version, generation }, { upsert: true });
    await this.versionDocs.deleteMany({ projection: { $eq: name } });
    return { name, version, generation };
  }

  async forget(name: string): Promise<void> {
    await this.cuts.deleteMany({ projection: { $eq: name } });
    await this.keptDocs.deleteOne({ _id: { $eq: name } });
    await this.versionDocs.deleteMany({ projection: { $eq: name } });
  }

  async lastCut(name: string): Promise<SnapshotCut | undefined> {
    const doc = await this.cuts.findOne({ projection: { $eq: name } }, { sort: { snapshot: -1 } });
    return doc ? toCut(doc) : undefined;
  }

  async discardUncut(name: string): Promise<void> {
    const last = (await this.lastCut(name))?.snapshot ?? 0;
    await this.versionDocs.deleteMany({ projection: { $eq: name }, snapshot: { $gt: last } });
  }

  async cut(...writes: readonly SnapshotWrite[]): Promise<void> {
    for (const write of writes) await this.write(write);
  }

  private async write({ projection, cut, changes }: SnapshotWrite): Promise<void> {
    if (changes.length > 0) {
      await this.versionDocs.bulkWrite(
        changes.map(({ collection, id, doc }) => {
          const version: VersionDoc = {
            _id: versionId(projection, collection, id, cut.snapshot),
            projection,
            collection,
            id,
            snapshot: cut.snapshot,
            doc: doc === null ? null : JSON.stringify(doc),
          };
          return { replaceOne: { filter: { _id: version._id }, replacement: version, upsert: true } };
        }),
        { ordered: false },
      );
    }
    const row: CutDoc = {
      _id: cutId(projection, cut.snapshot),
      projection,
      snapshot: cut.snapshot,
      position: cut.position.toString(),
      cutTime: cut.cutTime,
      earliest: cut.earliest,
    };
    await this.cuts.replaceOne({ _id: row._id }, row, { upsert: true });
  }

  async plan(name: string, until: string): Promise<SnapshotPlan | undefined> {
    const kept = await this.keptOf(name);
    if (!kept) return undefined;
    // The latest cut first: the keeper may cut more meanwhile, and the plan must not look past this one.
    const last = await this.lastCut(name);
    const projection = { $eq: name };
    const snapshot = { $lte: last?.snapshot ?? 0 };
    const baseDoc = await this.cuts.findOne(
      { projection, snapshot, cutTime: { $lte: until } },
      { sort: { cutTime: -1, snapshot: -1 } },
    );
    const reachDoc = await this.cuts.findOne(
      { projection, snapshot, earliest: { $lte: until } },
      { sort: { snapshot: -1 } },
    );
    const base = baseDoc ? toCut(baseDoc) : undefined;
    const reach =
      reachDoc && reachDoc.snapshot > (base?.snapshot ?? 0)
        ? BigInt(reachDoc.position)
        : (base?.position ?? START);
    return { kept, base, reach, last };
  }

  async getMany(
    name: string,
    collection: string,
    ids: readonly string[],
    snapshot: number,
  ): Promise<Map<string, Doc>> {
    return this.latest(name, collection, snapshot, { id: { $in: [...new Set(ids)] } });
  }

  async all(name: string, collection: string, snapshot: number): Promise<Doc[]> {
    return [...(await this.latest(name, collection, snapshot, {})).values()];
  }

  async versions(
    name: string,
    collection: string,
    after: number,
    upTo: number,
    limit: number,
  ): Promise<DocVersion[]> {
    const found = await this.versionDocs
      .find({
        projection: { $eq: name },
        collection: { $eq: collection },
        snapshot: { $gt: after, $lte: upTo },
      })
      .sort({ snapshot: 1 })
      .limit(limit)
      .toArray();
    return found.map(({ id, snapshot, doc }) => ({
      id,
      snapshot,
      doc: doc === null ? null : (JSON.parse(doc) as Doc),
    }));
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }

  /** Each document's latest version at or before the snapshot, deleted ones left out. */
  private async latest(
    name: string,
    collection: string,
    snapshot: number,
    filter: Record<string, unknown>,
  ): Promise<Map<string, Doc>> {
    const latest = await this.versionDocs
      .aggregate<{ _id: string; doc: string | null }>([
        {
          $match: {
            projection: { $eq: name },
            collection: { $eq: collection },
            snapshot: { $lte: snapshot },
            ...filter,
          },
        },
        { $sort: { id: 1, snapshot: -1 } },
        { $group: { _id: '$id', doc: { $first: '$doc' } } },
      ])
      .toArray();
    const found = new Map<string, Doc>();
    for (const { _id, doc } of latest) if (doc !== null) found.set(_id, JSON.parse(doc) as Doc);
    return found;
  }
}
