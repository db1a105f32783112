import fc from 'fast-check';
import type { RecordedEvent } from '../event-store.port';
import { emptyRoot, eventLeafHash, eventLeafHashHex, leafHash, leafOf, nodeHash } from './merkle-hash';
import {
  RootBuilder,
  appendToFrontier,
  consistencyProof,
  frontierRoot,
  inclusionProof,
  referenceRoot,
  rootOf,
  subtreesOf,
} from './merkle-tree';
import { verifyConsistency, verifyInclusion } from './merkle-verify';

const hex = (value: string) => Buffer.from(value, 'hex');
const hexes = (values: readonly Buffer[]) => values.map((value) => value.toString('hex'));

/**
 * The test vectors of the Certificate Transparency reference implementations (RFC 6962 hashing, which RFC
 * 9162 keeps): eight leaves of growing length, the roots of the trees of their first 1..8, and proofs.
 */
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** Inclusion proofs: [leaf index, tree size, path]. */
const INCLUSIONS: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
/** Consistency proofs: [first size, second size, path]. */
const CONSISTENCIES: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

const LEAF_HASHES = LEAVES.map(leafHash);
const vectorRoot = (size: number) => hex(ROOTS[size - 1]!);
const source = subtreesOf(LEAF_HASHES);

/** A bit flipped in one byte of a copy. */
const flipped = (hash: Uint8Array, byte = 0, bit = 3): Buffer => {
  const copy = Buffer.from(hash);
  copy[byte]! ^= 1 << bit;
  return copy;
};

describe('RFC 9162 hashing, against the Certificate Transparency test vectors', () => {
  it('hashes the empty tree, leaves and nodes with their prefixes', () => {
    expect(emptyRoot().toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(ROOTS[0]);
    expect(nodeHash(LEAF_HASHES[0]!, LEAF_HASHES[1]!).toString('hex')).toBe(ROOTS[1]);
    // A leaf is never taken for a node of the same bytes.
    expect(leafHash(Buffer.concat(LEAF_HASHES.slice(0, 2)))).not.toEqual(hex(ROOTS[1]!));
  });

  it.each(ROOTS.map((root, i) => [i + 1, root]))(
    'has the root of the first %i leaves',
    async (size, root) => {
      const leaves = LEAF_HASHES.slice(0, size);
      expect(referenceRoot(leaves).toString('hex')).toBe(root);
      expect((await rootOf(source, size)).toString('hex')).toBe(root);
      const builder = new RootBuilder();
      for (const leaf of leaves) builder.push(leaf);
      expect(builder.root().toString('hex')).toBe(root);
      expect(builder.size).toBe(size);
    },
  );

  it.each(INCLUSIONS)('proves leaf %i in the tree of %i', async (index, size, path) => {
    expect(hexes(await inclusionProof(source, index, size))).toEqual(path);
    expect(verifyInclusion(LEAF_HASHES[index]!, index, size, path.map(hex), vectorRoot(size))).toBe(true);
  });

  it.each(CONSISTENCIES)(
    'proves the tree of %i consistent with the tree of %i',
    async (first, second, path) => {
      expect(hexes(await consistencyProof(source, first, second))).toEqual(path);
      expect(verifyConsistency(first, second, vectorRoot(first), vectorRoot(second), path.map(hex))).toBe(
        true,
      );
    },
  );

  it("refuses the reference implementations' corruptions of every inclusion vector", () => {
    const some = hex('abacaba000000000000000000000000000000000000000000060061e00123456');
    for (const [index, size, hexPath] of INCLUSIONS.slice(1)) {
      const path = hexPath.map(hex);
      const leaf = LEAF_HASHES[index]!;
      const root = vectorRoot(size);
      const probes: [number, number, Buffer, Buffer[], Buffer][] = [
        [index - 1, size, leaf, path, root],
        [index + 1, size, leaf, path, root],
        [index ^ 2, size, leaf, path, root],
        [index, size * 2, leaf, path, root],
        [index, Math.floor(size / 2), leaf, path, root],
        [index, size, Buffer.from('WrongLeaf'), path, root],
        [index, size, leaf, path, emptyRoot()],
        [index, size, leaf, path, some],
        [index, size, leaf, [...path, Buffer.alloc(0)], root],
        [index, size, leaf, [...path, root], root],
        [index, size, leaf, [Buffer.alloc(0), ...path], root],
        [index, size, leaf, [root, ...path], root],
        ...path.map((_, i): [number, number, Buffer, Buffer[], Buffer] => [
          index,
          size,
          leaf,
          path.map((p, j) => (j === i ? flipped(p) : p)),
          root,
        ]),
        [index, size, leaf, path.slice(0, -1), root],
      ];
      if (path.length > 1) probes.push([index, size, leaf, [path[0]!, some, ...path.slice(1)], root]);
      for (const [i, n, l, p, r] of probes) {
        expect({ index: i, size: n, verified: verifyInclusion(l, i, n, p, r) }).toMatchObject({
          verified: false,
        });
      }
    }
  });

  it("refuses the reference implementations' corruptions of every consistency vector, and time travel", () => {
    for (const [first, second, hexPath] of CONSISTENCIES.filter(([, , path]) => path.length > 0)) {
      const path = hexPath.map(hex);
      const [r1, r2] = [vectorRoot(first), vectorRoot(second)];
      const probes: [number, number, Buffer, Buffer, Buffer[]][] = [
        [first - 1, second, r1, r2, path],
        [first + 1, second, r1, r2, path],
        [first ^ 2, second, r1, r2, path],
        [first, second * 2, r1, r2, path],
        [first, Math.floor(second / 2), r1, r2, path],
        [first, second, flipped(r1), r2, path],
        [first, second, r1, flipped(r2), path],
        [first, second, r2, r1, path],
        [first, second, r1, r2, []],
        [first, second, r1, r2, [...path, r1]],
        [first, second, r1, r2, [...path, r2]],
        [first, second, r1, r2, [r1, ...path]],
        [first, second, r1, r2, [r2, ...path]],
        [first, second, r1, r2, [path[0]!, ...path]],
        [first, second, r1, r2, path.slice(0, -1)],
        ...path.map((_, i): [number, number, Buffer, Buffer, Buffer[]] => [
          first,
          second,
          r1,
          r2,
          path.map((p, j) => (j === i ? flipped(p, 0, 4) : p)),
        ]),
      ];
      for (const [m, n, a, b, p] of probes) {
        expect({ first: m, second: n, verified: verifyConsistency(m, n, a, b, p) }).toMatchObject({
          verified: false,
        });
      }
    }
    const [r1, r2] = [vectorRoot(1), vectorRoot(2)];
    expect(verifyConsistency(0, 0, emptyRoot(), emptyRoot(), [])).toBe(true);
    expect(verifyConsistency(0, 5, emptyRoot(), vectorRoot(5), [])).toBe(true);
    expect(verifyConsistency(0, 5, r1, vectorRoot(5), [])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r1, [])).toBe(true);
    expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r1, [r1])).toBe(false);
    expect(verifyConsistency(2, 1, r2, r1, [])).toBe(false);
    expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false);
  });

  it('refuses an index outside the tree and hashes of the wrong length', () => {
    const leaf = LEAF_HASHES[0]!;
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
    expect(verifyInclusion(leaf, 1, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, 0, 0, [], emptyRoot())).toBe(false);
    expect(verifyInclusion(leaf.subarray(1), 0, 1, [], leaf.subarray(1))).toBe(false);
    expect(verifyInclusion(leaf, -1, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, 0.5, 1, [], leaf)).toBe(false);
  });
});

