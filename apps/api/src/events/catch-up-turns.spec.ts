import { CatchUpTurns } from './catch-up-turns';

const nextTurnOfTheLoop = () => new Promise((resolve) => setImmediate(resolve));

describe('CatchUpTurns', () => {
  it('grants at most perTurn waiters per turn of the event loop, in the order they asked', async () => {
    const turns = new CatchUpTurns(2);
    const granted: number[] = [];
    for (let i = 0; i < 5; i++) void turns.next().then(() => granted.push(i));
    expect(turns.queued).toBe(5);
    await nextTurnOfTheLoop();
    expect(granted).toEqual([0, 1]);
    await nextTurnOfTheLoop();
    expect(granted).toEqual([0, 1, 2, 3]);
    await nextTurnOfTheLoop();
    expect(granted).toEqual([0, 1, 2, 3, 4]);
    expect(turns.queued).toBe(0);
  });

  it('lets a waiter that asks again wait for a later turn', async () => {
    const turns = new CatchUpTurns(1);
    let rounds = 0;
    const again = async () => {
      for (let i = 0; i < 3; i++) {
        await turns.next();
        rounds += 1;
      }
    };
    const done = again();
    await nextTurnOfTheLoop();
    expect(rounds).toBe(1);
    await nextTurnOfTheLoop();
    expect(rounds).toBe(2);
    await done;
    expect(rounds).toBe(3);
  });
});
