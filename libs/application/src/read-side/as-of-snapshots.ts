import { join } from 'node:path';
import { type AsOfSnapshots, MongoAsOfSnapshots, SqliteAsOfSnapshots } from '@app/read-models';
import type { AppConfig } from '../config/app-config';

/**
 * The snapshots "as of" reports fold from, beside the read models: DATA_DIR/as-of-snapshots.sqlite, or the
 * read store's MongoDB database. Like the read models they are derived from the log and rebuilt from it.
 */
export async function openAsOfSnapshots(config: AppConfig): Promise<AsOfSnapshots> {
  if (config.readStore.kind === 'mongodb') {
    return MongoAsOfSnapshots.connect(config.readStore.url, config.readStore.database);
  }
  return SqliteAsOfSnapshots.open(join(config.dataDir, 'as-of-snapshots.sqlite'));
}
