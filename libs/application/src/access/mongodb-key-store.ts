import { type Collection, MongoClient, MongoServerError } from 'mongodb';
import { KeyStore, type StoredKey } from './key-store.port';

interface KeyDocument extends StoredKey {
  readonly _id: string;
}

/** The document that only the first key may create: a store that holds one refuses a second "first". */
const FIRST_KEY_MARKER = '__first_key__';
const DUPLICATE_KEY = 11000;

const toKey = ({ _id: _, ...key }: KeyDocument): StoredKey => key;

/** Keys in the `api_keys` collection of the production MongoDB database, shared by every API process. */
export class MongoKeyStore extends KeyStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly keys: Collection<KeyDocument>,
  ) {
    super();
  }

  static async connect(url: string, database: string): Promise<MongoKeyStore> {
    const client = await MongoClient.connect(url);
    const keys = client.db(database).collection<KeyDocument>('api_keys');
    await keys.createIndex({ secretHash: 1 }, { unique: true });
    return new MongoKeyStore(client, keys);
  }

  async add(key: StoredKey): Promise<void> {
    await this.keys.insertOne({ _id: key.keyId, ...key, active: false });
  }

  async addFirst(key: StoredKey): Promise<boolean> {
    if ((await this.keys.countDocuments({}, { limit: 1 })) > 0) return false;
    try {
      // Two processes starting on an empty store race here: only one creates the marker.
      await this.keys.insertOne({ ...key, _id: FIRST_KEY_MARKER, keyId: FIRST_KEY_MARKER, secretHash: '' });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
    await this.keys.insertOne({ _id: key.keyId, ...key, active: false });
    return true;
  }

  async activate(keyId: string): Promise<void> {
    await this.keys.updateOne({ _id: keyId }, { $set: { active: true } });
  }

  async discard(keyId: string): Promise<void> {
    await this.keys.deleteOne({ _id: keyId, active: false });
  }

  async revoke(keyId: string, at: string): Promise<void> {
    await this.keys.updateOne({ _id: keyId, revokedAt: null }, { $set: { revokedAt: at } });
  }

  async bySecretHash(secretHash: string): Promise<StoredKey | undefined> {
    const found = await this.keys.findOne({ secretHash, _id: { $ne: FIRST_KEY_MARKER } });
    return found ? toKey(found) : undefined;
  }

  async get(keyId: string): Promise<StoredKey | undefined> {
    if (keyId === FIRST_KEY_MARKER) return undefined;
    const found = await this.keys.findOne({ _id: keyId });
    return found ? toKey(found) : undefined;
  }

  async list(): Promise<StoredKey[]> {
    const found = await this.keys
      .find({ active: true, _id: { $ne: FIRST_KEY_MARKER } })
      .sort({ issuedAt: 1, _id: 1 })
      .toArray();
    return found.map(toKey);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
