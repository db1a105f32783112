import type { Position } from '@app/event-store';

interface Waiter {
  readonly position: Position;
  readonly resolve: (reached: boolean) => void;
}

/** Callers waiting for a follower of the log to reach a position, each with a deadline of its own. */
export class PositionWaiters {
  private waiters: Waiter[] = [];

  /** True once `reached` is called with the position or a later one; false after the timeout. */
  wait(position: Position, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        resolve: (reached) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The follower has got this far: release those waiting for it. */
  reached(position: Position): void {
    const ready = this.waiters.filter((w) => w.position <= position);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of ready) waiter.resolve(true);
  }

  /** The follower stops: nobody waits any longer. */
  releaseAll(): void {
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters = [];
  }
}
