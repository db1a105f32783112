import {
  type Position,
  type SubtreeHashes,
  type TreeHead,
  consistencyProof,
  frontierRoot,
  inclusionProof,
  referenceRoot,
  rootOf,
} from '@app/event-store';
import type { DocChange, DocumentReader } from '../projection';
import {
  BLOCK_LEVEL,
  BLOCK_SIZE,
  HEAD_ID,
  MERKLE_BLOCKS,
  MERKLE_NODES,
  MERKLE_TREE,
  MERKLE_TREE_HEADS,
  type MerkleBlockDoc,
  type MerkleHeadDoc,
  type MerkleNodeDoc,
  type TreeHeadDoc,
  blockId,
  nodeId,
  paddedPosition,
} from './merkle-tree.projection';

const fromHex = (hash: string): Buffer => Buffer.from(hash, 'hex');
/** The largest position a store can have: positions beyond it are in no tree. */
const MAX_POSITION = 2n ** 64n - 1n;

export interface InclusionProof {
  readonly leafIndex: number;
  readonly leafHash: Buffer;
  readonly path: Buffer[];
}

/**
 * The Merkle tree as the merkle-tree projection keeps it: its size and roots, where an event's leaf is, and
 * proofs. Read it inside one snapshot of the read store, so that the head and the nodes agree. Each reader
 * keeps the blocks it read: make one per query.
 */
export class MerkleTreeReader implements SubtreeHashes {
  private head: Promise<MerkleHeadDoc | undefined> | undefined;
  private readonly blocks = new Map<number, Promise<MerkleBlockDoc | undefined>>();

  constructor(private readonly docs: DocumentReader) {}

  /** Leaves in the tree: the events folded so far. */
  async size(): Promise<number> {
    return (await this.headDoc())?.size ?? 0;
  }

  /** The root of the tree of the first `treeSize` leaves (all of them by default). */
  async root(treeSize?: number): Promise<Buffer> {
    const head = await this.headDoc();
    const size = head?.size ?? 0;
    const wanted = treeSize ?? size;
    if (!Number.isSafeInteger(wanted) || wanted < 0 || wanted > size) {
      throw new RangeError(`the tree has ${size} leaves, not ${wanted}`);
    }
    if (wanted === size) return frontierRoot((head?.frontier ?? []).map(fromHex));
    return rootOf(this, wanted);
  }

  /** The index of the leaf of the event at this position; undefined when no event there is in the tree. */
  async leafIndexOf(position: Position): Promise<number | undefined> {
    if (position < 1n || position > MAX_POSITION) return undefined;
    const [block] = await this.docs.find<MerkleBlockDoc>(MERKLE_BLOCKS, {
      range: { field: 'firstPosition', lt: paddedPosition(position + 1n) },
      orderBy: { field: 'firstPosition', direction: 'desc' },
      limit: 1,
    });
    if (!block) return undefined;
    this.blocks.set(block.index, Promise.resolve(block));
    const offset = block.positions.indexOf(position.toString());
    return offset === -1 ? undefined : block.index * BLOCK_SIZE + offset;
  }

  /** The inclusion proof of the event at this position in the tree of `treeSize` leaves; undefined if not in it. */
  async inclusionProof(position: Position, treeSize: number): Promise<InclusionProof | undefined> {
    const leafIndex = await this.leafIndexOf(position);
    if (leafIndex === undefined || leafIndex >= treeSize) return undefined;
    const [leafHash, path] = await Promise.all([
      this.subtree(0, leafIndex),
      inclusionProof(this, leafIndex, treeSize),
    ]);
    return { leafIndex, leafHash, path };
  }

  /** The consistency proof from the tree of `from` leaves to the tree of `to` (0 < from <= to <= size). */
  consistencyProof(from: number, to: number): Promise<Buffer[]> {
    return consistencyProof(this, from, to);
  }

  /** A perfect subtree: from its node document above the blocks, else from its block's leaves. */
  async subtree(level: number, index: number): Promise<Buffer> {
    if (level > BLOCK_LEVEL) {
      const node = await this.docs.get<MerkleNodeDoc>(MERKLE_NODES, nodeId(level, index));
      if (!node) throw new Error(`the Merkle tree has no node ${nodeId(level, index)}`);
      return fromHex(node.hash);
    }
    const width = 2 ** level;
    const first = index * width;
    const blockIndex = Math.floor(first / BLOCK_SIZE);
    const block = await this.block(blockIndex);
    if (level === BLOCK_LEVEL && block?.root !== undefined) return fromHex(block.root);
    const offset = first - blockIndex * BLOCK_SIZE;
    const leaves = block?.leaves.slice(offset, offset + width) ?? [];
    if (leaves.length < width) throw new Error(`the Merkle tree has no subtree ${level}/${index} yet`);
    return referenceRoot(leaves.map(fromHex));
  }

  private headDoc(): Promise<MerkleHeadDoc | undefined> {
    this.head ??= this.docs.get<MerkleHeadDoc>(MERKLE_TREE, HEAD_ID);
    return this.head;
  }

  private block(index: number): Promise<MerkleBlockDoc | undefined> {
    let block = this.blocks.get(index);
    if (!block) {
      block = this.docs.get<MerkleBlockDoc>(MERKLE_BLOCKS, blockId(index));
      this.blocks.set(index, block);
    }
    return block;
  }
}

/** The last tree head issued: the one of the largest tree. */
export async function latestTreeHead(docs: DocumentReader): Promise<TreeHead | undefined> {
  const [doc] = await docs.find<TreeHeadDoc>(MERKLE_TREE_HEADS, {
    orderBy: { field: 'treeSize', direction: 'desc' },
    limit: 1,
  });
  if (!doc) return undefined;
  const { treeSize, rootHash, timestamp, signature, keyId } = doc;
  return { treeSize, rootHash, timestamp, signature, keyId };
}

/** The change that keeps a tree head issued, under its tree size: one per size, the last issued kept. */
export const treeHeadChange = (head: TreeHead): DocChange => {
  const id = paddedPosition(BigInt(head.treeSize));
  return { collection: MERKLE_TREE_HEADS, id, doc: { id, ...head } };
};
