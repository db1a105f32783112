import { type RecordedEvent, eventLeafHash, referenceRoot } from '@app/event-store';
import { MemoryDocuments } from '../memory-documents';
import type { Doc } from '../projection';
import {
  MERKLE_BLOCKS,
  MERKLE_NODES,
  MERKLE_TREE,
  MERKLE_TREE_HEADS,
  type MerkleBlockDoc,
  type MerkleHeadDoc,
  merkleTreeProjection,
} from './merkle-tree.projection';
import { MerkleTreeReader, latestTreeHead, treeHeadChange } from './merkle-tree.reader';

/** An event at a position, whose data says which it is. */
const event = (n: number, position = BigInt(n + 1)): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`,
  streamId: `thing-${n % 3}`,
  revision: Math.floor(n / 3),
  position,
  type: 'Tested',
  data: { n },
  metadata: {
    occurredAt: '2026-03-01T10:00:00.000Z',
    actor: 'a',
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 1,
  },
});

function fold(events: readonly RecordedEvent[]): MemoryDocuments {
  const documents = new MemoryDocuments();
  for (const e of events) documents.apply(merkleTreeProjection, e);
  return documents;
}

const byId = (docs: readonly Doc[]) => [...docs].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('The Merkle tree read model', () => {
  it('keeps the head, a block per 32 leaves with their positions, and nodes only above level 5', () => {
    const events = Array.from({ length: 70 }, (_, n) => event(n));
    const documents = fold(events);
    const leaves = events.map((e) => eventLeafHash(e).toString('hex'));

    const [head] = documents.all(MERKLE_TREE) as MerkleHeadDoc[];
    expect(head).toMatchObject({ id: 'head', size: 70, lastPosition: '70' });
    // 70 = 64 + 4 + 2: the frontier holds three subtrees.
    expect(head!.frontier).toHaveLength(3);

    const blocks = byId(documents.all(MERKLE_BLOCKS)) as MerkleBlockDoc[];
    expect(
      blocks.map((b) => [b.id, b.index, b.leaves.length, b.firstPosition, b.root !== undefined]),
    ).toEqual([
      ['0', 0, 32, '00000000000000000001', true],
      ['1', 1, 32, '00000000000000000033', true],
      ['2', 2, 6, '00000000000000000065', false],
    ]);
    expect(blocks[1]!.leaves).toEqual(leaves.slice(32, 64));
    expect(blocks[1]!.positions).toEqual(Array.from({ length: 32 }, (_, i) => String(33 + i)));
    expect(blocks[0]!.root).toBe(
      referenceRoot(leaves.slice(0, 32).map((h) => Buffer.from(h, 'hex'))).toString('hex'),
    );

    expect(documents.all(MERKLE_NODES)).toEqual([
      {
        id: '6/0',
        level: 6,
        index: 0,
        hash: referenceRoot(leaves.slice(0, 64).map((h) => Buffer.from(h, 'hex'))).toString('hex'),
      },
    ]);
    // Evolve never writes tree heads: the signer does.
    expect(documents.all(MERKLE_TREE_HEADS)).toEqual([]);
  });

  it('names the head for a batch, then the block the next leaf goes to once the head is known', () => {
    const documents = fold(Array.from({ length: 40 }, (_, n) => event(n)));
    const lookup = (collection: string, id: string) => documents.all(collection).find((d) => d.id === id);
    expect(merkleTreeProjection.touches(event(40))).toEqual([{ collection: MERKLE_TREE, id: 'head' }]);
    expect(merkleTreeProjection.touches(event(40), lookup)).toEqual([
      { collection: MERKLE_TREE, id: 'head' },
      { collection: MERKLE_BLOCKS, id: '1' },
    ]);
    expect(merkleTreeProjection.touches(event(0), () => undefined)).toEqual([
      { collection: MERKLE_TREE, id: 'head' },
      { collection: MERKLE_BLOCKS, id: '0' },
    ]);
  });

  it('hashes each event as stored, whatever a layer above changed in what was read', () => {
    const stored = Array.from({ length: 5 }, (_, n) => event(n));
    const read = stored.map((e) => ({ ...e, data: { opened: 'Grace Hopper' }, asStored: e }));
    expect(fold(read).all(MERKLE_BLOCKS)).toEqual(fold(stored).all(MERKLE_BLOCKS));
    expect(fold(read).all(MERKLE_TREE)).toEqual(fold(stored).all(MERKLE_TREE));
  });

  it('finds the leaf of a position on a log with gaps, and no leaf for a position in a gap', async () => {
    const positions = [3n, 4n, 10n, 11n, 12n, 40n];
    const documents = fold(positions.map((p, n) => event(n, p)));
    const reader = new MerkleTreeReader(documents);
    expect(await Promise.all(positions.map((p) => reader.leafIndexOf(p)))).toEqual([0, 1, 2, 3, 4, 5]);
    for (const gap of [0n, 1n, 2n, 5n, 39n, 41n, 2n ** 64n, 2n ** 70n])
      expect(await reader.leafIndexOf(gap)).toBeUndefined();
  });

  it('keeps the tree heads issued, and answers the one of the largest tree', async () => {
    const documents = new MemoryDocuments();
    expect(await latestTreeHead(documents)).toBeUndefined();
    const head = (treeSize: number) => ({
      treeSize,
      rootHash: 'a'.repeat(64),
      timestamp: '2026-03-01T10:00:00.000Z',
      signature: 'c2lnbmVk',
      keyId: 'b'.repeat(64),
    });
    // Written as the signer writes them, through the changes a commit applies.
    const write = (treeSize: number) => {
      const change = treeHeadChange(head(treeSize));
      const projection = { ...merkleTreeProjection, evolve: () => [change] };
      documents.apply(projection, event(0));
      return change;
    };
    expect(write(9).id).toBe('00000000000000000009');
    write(10);
    write(2);
    expect(await latestTreeHead(documents)).toEqual(head(10));
  });
});
