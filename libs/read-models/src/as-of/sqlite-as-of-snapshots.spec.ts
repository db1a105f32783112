import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteAsOfSnapshots } from './sqlite-as-of-snapshots';
import { describeAsOfSnapshotsContract } from './testing/as-of-snapshots.contract';

describeAsOfSnapshotsContract('SQLite', {
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-of-snapshots-'));
    const store = SqliteAsOfSnapshots.open(join(dir, 'as-of-snapshots.sqlite'));
    return Promise.resolve({
      store,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
});
