import { START } from '@app/event-store';
import type { AsOfSnapshots, SnapshotCut } from '../as-of-snapshots.port';

export interface AsOfSnapshotsContractOptions {
  /** A fresh, empty store, and how to let go of it. */
  readonly open: () => Promise<{ store: AsOfSnapshots; dispose: () => Promise<void> }>;
}

const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T00:00:00.000Z`;
const cutOf = (snapshot: number, position: bigint, cutTime: string, earliest: string): SnapshotCut => ({
  snapshot,
  position,
  cutTime,
  earliest,
});
const deal = (id: string, stage: string) => ({ id, stage, nested: { amounts: [1, { currency: 'EUR' }] } });

/** The behaviour every AsOfSnapshots adapter must have. */
export function describeAsOfSnapshotsContract(name: string, options: AsOfSnapshotsContractOptions): void {
  describe(`AsOfSnapshots contract: ${name}`, () => {
    let store: AsOfSnapshots;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ store, dispose } = await options.open());
    });
    afterEach(async () => {
      await dispose();
    });

    it('records a projection with its version, and raises its generation each time it is restarted', async () => {
      expect(await store.kept()).toEqual([]);
      expect(await store.restart('deals', 3)).toEqual({ name: 'deals', version: 3, generation: 1 });
      expect(await store.keptOf('deals')).toEqual({ name: 'deals', version: 3, generation: 1 });
      expect(await store.restart('deals', 4)).toEqual({ name: 'deals', version: 4, generation: 2 });
      expect(await store.kept()).toEqual([{ name: 'deals', version: 4, generation: 2 }]);
      await store.forget('deals');
      expect(await store.kept()).toEqual([]);
      expect(await store.keptOf('deals')).toBeUndefined();
    });

    it('answers each document as it stood at a snapshot: its latest version at or before it', async () => {
      await store.restart('deals', 1);
      await store.cut({
        projection: 'deals',
        cut: cutOf(1, 10n, at(2), at(1)),
        changes: [{ collection: 'deals', id: 'a', doc: deal('a', 'demo') }],
      });
      await store.cut({
        projection: 'deals',
        cut: cutOf(2, 20n, at(4), at(3)),
        changes: [
          { collection: 'deals', id: 'a', doc: deal('a', 'proposal') },
          { collection: 'deals', id: 'b', doc: deal('b', 'demo') },
        ],
      });
      await store.cut({
        projection: 'deals',
        cut: cutOf(3, 30n, at(6), at(5)),
        changes: [{ collection: 'deals', id: 'a', doc: null }],
      });
      const byId = (docs: { id: string }[]) => [...docs].sort((x, y) => x.id.localeCompare(y.id));
      expect(await store.all('deals', 'deals', 1)).toEqual([deal('a', 'demo')]);
      expect(byId(await store.all('deals', 'deals', 2))).toEqual([deal('a', 'proposal'), deal('b', 'demo')]);
      expect(await store.all('deals', 'deals', 3)).toEqual([deal('b', 'demo')]);
      expect(await store.getMany('deals', 'deals', ['a', 'b', 'nobody', 'a'], 1)).toEqual(
        new Map([['a', deal('a', 'demo')]]),
      );
      expect(await store.getMany('deals', 'deals', ['a', 'b'], 2)).toEqual(
        new Map([
          ['a', deal('a', 'proposal')],
          ['b', deal('b', 'demo')],
        ]),
      );
      expect(await store.getMany('deals', 'deals', ['a'], 3)).toEqual(new Map());
      expect(await store.lastCut('deals')).toEqual(cutOf(3, 30n, at(6), at(5)));
    });

    it('plans a moment: the latest snapshot cut by then, the last interval holding an event by then, the latest cut', async () => {
      await store.restart('deals', 1);
      const cuts = [
        cutOf(1, 10n, at(5), at(1)),
        // An event from day 2 arrived late: the interval's earliest event is before the previous cut time.
        cutOf(2, 20n, at(8), at(2)),
        cutOf(3, 30n, at(12), at(9)),
      ];
      for (const cut of cuts) await store.cut({ projection: 'deals', cut, changes: [] });
      expect(await store.plan('nobody', at(3))).toBeUndefined();

      // Before any cut time, but the late event of day 2 had occurred: snapshot 2's interval must be read.
      const early = await store.plan('deals', at(2));
      expect(early).toEqual({
        kept: { name: 'deals', version: 1, generation: 1 },
        base: undefined,
        reach: 20n,
        last: cuts[2],
      });
      expect(await store.plan('deals', at(1))).toMatchObject({ base: undefined, reach: 10n });
      expect(await store.plan('deals', at(6))).toMatchObject({ base: cuts[0], reach: 20n, last: cuts[2] });
      expect(await store.plan('deals', at(8))).toMatchObject({ base: cuts[1], reach: 20n });
      expect(await store.plan('deals', at(10))).toMatchObject({ base: cuts[1], reach: 30n });
      expect(await store.plan('deals', at(20))).toMatchObject({ base: cuts[2], reach: 30n });
      const before = await store.plan('deals', '2025-01-01T00:00:00.000Z');
      expect(before).toMatchObject({ base: undefined, reach: START });
    });

    it('drops every snapshot of a restarted or forgotten projection, and no other', async () => {
      for (const projection of ['deals', 'funnel']) {
        await store.restart(projection, 1);
        await store.cut({
          projection,
          cut: cutOf(1, 10n, at(2), at(1)),
          // The same collection name under both: each projection's versions are its own.
          changes: [{ collection: 'shared', id: 'a', doc: deal('a', projection) }],
        });
      }
      expect(await store.all('funnel', 'shared', 1)).toEqual([deal('a', 'funnel')]);
      await store.restart('deals', 2);
      expect(await store.lastCut('deals')).toBeUndefined();
      expect(await store.all('deals', 'shared', 1)).toEqual([]);
      expect(await store.plan('deals', at(3))).toMatchObject({ base: undefined, last: undefined });
      expect(await store.all('funnel', 'shared', 1)).toEqual([deal('a', 'funnel')]);
      await store.forget('funnel');
      expect(await store.all('funnel', 'shared', 1)).toEqual([]);
      expect(await store.kept()).toEqual([{ name: 'deals', version: 2, generation: 2 }]);
    });

    it('keeps every cut version when nothing was left half-written', async () => {
      await store.restart('deals', 1);
      await store.cut({
        projection: 'deals',
        cut: cutOf(1, 10n, at(2), at(1)),
        changes: [{ collection: 'deals', id: 'a', doc: deal('a', 'demo') }],
      });
      await store.discardUncut('deals');
      expect(await store.all('deals', 'deals', 1)).toEqual([deal('a', 'demo')]);
    });
  });
}
