import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppendResult,
  EventStore,
  type Position,
  type ReadAllOptions,
  type RecordedEvent,
  START,
  SqliteEventStore,
  consistencyProof,
  eventLeafHash,
  inclusionProof,
  openSqliteDatabase,
  referenceRoot,
  subtreesOf,
  verifyConsistency,
  verifyInclusion,
} from '@app/event-store';
import fc from 'fast-check';
import { ProjectionRunner } from '../projection-runner';
import { SqliteReadStore } from '../sqlite/sqlite-read-store';
import { MERKLE_BLOCKS, MERKLE_NODES, merkleTreeProjection } from './merkle-tree.projection';
import { MerkleTreeReader } from './merkle-tree.reader';

/**
 * A log whose positions have gaps, as EventStoreDB's do; read as a layer above a store reads it (what was
 * read differs from what is stored, which asStored keeps).
 */
class GappedLog extends EventStore {
  readonly gaplessPositions = false;
  readonly events: RecordedEvent[] = [];

  add(records: readonly RecordedEvent[]): void {
    this.events.push(...records);
  }

  appendToStream(): Promise<AppendResult> {
    return Promise.reject(new Error('read only'));
  }
  readStream(streamId: string): Promise<RecordedEvent[]> {
    return Promise.resolve(this.events.filter((e) => e.streamId === streamId));
  }
  readAll({ after = START, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    return Promise.resolve(
      this.events
        .filter((e) => e.position > after)
        .slice(0, maxCount)
        .map((e) => ({ ...e, data: { opened: true }, asStored: e })),
    );
  }
  headPosition(): Promise<Position> {
    return Promise.resolve(this.events.at(-1)?.position ?? START);
  }
  onAppended(): () => void {
    return () => undefined;
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const record = (n: number, position: Position): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`,
  streamId: `thing-${n % 5}`,
  revision: Math.floor(n / 5),
  position,
  type: 'Tested',
  data: { n, text: `event ${n}` },
  metadata: {
    occurredAt: '2026-03-01T10:00:00.000Z',
    actor: 'a',
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 1,
  },
});

const hex = (hash: Buffer) => hash.toString('hex');

/** Checks everything the reader answers against the naive computation over the stored records. */
async function expectTreeOf(
  store: SqliteReadStore,
  stored: readonly RecordedEvent[],
  pick: number,
): Promise<void> {
  const leaves = stored.map(eventLeafHash);
  const naive = subtreesOf(leaves);
  const size = leaves.length;
  const roots = Array.from({ length: size + 1 }, (_, n) => referenceRoot(leaves.slice(0, n)));
  await store.snapshot(async (docs) => {
    const reader = new MerkleTreeReader(docs);
    expect(await reader.size()).toBe(size);
    expect(hex(await reader.root())).toBe(hex(roots[size]!));
    for (let n = 0; n <= size; n++) expect(hex(await reader.root(n))).toBe(hex(roots[n]!));
    for (const [i, event] of stored.entries()) {
      expect(await reader.leafIndexOf(event.position)).toBe(i);
      // In the whole tree, and (for some) in a tree of a size from i + 1 on.
      const sizes = (pick + i) % 4 === 0 ? [size, i + 1 + ((pick + i) % (size - i))] : [size];
      for (const treeSize of sizes) {
        const proof = await reader.inclusionProof(event.position, treeSize);
        expect(proof).toEqual({
          leafIndex: i,
          leafHash: leaves[i],
          path: await inclusionProof(naive, i, treeSize),
        });
        expect(verifyInclusion(leaves[i]!, i, treeSize, proof!.path, roots[treeSize]!)).toBe(true);
      }
      // Not in a tree that ends before it.
      expect(await reader.inclusionProof(event.position, i)).toBeUndefined();
    }
    for (let from = 1; from <= size; from++) {
      const to = from + ((pick * from) % (size - from + 1));
      for (const [m, n] of (pick + from) % 4 === 0
        ? [[from, size] as const, [from, to] as const]
        : [[from, size] as const]) {
        const path = await reader.consistencyProof(m, n);
        expect(path.map(hex)).toEqual((await consistencyProof(naive, m, n)).map(hex));
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, path)).toBe(true);
      }
    }
  });
}

describe('The Merkle tree kept by the projection runner', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'merkle-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the naive roots and proofs for every size, built in batches as the log grows, on a log with gaps', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 300, size: 'max' }),
        fc.integer({ min: 1, max: 70 }),
        fc.nat({ max: 1000 }),
        fc.nat(),
        async (steps, batchSize, split, pick) => {
          // Positions with gaps of 0 to 2 between them.
          let position = 0n;
          const stored = steps.map((step, n) => record(n, (position += BigInt(step))));
          const db = openSqliteDatabase(join(dir, `read-${run++}.sqlite`), { synchronous: 'NORMAL' });
          const store = new SqliteReadStore(db);
          try {
            const log = new GappedLog();
            const half = split % (stored.length + 1);
            log.add(stored.slice(0, half));
            await new ProjectionRunner(log, store, [merkleTreeProjection], { batchSize }).catchUp();
            log.add(stored.slice(half));
            // Another process takes over from the checkpoint.
            await new ProjectionRunner(log, store, [merkleTreeProjection], { batchSize }).catchUp();
            await expectTreeOf(store, stored, pick);
            // Positions in the gaps, before the first and after the last are in no tree.
            await store.snapshot(async (docs) => {
              const reader = new MerkleTreeReader(docs);
              const held = new Set(stored.map((e) => e.position));
              for (let p = 0n; p <= position + 1n; p++) {
                if (!held.has(p)) expect(await reader.leafIndexOf(p)).toBeUndefined();
              }
            });
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps the tree of the embedded log in a document per 32 events and one per subtree above them', async () => {
    const eventsDb = openSqliteDatabase(join(dir, 'events.sqlite'));
    const events = new SqliteEventStore(eventsDb);
    const readDb = openSqliteDatabase(join(dir, 'read.sqlite'));
    const store = new SqliteReadStore(readDb);
    try {
      for (let n = 0; n < 300; n += 10) {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => {
            const { id, type, data, metadata } = record(n + i, 0n);
            return events.appendToStream(`thing-${n + i}`, [{ id, type, data, metadata }]);
          }),
        );
      }
      await new ProjectionRunner(events, store, [merkleTreeProjection], { batchSize: 100 }).catchUp();
      const stored = await events.readAll({ maxCount: 10_000 });
      expect(stored).toHaveLength(300);
      await expectTreeOf(store, stored, 7);
      // 300 leaves: 10 blocks (the last of 12), and the nodes of levels 6 to 8 (4 + 2 + 1).
      expect(await store.count(MERKLE_BLOCKS, {})).toBe(10);
      expect(await store.count(MERKLE_NODES, {})).toBe(7);
    } finally {
      await events.close();
      eventsDb.close();
      readDb.close();
    }
  });
});
