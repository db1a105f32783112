import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '@app/event-store';
import { describeReadStoreContract } from '../testing/read-store.contract';
import { SqliteReadStore } from './sqlite-read-store';

describeReadStoreContract('SQLite', {
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-store-'));
    const file = join(dir, 'read-models.sqlite');
    const writer = openSqliteDatabase(file);
    const reader = openSqliteDatabase(file);
    const store = new SqliteReadStore(writer, reader);
    return Promise.resolve({
      store,
      dispose: async () => {
        await store.close();
        reader.close();
        writer.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
});
