import {
  type Position,
  type RecordedEvent,
  type TreeHead,
  appendToFrontier,
  eventLeafHashHex,
} from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';

export const MERKLE_TREE = 'merkle_tree';
export const MERKLE_BLOCKS = 'merkle_blocks';
export const MERKLE_NODES = 'merkle_nodes';
/**
 * The signed tree heads issued (written by the signer, not by evolve): the last one survives a restart. A rebuild
 * of the projection drops them with the tree; those handed out stay valid, and the tree rebuilt from an
 * unaltered log has the same roots.
 */
export const MERKLE_TREE_HEADS = 'merkle_tree_heads';

/** A block holds 2^BLOCK_LEVEL leaves: 32. The subtrees below that level are recomputed from its leaves. */
export const BLOCK_LEVEL = 5;
export const BLOCK_SIZE = 2 ** BLOCK_LEVEL;

export const HEAD_ID = 'head';

/** The tree as it stands: its size and its frontier, from which its root is computed. */
export interface MerkleHeadDoc extends Doc {
  readonly id: typeof HEAD_ID;
  /** Leaves: the events folded, in log order. */
  readonly size: number;
  /** The roots (hex) of the perfect subtrees the tree splits into, largest first (see Frontier). */
  readonly frontier: readonly string[];
  /** The position of the last event folded. */
  readonly lastPosition: string;
}

/**
 * BLOCK_SIZE consecutive leaves, from leaf index * BLOCK_SIZE, with the positions of their events (so that a
 * position finds its leaf on a store whose positions have gaps), and the block's root once it is full.
 */
export interface MerkleBlockDoc extends Doc {
  readonly index: number;
  /** The first event's position, 20 digits with leading zeros: ordered as text as positions are as numbers. */
  readonly firstPosition: string;
  /** The leaf hashes, hex. */
  readonly leaves: readonly string[];
  /** The positions of their events, in decimal. */
  readonly positions: readonly string[];
  /** The root of the block's 32 leaves (the subtree at level BLOCK_LEVEL), once it has them all. */
  readonly root?: string;
}

/** A perfect subtree above the blocks: 2^level leaves from leaf index * 2^level. */
export interface MerkleNodeDoc extends Doc {
  readonly level: number;
  readonly index: number;
  readonly hash: string;
}

/** A signed tree head as issued, under its tree size (20 digits, zero-padded). */
export type TreeHeadDoc = Doc & TreeHead;

/** Positions as 20 digits: every 64-bit position, ordered as text as it is as a number. */
export const paddedPosition = (position: Position): string => position.toString().padStart(20, '0');

export const blockId = (index: number): string => String(index);
export const nodeId = (level: number, index: number): string => `${level}/${index}`;

const HEAD_REF: DocRef = { collection: MERKLE_TREE, id: HEAD_ID };
const EMPTY_HEAD: MerkleHeadDoc = { id: HEAD_ID, size: 0, frontier: [], lastPosition: '0' };

/** How many subtrees of the frontier a leaf appended to a tree of this size merges: its trailing ones. */
function trailingOnes(size: number): number {
  let ones = 0;
  for (let rest = size; rest % 2 === 1; rest = Math.floor(rest / 2)) ones += 1;
  return ones;
}

const headOf = (docs: DocLookup | undefined): MerkleHeadDoc =>
  (docs?.(MERKLE_TREE, HEAD_ID) as MerkleHeadDoc | undefined) ?? EMPTY_HEAD;

/**
 * The Merkle tree of RFC 9162 over the whole log, in log order: leaf n is the hash of the n-th event's
 * stored record (eventLeafHash), so whatever runs projections (this process, its projection thread, the
 * projector beside EventStoreDB) keeps it, with the same atomic checkpoints as every read model.
 *
 * Kept small: the head (size and frontier: the current root), a document per 32 leaves, and one per perfect
 * subtree above them (levels 6 and up: one per 32 leaves again, on average), so about 62,500 documents for
 * a million events. Proofs recompute the few nodes below level 5 from a block's leaves.
 */
export const merkleTreeProjection: Projection = {
  name: 'merkle-tree',
  version: 1,
  collections: [
    { name: MERKLE_TREE, indexes: [] },
    { name: MERKLE_BLOCKS, indexes: [{ field: 'firstPosition' }] },
    { name: MERKLE_NODES, indexes: [] },
    { name: MERKLE_TREE_HEADS, indexes: [{ field: 'treeSize' }] },
  ],
  // The head says which block the next leaf goes to: the block is named once the head is loaded.
  touches: (_event, lookup) =>
    lookup === undefined
      ? [HEAD_REF]
      : [HEAD_REF, { collection: MERKLE_BLOCKS, id: blockId(Math.floor(headOf(lookup).size / BLOCK_SIZE)) }],
  evolve(event: RecordedEvent, docs: DocLookup): DocChange[] {
    const head = headOf(docs);
    const index = Math.floor(head.size / BLOCK_SIZE);
    const id = blockId(index);
    const block = docs(MERKLE_BLOCKS, id) as MerkleBlockDoc | undefined;
    const leaf = eventLeafHashHex(event);
    const position = event.position.toString();

    const changes: DocChange[] = [];
    let blockRoot: string | undefined;
    // Only the subtrees the leaf completes change: the rest of the frontier is kept as it is, in hex.
    const kept = head.frontier.slice(0, head.frontier.length - trailingOnes(head.size));
    const merged = appendToFrontier(
      head.frontier.slice(kept.length).map((hash) => Buffer.from(hash, 'hex')),
      head.size,
      Buffer.from(leaf, 'hex'),
      (level, nodeIndex, hash) => {
        if (level === BLOCK_LEVEL) blockRoot = hash.toString('hex');
        if (level <= BLOCK_LEVEL) return;
        const doc: MerkleNodeDoc = {
          id: nodeId(level, nodeIndex),
          level,
          index: nodeIndex,
          hash: hash.toString('hex'),
        };
        changes.push({ collection: MERKLE_NODES, id: doc.id, doc });
      },
    );
    const nextBlock: MerkleBlockDoc = {
      id,
      index,
      firstPosition: block?.firstPosition ?? paddedPosition(event.position),
      leaves: [...(block?.leaves ?? []), leaf],
      positions: [...(block?.positions ?? []), position],
      ...(blockRoot === undefined ? {} : { root: blockRoot }),
    };
    const nextHead: MerkleHeadDoc = {
      id: HEAD_ID,
      size: head.size + 1,
      frontier: [...kept, ...merged.map((hash) => hash.toString('hex'))],
      lastPosition: position,
    };
    changes.push(
      { collection: MERKLE_BLOCKS, id, doc: nextBlock },
      { collection: MERKLE_TREE, id: HEAD_ID, doc: nextHead },
    );
    return changes;
  },
};
