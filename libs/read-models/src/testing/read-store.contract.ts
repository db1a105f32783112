import { findIn } from '../memory-documents';
import type { CountQuery, Doc, FindQuery, Projection } from '../projection';
import {
  CheckpointMovedError,
  type ReadStore,
  shadowCheckpointName,
  shadowCollectionName,
} from '../read-store.port';

export interface ReadStoreContractOptions {
  readonly open: () => Promise<{ store: ReadStore; dispose: () => Promise<void> }>;
}

const people: Projection = {
  name: 'people',
  version: 1,
  collections: [
    {
      name: 'people',
      indexes: [
        { field: 'team' },
        { field: 'joinedAt' },
        { field: 'age' },
        { field: 'skills', multi: true },
        { field: 'joinedAt', after: ['team'] },
        { field: 'age', after: ['team', 'joinedAt'] },
      ],
    },
  ],
  touches: () => [],
  evolve: () => [],
};

const doc = (i: number): Doc => ({
  id: `p${String(i).padStart(3, '0')}`,
  team: ['red', 'blue', 'green'][i % 3]!,
  joinedAt: `2026-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00.000Z`,
  age: 20 + (i % 7),
  skills: i % 2 === 0 ? ['ts', 'sql'] : ['go'],
  nested: { deep: [i, { x: 'y' }] },
});

