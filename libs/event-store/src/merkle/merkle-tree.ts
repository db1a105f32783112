import { emptyRoot, nodeHash } from './merkle-hash';

/**
 * The Merkle tree of RFC 9162 (section 2.1) over a list of leaf hashes, and its proofs. Sizes and indexes are
 * numbers (safe integers: far beyond any log), so the arithmetic divides rather than shifts, which would
 * wrap past 2^31.
 */

export const isPowerOfTwo = (n: number): boolean => n >= 1 && 2 ** Math.round(Math.log2(n)) === n;

/** The largest power of two smaller than n (n >= 2): the size of the left subtree of a tree of n leaves. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The Merkle tree hash MTH of the leaves, as RFC 9162 defines it: recursive, for reference and tests. */
export function referenceRoot(leafHashes: readonly Buffer[]): Buffer {
  if (leafHashes.length === 0) return emptyRoot();
  if (leafHashes.length === 1) return leafHashes[0]!;
  const k = largestPowerOfTwoBelow(leafHashes.length);
  return nodeHash(referenceRoot(leafHashes.slice(0, k)), referenceRoot(leafHashes.slice(k)));
}

/**
 * The roots of the perfect subtrees a tree of `size` leaves splits into, largest (leftmost) first, one per
 * bit set in `size` (a compact range). Appending a leaf merges the subtrees it completes: `appendToFrontier`.
 */
export type Frontier = readonly Buffer[];

/**
 * The frontier after appending a leaf to a tree of `size` leaves. `completed` hears of every perfect subtree
 * the leaf completes, the leaf's own (level 0) included: its level (2^level leaves) and index (its leaves
 * start at index * 2^level).
 */
export function appendToFrontier(
  frontier: Frontier,
  size: number,
  leafHash: Buffer,
  completed?: (level: number, index: number, hash: Buffer) => void,
): Buffer[] {
  const next = frontier.slice();
  let hash = leafHash;
  let level = 0;
  let count = size + 1;
  completed?.(0, size, hash);
  // Each trailing one of size is a subtree of the same height waiting for its right sibling.
  for (let rest = size; rest % 2 === 1; rest = Math.floor(rest / 2)) {
    hash = nodeHash(next.pop()!, hash);
    level += 1;
    count /= 2;
    completed?.(level, count - 1, hash);
  }
  next.push(hash);
  return next;
}

/** The root of the tree whose frontier this is: its subtrees hashed together from the right. */
export function frontierRoot(frontier: Frontier): Buffer {
  if (frontier.length === 0) return emptyRoot();
  let root = frontier[frontier.length - 1]!;
  for (let i = frontier.length - 2; i >= 0; i--) root = nodeHash(frontier[i]!, root);
  return root;
}

/**
 * The root of a log read leaf by leaf, in memory of O(log n) hashes: for a verifier that streams a whole log.
 * `rootAt` is the root of the first leaves, for a size already passed.
 */
export class RootBuilder {
  private frontier: Buffer[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leafHash: Buffer): void {
    this.frontier = appendToFrontier(this.frontier, this.count, leafHash);
    this.count += 1;
  }

  root(): Buffer {
    return frontierRoot(this.frontier);
  }
}

/**
 * Where proofs read the tree: the hash of a perfect subtree, of 2^level leaves starting at leaf
 * index * 2^level. A store keeps what it likes (every node, or some levels and recomputes the rest).
 */
export interface SubtreeHashes {
  subtree(level: number, index: number): Promise<Buffer>;
}

/** A SubtreeHashes over leaf hashes held in memory, computing each subtree naively: for tests and small logs. */
export const subtreesOf = (leafHashes: readonly Buffer[]): SubtreeHashes => ({
  subtree: (level, index) => {
    const width = 2 ** level;
    if ((index + 1) * width > leafHashes.length) {
      return Promise.reject(new RangeError(`no subtree ${level}/${index} in a tree of ${leafHashes.length}`));
    }
    return Promise.resolve(referenceRoot(leafHashes.slice(index * width, (index + 1) * width)));
  },
});

/** MTH(D[start:end]) from perfect subtrees: the one that covers the range, or its two parts as MTH splits it. */
export async function rangeRoot(source: SubtreeHashes, start: number, end: number): Promise<Buffer> {
  const size = end - start;
  if (size === 0) return emptyRoot();
  if (isPowerOfTwo(size) && start % size === 0)
    return source.subtree(Math.round(Math.log2(size)), start / size);
  const k = largestPowerOfTwoBelow(size);
  const [left, right] = await Promise.all([
    rangeRoot(source, start, start + k),
    rangeRoot(source, start + k, end),
  ]);
  return nodeHash(left, right);
}

/** The root of the tree of the first `size` leaves. */
export const rootOf = (source: SubtreeHashes, size: number): Promise<Buffer> => rangeRoot(source, 0, size);

const checkSize = (name: string, value: number, min: number, max: number): void => {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
};

/**
 * The inclusion proof of the leaf at `index` in the tree of `size` leaves: PATH(m, D[n]) of RFC 9162
 * (section 2.1.3.1), the siblings on the way from the leaf to the root, the leaf's own first.
 */
export async function inclusionProof(source: SubtreeHashes, index: number, size: number): Promise<Buffer[]> {
  checkSize('size', size, 1, Number.MAX_SAFE_INTEGER);
  checkSize('index', index, 0, size - 1);
  // From the root down: at each split, the subtree not holding the leaf is a sibling.
  const siblings: [number, number][] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = largestPowerOfTwoBelow(end - start);
    if (index < start + k) {
      siblings.push([start + k, end]);
      end = start + k;
    } else {
      siblings.push([start, start + k]);
      start += k;
    }
  }
  return Promise.all(siblings.reverse().map(([from, to]) => rangeRoot(source, from, to)));
}

/**
 * The consistency proof between the trees of `from` and `to` leaves (0 < from <= to): PROOF(m, D[n]) of RFC
 * 9162 (section 2.1.4.1), the subtrees that make both roots. Empty when from = to.
 */
export async function consistencyProof(source: SubtreeHashes, from: number, to: number): Promise<Buffer[]> {
  checkSize('to', to, 1, Number.MAX_SAFE_INTEGER);
  checkSize('from', from, 1, to);
  // SUBPROOF(m, D[n], b) unrolled: each level adds its part after the deeper ones.
  const parts: [number, number][] = [];
  let start = 0;
  let end = to;
  let whole = true;
  while (from - start !== end - start) {
    const k = largestPowerOfTwoBelow(end - start);
    if (from - start <= k) {
      parts.push([start + k, end]);
      end = start + k;
    } else {
      parts.push([start, start + k]);
      start += k;
      whole = false;
    }
  }
  // D[m] reached: its root is in the proof unless it is the whole old tree (the verifier holds that one).
  if (!whole) parts.push([start, end]);
  return Promise.all(parts.reverse().map(([a, b]) => rangeRoot(source, a, b)));
}
