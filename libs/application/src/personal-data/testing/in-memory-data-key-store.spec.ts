import { InMemoryDataKeyStore } from './in-memory-data-key-store';
import { describeDataKeyStoreContract } from './data-key-store.contract';

// The fake that unit tests use keeps the promises of the real stores.
describeDataKeyStoreContract('in memory (the unit tests fake)', () => {
  const store = new InMemoryDataKeyStore();
  return Promise.resolve({ store, other: store, close: () => store.close() });
});