/** Distinct random leaf hashes, as many as asked. */
const leavesOf = (seed: number, count: number): Buffer[] =>
  Array.from({ length: count }, (_, i) => leafHash(Buffer.from(`leaf ${seed} ${i}`)));

describe('Proofs of random trees (properties)', () => {
  it('an inclusion proof verifies against the naive root, and any altered hash, index or size fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 400 }),
        async (size, seed, at, pick, otherSize) => {
          const leaves = leavesOf(seed, Math.max(size, otherSize));
          const tree = leaves.slice(0, size);
          const index = at % size;
          const root = referenceRoot(tree);
          const path = await inclusionProof(subtreesOf(leaves), index, size);
          expect(verifyInclusion(tree[index]!, index, size, path, root)).toBe(true);

          // Another leaf, another index of the same tree, a changed path element, a changed root.
          expect(verifyInclusion(leaves[(index + 1) % leaves.length]!, index, size, path, root)).toBe(
            leaves.length === 1,
          );
          const otherIndex = (index + 1 + (pick % Math.max(size - 1, 1))) % size;
          if (otherIndex !== index) {
            expect(verifyInclusion(tree[index]!, otherIndex, size, path, root)).toBe(false);
          }
          if (path.length > 0) {
            const i = pick % path.length;
            const altered = path.map((p, j) => (j === i ? flipped(p, pick % 32, pick % 8) : p));
            expect(verifyInclusion(tree[index]!, index, size, altered, root)).toBe(false);
            expect(verifyInclusion(tree[index]!, index, size, path.slice(1), root)).toBe(false);
          }
          expect(verifyInclusion(tree[index]!, index, size, path, flipped(root, pick % 32))).toBe(false);
          // Another size: the proof does not make the leaf part of that tree (of its real root).
          if (otherSize !== size && index < otherSize) {
            const otherRoot = referenceRoot(leaves.slice(0, otherSize));
            expect(verifyInclusion(tree[index]!, index, otherSize, path, otherRoot)).toBe(false);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a consistency proof verifies against the naive roots, and any altered hash or size fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 300 }),
        async (a, b, seed, pick, other) => {
          const [first, second] = a <= b ? [a, b] : [b, a];
          const leaves = leavesOf(seed, 300);
          const root = (size: number) => referenceRoot(leaves.slice(0, size));
          const path = await consistencyProof(subtreesOf(leaves), first, second);
          expect(verifyConsistency(first, second, root(first), root(second), path)).toBe(true);
          if (first === second) {
            expect(path).toEqual([]);
            return;
          }
          if (path.length > 0) {
            const i = pick % path.length;
            const altered = path.map((p, j) => (j === i ? flipped(p, pick % 32, pick % 8) : p));
            expect(verifyConsistency(first, second, root(first), root(second), altered)).toBe(false);
            expect(verifyConsistency(first, second, root(first), root(second), path.slice(0, -1))).toBe(
              false,
            );
          }
          expect(verifyConsistency(first, second, flipped(root(first)), root(second), path)).toBe(false);
          expect(verifyConsistency(first, second, root(first), flipped(root(second)), path)).toBe(false);
          // Either size changed, with the real root of the tree of that size: no longer consistent.
          if (other !== first && other < second) {
            expect(verifyConsistency(other, second, root(other), root(second), path)).toBe(false);
          }
          if (other !== second && other > first) {
            expect(verifyConsistency(first, other, root(first), root(other), path)).toBe(false);
          }
          // A log that changed one of the old leaves has no consistent proof from the old root.
          const tampered = leaves.slice();
          tampered[pick % first] = flipped(tampered[pick % first]!);
          const honest = await consistencyProof(subtreesOf(tampered), first, second);
          expect(
            verifyConsistency(first, second, root(first), referenceRoot(tampered.slice(0, second)), honest),
          ).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the streaming root and the frontier give the naive root at every size, and name every node completed', () => {
    const leaves = leavesOf(7, 300);
    const builder = new RootBuilder();
    let frontier: Buffer[] = [];
    const completed = new Map<string, Buffer>();
    leaves.forEach((leaf, size) => {
      frontier = appendToFrontier(frontier, size, leaf, (level, index, hash) =>
        completed.set(`${level}/${index}`, hash),
      );
      builder.push(leaf);
      const expected = referenceRoot(leaves.slice(0, size + 1));
      expect(frontierRoot(frontier)).toEqual(expected);
      expect(builder.root()).toEqual(expected);
    });
    // Every perfect subtree of 300 leaves, each once, with its hash.
    let count = 0;
    for (let level = 0; 2 ** level <= 300; level++) {
      for (let index = 0; (index + 1) * 2 ** level <= 300; index++) {
        count += 1;
        expect(completed.get(`${level}/${index}`)).toEqual(
          referenceRoot(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
        );
      }
    }
    expect(completed.size).toBe(count);
  });

  it('refuses to prove outside the tree', async () => {
    const source = subtreesOf(leavesOf(1, 10));
    await expect(inclusionProof(source, 10, 10)).rejects.toThrow(RangeError);
    await expect(inclusionProof(source, 0, 0)).rejects.toThrow(RangeError);
    await expect(consistencyProof(source, 0, 5)).rejects.toThrow(RangeError);
    await expect(consistencyProof(source, 6, 5)).rejects.toThrow(RangeError);
    await expect(inclusionProof(source, 0, 11)).rejects.toThrow(RangeError);
  });
});

describe('The leaf of an event', () => {
  const stored: RecordedEvent = {
    id: '00000000-0000-4000-8000-000000000001',
    streamId: 'deal-1',
    revision: 2,
    position: 7n,
    type: 'DealWon',
    data: { z: 1, a: { y: 'é', b: [2, 1] } },
    metadata: {
      occurredAt: '2026-03-01T10:00:00.000Z',
      actor: 'ada',
      correlationId: 'c',
      causationId: 'd',
      schemaVersion: 1,
      hash: 'f'.repeat(64),
    },
  };

  it('is the canonical JSON of the stored record without its position, in UTF-8', () => {
    expect(leafOf(stored).toString('utf8')).toBe(
      '{"data":{"a":{"b":[2,1],"y":"é"},"z":1},"id":"00000000-0000-4000-8000-000000000001",' +
        '"metadata":{"actor":"ada","causationId":"d","correlationId":"c","hash":"' +
        'f'.repeat(64) +
        '","occurredAt":"2026-03-01T10:00:00.000Z","schemaVersion":1},"revision":2,"streamId":"deal-1","type":"DealWon"}',
    );
    expect(leafOf({ ...stored, position: 8n })).toEqual(leafOf(stored));
    expect(eventLeafHash(stored)).toEqual(leafHash(leafOf(stored)));
    expect(eventLeafHashHex(stored)).toBe(leafHash(leafOf(stored)).toString('hex'));
  });

  it('is over the record as stored, whatever a layer above changed in what was read', () => {
    const read: RecordedEvent = { ...stored, data: { opened: 'Grace Hopper' }, asStored: stored };
    expect(eventLeafHash(read)).toEqual(eventLeafHash(stored));
    expect(eventLeafHash({ ...stored, data: { opened: 'Grace Hopper' } })).not.toEqual(eventLeafHash(stored));
  });
});
