import type { ProjectionProgress, ReadSideStatus } from '@app/application';
import type { EventStore, Position, ReadAllOptions, RecordedEvent } from '@app/event-store';
import { ReadSideLagMeter } from './read-side-lag';

/** A log whose events sit at the given positions, as far as the meter reads it. */
function logAt(positions: readonly bigint[], gaplessPositions: boolean) {
  const reads: ReadAllOptions[] = [];
  const store = {
    gaplessPositions,
    headPosition: () => Promise.resolve(positions.at(-1) ?? 0n),
    readAll: (options: ReadAllOptions) => {
      reads.push(options);
      const after = options.after ?? 0n;
      return Promise.resolve(
        positions
          .filter((p) => p > after)
          .slice(0, options.maxCount)
          .map((position) => ({ position }) as RecordedEvent),
      );
    },
  } as unknown as EventStore;
  return { store, reads };
}

const progressAt = (status: ReadSideStatus) =>
  ({ status: () => Promise.resolve(status) }) as unknown as ProjectionProgress;

const projections = (...checkpoints: Position[]) =>
  checkpoints.map((checkpoint, i) => ({ name: `p${i}`, version: 1, checkpoint }));

describe('ReadSideLagMeter', () => {
  it('subtracts checkpoints from the head where positions are gapless, and never reads the log', async () => {
    const { store, reads } = logAt([1n, 2n, 3n, 4n, 5n], true);
    const meter = new ReadSideLagMeter(
      store,
      progressAt({ projections: projections(5n, 2n), automation: 4n }),
    );
    await expect(meter.measure()).resolves.toEqual({
      head: 5n,
      projections: [
        { name: 'p0', checkpoint: 5n, lag: 0 },
        { name: 'p1', checkpoint: 2n, lag: 3 },
      ],
      automation: { checkpoint: 4n, lag: 1 },
    });
    expect(reads).toEqual([]);
  });

  it('reports a checkpoint read after the head moved past it as no lag', async () => {
    const { store } = logAt([1n, 2n], true);
    const meter = new ReadSideLagMeter(store, progressAt({ projections: projections(3n) }));
    expect((await meter.measure()).projections[0]!.lag).toBe(0);
  });

  it('where positions have gaps: no lag unless asked to count, then counts up to the bound', async () => {
    const { store, reads } = logAt([10n, 25n, 40n, 90n, 120n], false);
    const meter = new ReadSideLagMeter(store, progressAt({ projections: projections(120n, 25n, 25n, 0n) }));
    expect((await meter.measure()).projections.map((p) => p.lag)).toEqual([null, null, null, null]);
    expect(reads).toEqual([]);

    expect((await meter.measure(10)).projections.map((p) => p.lag)).toEqual([0, 3, 3, 5]);
    // One read per distinct checkpoint behind the head, of at most the bound.
    expect(reads).toEqual([
      { after: 25n, maxCount: 10 },
      { after: 0n, maxCount: 10 },
    ]);
    expect((await meter.measure(2)).projections.map((p) => p.lag)).toEqual([0, 2, 2, 2]);
  });
});
