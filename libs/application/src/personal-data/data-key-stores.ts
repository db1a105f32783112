import type { AppConfig } from '../config/app-config';
import type { DataKeyStore } from './data-key-store.port';
import { MongoDataKeyStore } from './mongodb-data-key-store';
import { SqliteDataKeyStore } from './sqlite-data-key-store';

/** Where the data keys live: beside the read models (DATA_DIR/data-keys.sqlite, or the MongoDB database). */
export async function openDataKeyStore(config: AppConfig): Promise<DataKeyStore> {
  if (config.readStore.kind === 'mongodb') {
    return MongoDataKeyStore.connect(config.readStore.url, config.readStore.database);
  }
  return SqliteDataKeyStore.open(config.dataDir);
}
