import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '@app/event-store';
import { describeOnMongoDb } from '../testing/mongodb-contract';
import { MongoKeyStore } from './mongodb-key-store';
import { SqliteKeyStore } from './sqlite-key-store';
import { describeKeyStoreContract } from './testing/key-store.contract';

describeKeyStoreContract('SQLite (a file in the data directory, two connections)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'key-store-'));
  const file = join(dir, 'access.sqlite');
  const store = new SqliteKeyStore(openSqliteDatabase(file));
  const other = new SqliteKeyStore(openSqliteDatabase(file));
  return Promise.resolve({
    store,
    other,
    close: async () => {
      await store.close();
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describeOnMongoDb(
  'KeyStore contract',
  describeKeyStoreContract,
  (url, database) => MongoKeyStore.connect(url, database),
  'key_store_test',
);
