import type { EventStore } from '@app/event-store';
import { LogFollower } from './log-follower';

/** An event store that only offers the wake-up a follower subscribes to. */
const quietStore = { onAppended: () => () => undefined } as unknown as EventStore;

describe('LogFollower', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const follow = (sizes: number[]) => {
    const calls: number[] = [];
    const follower = new LogFollower(
      quietStore,
      () => {
        calls.push(Date.now());
        return Promise.resolve(sizes.shift() ?? 0);
      },
      { pollIntervalMs: 10_000, busy: { events: 100, lingerMs: 50, batchSize: 1000 } },
    );
    follower.start();
    return { calls, follower };
  };

  it('under heavy traffic waits between batches that reach the head', async () => {
    const { calls, follower } = follow([300, 300, 0]);
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(49);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(50);
    expect(calls).toHaveLength(3);
    const stopped = follower.stop();
    await jest.advanceTimersByTimeAsync(0);
    await stopped;
  });

  it('goes straight on after a full batch (catching up) and after a small one (light traffic)', async () => {
    const { calls, follower } = follow([1000, 1000, 3, 0]);
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(4);
    const stopped = follower.stop();
    await jest.advanceTimersByTimeAsync(0);
    await stopped;
  });
});
