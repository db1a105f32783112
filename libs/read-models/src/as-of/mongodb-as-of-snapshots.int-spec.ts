import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { MongoAsOfSnapshots } from './mongodb-as-of-snapshots';
import { describeAsOfSnapshotsContract } from './testing/as-of-snapshots.contract';

const url = process.env['MONGODB_URL'];

if (url) {
  describeAsOfSnapshotsContract('MongoDB', {
    open: async () => {
      const database = `as_of_snapshots_${randomBytes(6).toString('hex')}`;
      const store = await MongoAsOfSnapshots.connect(url, database);
      return {
        store,
        dispose: async () => {
          await store.close();
          const client = await MongoClient.connect(url);
          try {
            await client.db(database).dropDatabase();
          } finally {
            await client.close();
          }
        },
      };
    },
  });
} else {
  describe.skip('AsOfSnapshots contract: MongoDB (skipped: MONGODB_URL is not set)', () => {
    it('runs the AsOfSnapshots contract against the deployment at MONGODB_URL', () => {
      // Never runs: jest reports it as skipped, with the reason in the title.
    });
  });
}
