import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openReadStore } from '@app/application';
import { SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import { ProjectionRunner, merkleTreeProjection } from '@app/read-models';
import { type Figure, latencies } from './stats';
import { concurrentCaptures } from './store-appends';

/**
 * Concurrent appends for `seconds`, with the Merkle tree kept up with the log on the same thread or not kept
 * at all: the tree is maintained by the projection runner as the log grows, not on the append path, so its
 * cost on appends is the time it takes from them. (In the service the runner has a thread of its own.)
 */
async function appendsWhileTreeKept(
  seconds: number,
  writers: number,
  keepTree: boolean,
): Promise<{ rate: number; samples: number[]; treeSize: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tree-'));
  const db = openSqliteDatabase(join(dir, 'events.sqlite'));
  const store = new SqliteEventStore(db);
  const reads = await openReadStore(loadConfig({ DATA_DIR: dir }));
  const runner = new ProjectionRunner(store, reads.store, [merkleTreeProjection], {
    pollIntervalMs: 50,
    lingerMs: 5,
    busyLingerMs: 50,
  });
  try {
    if (keepTree) await runner.start();
    const { rate, samples } = await concurrentCaptures(store, seconds, writers);
    if (keepTree) await runner.waitFor(await store.headPosition(), 60_000);
    const treeSize = keepTree ? Number(runner.lowestCheckpoint()) : 0;
    return { rate, samples, treeSize };
  } finally {
    await runner.stop();
    await reads.close();
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  }
}

/** The cost of keeping the Merkle tree on appends, in alternating rounds, and the rate the tree is kept at. */
export async function treeFigures(seconds: number, writers: number, rounds = 2): Promise<Figure[]> {
  const without: number[] = [];
  const kept: number[] = [];
  const withoutSamples: number[] = [];
  const keptSamples: number[] = [];
  let treeSize = 0;
  for (let round = 0; round < rounds; round++) {
    const a = await appendsWhileTreeKept(seconds / rounds, writers, false);
    without.push(a.rate);
    for (const sample of a.samples) withoutSamples.push(sample);
    const b = await appendsWhileTreeKept(seconds / rounds, writers, true);
    kept.push(b.rate);
    for (const sample of b.samples) keptSamples.push(sample);
    treeSize = b.treeSize;
  }
  const mean = (rates: number[]) => rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
  const cost = 1 - mean(kept) / mean(without);
  return [
    {
      name: `store: concurrent appends, no Merkle tree kept (${writers} writers)`,
      unit: 'events/s',
      rate: mean(without),
      ...latencies(withoutSamples),
      note: `rounds: ${without.map((rate) => Math.round(rate)).join(', ')}`,
    },
    {
      name: `store: concurrent appends, Merkle tree kept on the same thread (${writers} writers)`,
      unit: 'events/s',
      rate: mean(kept),
      ...latencies(keptSamples),
      note:
        `rounds: ${kept.map((rate) => Math.round(rate)).join(', ')}; cost ${(cost * 100).toFixed(1)}%; ` +
        `the tree caught up to ${treeSize} leaves`,
    },
  ];
}
