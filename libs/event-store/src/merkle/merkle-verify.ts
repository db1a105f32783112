import { HASH_BYTES, emptyRoot, nodeHash } from './merkle-hash';
import { isPowerOfTwo } from './merkle-tree';

/**
 * Proof verification as RFC 9162 writes it (sections 2.1.3.2 and 2.1.4.2), step by step, with the RFC's
 * names. Every hash must be 32 bytes; sizes and indexes safe integers. Divisions stand for the RFC's right
 * shifts (a JavaScript shift wraps past 2^31).
 */

const lsb = (n: number): boolean => n % 2 === 1;
const shift = (n: number): number => Math.floor(n / 2);
const isHash = (hash: Uint8Array): boolean => hash.length === HASH_BYTES;
const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** Whether `path` proves that the leaf hash is at `leafIndex` in the tree of `treeSize` leaves with this root. */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  path: readonly Uint8Array[],
  rootHash: Uint8Array,
): boolean {
  if (!isCount(leafIndex) || !isCount(treeSize)) return false;
  if (!isHash(leafHash) || !isHash(rootHash) || !path.every(isHash)) return false;
  // 1. leaf_index must be smaller than tree_size.
  if (leafIndex >= treeSize) return false;
  // 2. fn = leaf_index, sn = tree_size - 1; 3. r = hash.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  // 4. For each p in inclusion_path:
  for (const p of path) {
    // a. sn = 0: fail.
    if (sn === 0) return false;
    // b. LSB(fn) set, or fn = sn: p is a left sibling.
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      // ii. Skip the levels where this node has no right sibling.
      if (!lsb(fn)) {
        while (!(lsb(fn) || fn === 0)) {
          fn = shift(fn);
          sn = shift(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    // c. Up one level.
    fn = shift(fn);
    sn = shift(sn);
  }
  // 5. sn = 0 and r = root_hash.
  return sn === 0 && r.equals(rootHash);
}

/**
 * Whether `path` proves that the tree of `first` leaves with root `firstHash` is the beginning of the tree of
 * `second` leaves with root `secondHash`. Beyond the RFC's 0 < first < second: equal sizes are consistent when
 * the roots are equal and the path empty; the empty tree (its root is HASH()) with an empty path precedes any.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstHash: Uint8Array,
  secondHash: Uint8Array,
  path: readonly Uint8Array[],
): boolean {
  if (!isCount(first) || !isCount(second) || first > second) return false;
  if (!isHash(firstHash) || !isHash(secondHash) || !path.every(isHash)) return false;
  if (first === second) return path.length === 0 && Buffer.from(firstHash).equals(secondHash);
  if (first === 0) return path.length === 0 && emptyRoot().equals(firstHash);
  // 1. An empty consistency_path fails.
  if (path.length === 0) return false;
  // 2. If first is an exact power of 2, first_hash is prepended.
  const consistencyPath = isPowerOfTwo(first) ? [firstHash, ...path] : [...path];
  // 3. fn = first - 1, sn = second - 1.
  let fn = first - 1;
  let sn = second - 1;
  // 4. While LSB(fn) is set, shift both.
  while (lsb(fn)) {
    fn = shift(fn);
    sn = shift(sn);
  }
  // 5. fr and sr start at the first value.
  let fr: Buffer = Buffer.from(consistencyPath[0]!);
  let sr: Buffer = Buffer.from(consistencyPath[0]!);
  // 6. For each subsequent value c:
  for (const c of consistencyPath.slice(1)) {
    // a. sn = 0: fail.
    if (sn === 0) return false;
    // b. LSB(fn) set, or fn = sn: c is a left sibling in both trees.
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!(lsb(fn) || fn === 0)) {
          fn = shift(fn);
          sn = shift(sn);
        }
      }
    } else {
      // Otherwise c is a right sibling, in the new tree only.
      sr = nodeHash(sr, c);
    }
    // c. Up one level.
    fn = shift(fn);
    sn = shift(sn);
  }
  // 7. fr = first_hash, sr = second_hash and sn = 0.
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0;
}