/** The behaviour every ReadStore adapter must have. */
export function describeReadStoreContract(name: string, options: ReadStoreContractOptions): void {
  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;
    let dispose: () => Promise<void>;
    const docs = Array.from({ length: 60 }, (_, i) => doc(i));

    beforeEach(async () => {
      ({ store, dispose } = await options.open());
      await store.prepare([people]);
      await store.commit({
        changes: docs.map((d) => ({ collection: 'people', id: d.id, doc: d })),
        checkpoints: [{ name: 'people', position: 60n, version: 1 }],
      });
    });
    afterEach(async () => {
      await dispose();
    });

    it('reads back exactly the documents written, one or many', async () => {
      expect(await store.get('people', 'p007')).toEqual(doc(7));
      expect(await store.get('people', 'nobody')).toBeUndefined();
      const many = await store.getMany('people', ['p001', 'p002', 'nobody', 'p001']);
      expect([...many.keys()].sort()).toEqual(['p001', 'p002']);
      expect(many.get('p002')).toEqual(doc(2));
    });

    it('keeps the checkpoint written with the documents', async () => {
      expect(await store.checkpoint('people')).toEqual({ name: 'people', position: 60n, version: 1 });
      expect(await store.checkpoint('nobody')).toBeUndefined();
    });

    const queries: [string, FindQuery][] = [
      ['equality', { where: { team: 'red' } }],
      ['two fields', { where: { team: 'blue', age: 21 } }],
      ['an array element', { where: { skills: 'sql' } }],
      ['a range', { range: { field: 'joinedAt', gte: '2026-01-05', lt: '2026-01-09T00:00:00.000Z' } }],
      ['order and limit', { orderBy: { field: 'joinedAt', direction: 'desc' }, limit: 7 }],
      ['ascending order', { where: { team: 'green' }, orderBy: { field: 'age', direction: 'asc' } }],
      [
        'keyset paging',
        {
          where: { skills: 'ts' },
          orderBy: { field: 'joinedAt', direction: 'desc' },
          after: { value: '2026-01-10T00:00:00.000Z', id: 'p037' },
          limit: 5,
        },
      ],
      [
        'equality on the first fields of a compound index, a range and an order on the next, keyset paging',
        {
          where: { team: 'blue', skills: 'ts' },
          range: { field: 'joinedAt', gte: '2026-01-02' },
          orderBy: { field: 'joinedAt', direction: 'desc' },
          after: { value: '2026-01-20T00:00:00.000Z', id: 'p050' },
          limit: 4,
        },
      ],
    ];
    it.each(queries)('finds like the reference semantics: %s', async (_, query) => {
      const found = await store.find('people', query);
      const expected = findIn(docs, query);
      if (query.orderBy) expect(found).toEqual(expected);
      else expect(found.map((d) => d.id).sort()).toEqual(expected.map((d) => d.id).sort());
      expect(found.length).toBeGreaterThan(0);
    });

    const counts: [string, CountQuery][] = [
      ['everything', {}],
      ['equality', { where: { team: 'red' } }],
      ['two fields', { where: { team: 'blue', age: 21 } }],
      ['an array element', { where: { skills: 'sql' } }],
      ['equality and a range', { where: { team: 'green' }, range: { field: 'age', gte: 22, lt: 25 } }],
      ['nothing', { where: { team: 'none' } }],
    ];
    it.each(counts)('counts what it would find: %s', async (_, query) => {
      expect(await store.count('people', query)).toBe(findIn(docs, query).length);
      expect(await store.snapshot((reader) => reader.count('people', query))).toBe(
        findIn(docs, query).length,
      );
    });

    it('pages through everything with keyset cursors, no item twice or missed', async () => {
      const seen: string[] = [];
      let after: FindQuery['after'];
      for (;;) {
        const page: Doc[] = await store.find('people', {
          orderBy: { field: 'joinedAt', direction: 'desc' },
          limit: 8,
          ...(after ? { after } : {}),
        });
        if (page.length === 0) break;
        seen.push(...page.map((d) => d.id));
        const last = page[page.length - 1]!;
        after = { value: last['joinedAt'] as string, id: last.id };
      }
      expect(seen).toHaveLength(60);
      expect(new Set(seen).size).toBe(60);
    });

    it('replaces and deletes documents, array indexes included', async () => {
      await store.commit({
        changes: [
          { collection: 'people', id: 'p000', doc: { ...doc(0), team: 'blue', skills: ['rust'] } },
          { collection: 'people', id: 'p001', doc: null },
        ],
        checkpoints: [{ name: 'people', position: 61n, version: 1 }],
      });
      expect((await store.get('people', 'p000'))?.['team']).toBe('blue');
      expect(await store.get('people', 'p001')).toBeUndefined();
      expect((await store.find('people', { where: { skills: 'sql' } })).map((d) => d.id)).not.toContain(
        'p000',
      );
      expect((await store.find('people', { where: { skills: 'rust' } })).map((d) => d.id)).toEqual(['p000']);
      expect((await store.find('people', { where: { skills: 'go' } })).map((d) => d.id)).not.toContain(
        'p001',
      );
    });

    it('refuses a commit whose checkpoint moved since its batch was read, and writes nothing of it', async () => {
      const change = { collection: 'people', id: 'p003', doc: { ...doc(3), team: 'late' } };
      await expect(
        store.commit({
          changes: [change],
          checkpoints: [{ name: 'people', position: 70n, version: 1, from: 50n }],
        }),
      ).rejects.toBeInstanceOf(CheckpointMovedError);
      expect(await store.get('people', 'p003')).toEqual(doc(3));
      expect((await store.checkpoint('people'))?.position).toBe(60n);
      await store.commit({
        changes: [change],
        checkpoints: [{ name: 'people', position: 70n, version: 1, from: 60n }],
      });
      expect((await store.checkpoint('people'))?.position).toBe(70n);
      await store.commit({
        changes: [],
        checkpoints: [{ name: 'fresh', position: 5n, version: 1, from: 0n }],
      });
      expect((await store.checkpoint('fresh'))?.position).toBe(5n);
    });

    it('resets a projection: documents and checkpoint gone', async () => {
      await store.reset(people);
      expect(await store.find('people', {})).toEqual([]);
      expect(await store.checkpoint('people')).toBeUndefined();
    });

    describe('a shadow, where a new version is built beside the live documents', () => {
      const version2: Projection = { ...people, version: 2 };
      const shadow = shadowCollectionName('people');
      /** The new version's documents: other teams, other skills, fewer of them. */
      const rebuilt = Array.from({ length: 40 }, (_, i) => ({
        ...doc(i + 5),
        id: doc(i).id,
        skills: i % 3 === 0 ? ['rust'] : ['ts'],
        version: 2,
      }));

      /** Builds the new version in the shadow, in two commits, up to position 80. */
      async function buildShadow(): Promise<void> {
        expect(await store.prepareShadow(version2)).toBeUndefined();
        const write = (from: number, to: number, position: bigint, previous: bigint) =>
          store.commit({
            changes: rebuilt.slice(from, to).map((d) => ({ collection: shadow, id: d.id, doc: d })),
            checkpoints: [{ name: shadowCheckpointName('people'), position, version: 2, from: previous }],
          });
        await write(0, 25, 40n, 0n);
        await write(25, 40, 80n, 40n);
      }

      /** What every query of the contract answers on the live collection. */
      const answers = () =>
        Promise.all([
          ...queries.map(([, query]) => store.find('people', query)),
          ...counts.map(([, query]) => store.count('people', query)),
          store.checkpoint('people'),
        ]);

      it('leaves what queries on the live collection answer as it was while it is built', async () => {
        const before = await answers();
        await buildShadow();
        expect(await answers()).toEqual(before);
        expect(await store.snapshot((reader) => reader.get('people', 'p007'))).toEqual(doc(7));
        expect(await store.checkpoint(shadowCheckpointName('people'))).toEqual({
          name: shadowCheckpointName('people'),
          position: 80n,
          version: 2,
        });
      });

      it('swaps in its documents, indexes and checkpoint in one step, and is gone', async () => {
        await buildShadow();
        await store.swapShadow(version2, 80n);
        expect(await store.checkpoint('people')).toEqual({ name: 'people', position: 80n, version: 2 });
        expect(await store.checkpoint(shadowCheckpointName('people'))).toBeUndefined();
        expect(await store.count('people', {})).toBe(40);
        for (const [, query] of queries) {
          const found = await store.find('people', query);
          const expected = findIn(rebuilt, query);
          if (query.orderBy) expect(found).toEqual(expected);
          else expect(found.map((d) => d.id).sort()).toEqual(expected.map((d) => d.id).sort());
        }
        for (const [, query] of counts)
          expect(await store.count('people', query)).toBe(findIn(rebuilt, query).length);
        // Commits go on on the swapped-in documents, their indexes kept up.
        await store.commit({
          changes: [{ collection: 'people', id: 'p000', doc: { ...rebuilt[0]!, skills: ['go'] } }],
          checkpoints: [{ name: 'people', position: 81n, version: 2, from: 80n }],
        });
        expect((await store.find('people', { where: { skills: 'rust' } })).map((d) => d.id)).not.toContain(
          'p000',
        );
        expect((await store.find('people', { where: { skills: 'go' } })).map((d) => d.id)).toEqual(['p000']);
      });

      it('swaps again, a later version over the one swapped in', async () => {
        await buildShadow();
        await store.swapShadow(version2, 80n);
        const version3: Projection = { ...people, version: 3 };
        expect(await store.prepareShadow(version3)).toBeUndefined();
        await store.commit({
          changes: [{ collection: shadow, id: 'only', doc: { ...doc(1), id: 'only' } }],
          checkpoints: [{ name: shadowCheckpointName('people'), position: 90n, version: 3, from: 0n }],
        });
        await store.swapShadow(version3, 90n);
        expect(await store.find('people', { where: { team: doc(1)['team'] as string } })).toEqual([
          { ...doc(1), id: 'only' },
        ]);
        expect(await store.find('people', { where: { skills: 'go' } })).toEqual([{ ...doc(1), id: 'only' }]);
        expect(await store.checkpoint('people')).toEqual({ name: 'people', position: 90n, version: 3 });
      });

      it('refuses a swap from a checkpoint it is not at, or of another version, changing nothing', async () => {
        await buildShadow();
        const before = await answers();
        await expect(store.swapShadow(version2, 40n)).rejects.toBeInstanceOf(CheckpointMovedError);
        await expect(store.swapShadow({ ...people, version: 3 }, 80n)).rejects.toBeInstanceOf(
          CheckpointMovedError,
        );
        expect(await answers()).toEqual(before);
        await store.swapShadow(version2, 80n);
        // A second projector's swap of the same shadow, after the first.
        await expect(store.swapShadow(version2, 80n)).rejects.toBeInstanceOf(CheckpointMovedError);
        expect(await store.count('people', {})).toBe(40);
      });

      it('resumes a shadow of the same version where a crash left it, and empties one of another', async () => {
        await buildShadow();
        // The next start: the same version goes on from the shadow's checkpoint, its documents kept.
        expect(await store.prepareShadow(version2)).toEqual({
          name: shadowCheckpointName('people'),
          position: 80n,
          version: 2,
        });
        expect(await store.count(shadow, {})).toBe(40);
        // Another version by then: the stale shadow is emptied, to be built from the start.
        expect(await store.prepareShadow({ ...people, version: 3 })).toBeUndefined();
        expect(await store.count(shadow, {})).toBe(0);
        expect(await store.find(shadow, { where: { skills: 'rust' } })).toEqual([]);
        expect(await store.checkpoint(shadowCheckpointName('people'))).toBeUndefined();
        expect(await store.count('people', {})).toBe(60);
      });

      it('drops a shadow: its documents and checkpoint', async () => {
        await buildShadow();
        await store.dropShadow(version2);
        expect(await store.checkpoint(shadowCheckpointName('people'))).toBeUndefined();
        expect(await store.prepareShadow(version2)).toBeUndefined();
        expect(await store.count(shadow, {})).toBe(0);
      });
    });

    it('a snapshot sees one commit, whatever is committed while it reads', async () => {
      const seen = await store.snapshot(async (reader) => {
        const before = await reader.get('people', 'p005');
        await store.commit({
          changes: [{ collection: 'people', id: 'p005', doc: { ...doc(5), team: 'changed' } }],
          checkpoints: [{ name: 'people', position: 99n, version: 1 }],
        });
        const after = await reader.get('people', 'p005');
        const checkpoint = await reader.checkpoint('people');
        return { before, after, checkpoint };
      });
      expect(seen.after).toEqual(seen.before);
      expect(seen.checkpoint?.position).toBe(60n);
      expect((await store.get('people', 'p005'))?.['team']).toBe('changed');
    });
  });
}
