import { randomBytes } from 'node:crypto';

/** Two handles on the same store, and how to let go of both: what every store contract is given. */
export interface ContractStores<S> {
  readonly store: S;
  readonly other: S;
  readonly close: () => Promise<void>;
}

/**
 * Runs a store's contract on the MongoDB deployment MONGODB_URL names, with two handles on a database of its
 * own; without MONGODB_URL, one skipped test says why.
 */
export function describeOnMongoDb<S extends { close(): Promise<void> }>(
  contract: string,
  describeContract: (name: string, open: () => Promise<ContractStores<S>>) => void,
  connect: (url: string, database: string) => Promise<S>,
  databasePrefix: string,
): void {
  const url = process.env['MONGODB_URL'];
  if (!url) {
    describe.skip(`${contract}: MongoDB (skipped: MONGODB_URL is not set)`, () => {
      it('runs against a MongoDB deployment named by MONGODB_URL', () => {
        // Never runs: jest reports it as skipped, with the reason in the title.
      });
    });
    return;
  }
  describeContract('MongoDB', async () => {
    const database = `${databasePrefix}_${randomBytes(6).toString('hex')}`;
    const store = await connect(url, database);
    const other = await connect(url, database);
    return {
      store,
      other,
      close: async () => {
        await store.close();
        await other.close();
      },
    };
  });
}
