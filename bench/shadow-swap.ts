import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openReadStore } from '@app/application';
import {
  type DocChange,
  LEADS,
  ReadStore,
  leadListProjection,
  shadowCheckpointName,
  shadowCollectionName,
} from '@app/read-models';

const SOURCES = ['web_form', 'referral', 'event'];
const STATUSES = ['new', 'qualified', 'disqualified'];

/** A lead document with every field the lead list indexes. */
const leadDoc = (i: number, version: number) => ({
  id: `lead-${i}`,
  status: STATUSES[i % 3],
  source: SOURCES[(i >> 2) % 3],
  owner: i % 5 === 0 ? null : `owner-${i % 7}`,
  capturedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  tags: i % 2 === 0 ? ['enterprise', 'hot'] : ['smb'],
  fit: (i * 7) % 100,
  engagementRank: i % 3 === 0 ? null : (i * 13) % 1000,
  name: `Lead ${i}`,
  company: `Company ${i % 900}`,
  revision: 3,
  written: version,
});

async function fill(
  store: ReadStore,
  collection: string,
  count: number,
  version: number,
  checkpoint: string,
) {
  let position = 0n;
  for (let from = 0; from < count; from += 5000) {
    const changes: DocChange[] = [];
    for (let i = from; i < Math.min(count, from + 5000); i++) {
      changes.push({ collection, id: `lead-${i}`, doc: leadDoc(i, version) });
    }
    const next = BigInt(Math.min(count, from + 5000));
    await store.commit({
      changes,
      checkpoints: [{ name: checkpoint, position: next, version, from: position }],
    });
    position = next;
  }
  return position;
}

/**
 * How long the SQLite read store takes to swap a rebuilt lead list (its leads collection, with the lead list's
 * indexes) in place of the live one: `npx tsx bench/shadow-swap.ts [documents]` (default 100,000). The
 * switch itself is one transaction of renames; the old tables are dropped after it, which with secure_delete
 * (every freed page overwritten) is most of the time. Queries on the reader connection go on throughout.
 */
async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-swap-'));
  try {
    const reads = await openReadStore(loadConfig({ DATA_DIR: dir }));
    const store = reads.store;
    const v1 = leadListProjection;
    const v2 = { ...v1, version: v1.version + 1 };
    await store.prepare([v1]);
    await fill(store, LEADS, count, v1.version, v1.name);
    await store.prepareShadow(v2);
    const position = await fill(
      store,
      shadowCollectionName(LEADS),
      count,
      v2.version,
      shadowCheckpointName(v1.name),
    );

    const query = () =>
      store.snapshot((reader) =>
        reader.find(LEADS, {
          where: { status: 'new' },
          orderBy: { field: 'fit', direction: 'desc' },
          limit: 20,
        }),
      );
    const queried = performance.now();
    await query();
    const queryMs = performance.now() - queried;

    // The switch alone: the transaction that renames the tables and moves the checkpoints, timed by a query
    // that waits for it on the reader connection.
    const started = performance.now();
    let switchedMs = NaN;
    const switched = (async () => {
      while (Number.isNaN(switchedMs)) {
        const checkpoint = await store.snapshot((reader) => reader.checkpoint(v1.name));
        if (checkpoint?.version === v2.version) switchedMs = performance.now() - started;
        else await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await store.swapShadow(v2, position);
    const swapMs = performance.now() - started;
    await switched;

    const after = await query();
    if (after.length !== 20 || after.some((doc) => doc['written'] !== v2.version)) {
      throw new Error('the swapped-in documents do not answer');
    }
    process.stdout.write(
      `swap of ${count} lead documents (${v1.collections[0]!.indexes.length} indexes): ${swapMs.toFixed(0)} ms, ` +
        `the old tables' drop included; the new documents answer after ${switchedMs.toFixed(0)} ms ` +
        `(a query on the lead list: ${queryMs.toFixed(1)} ms)\n`,
    );
    await reads.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  }
}

void main();
