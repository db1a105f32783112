import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '@app/event-store';
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

const url = process.env['MONGODB_URL'];
if (url) {
  describeKeyStoreContract('MongoDB', async () => {
    const database = `key_store_test_${randomBytes(6).toString('hex')}`;
    const store = await MongoKeyStore.connect(url, database);
    const other = await MongoKeyStore.connect(url, database);
    return {
      store,
      other,
      close: async () => {
        await store.close();
        await other.close();
      },
    };
  });
} else {
  describe.skip('KeyStore contract: MongoDB (skipped: MONGODB_URL is not set)', () => {
    it('runs against a MongoDB deployment named by MONGODB_URL', () => {
      // Never runs: jest reports it as skipped, with the reason in the title.
    });
  });
}
