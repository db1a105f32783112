import type { EventStore, Unsubscribe } from '@app/event-store';

/**
 * Runs `step` over and over while started. When a step finds nothing new, it sleeps until an in-process
 * append wakes it or the poll interval passes (another process may have written); after a failed step it
 * waits a poll interval before trying again.
 */
export class LogFollower {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly step: () => Promise<number>,
    private readonly options: {
      readonly pollIntervalMs: number;
      /**
       * How long to let events gather after a wake-up before reading them: one larger batch costs less than
       * many small ones, at the price of that much more latency.
       */
      readonly lingerMs?: number;
      /**
       * Under a steady stream of appends: after a step of at least `events` events that still reached the
       * head (fewer than `batchSize`), wait `lingerMs` before the next one, so that batches stay large. Light
       * traffic never waits for it.
       */
      readonly busy?: { readonly events: number; readonly lingerMs: number; readonly batchSize: number };
      readonly onError?: (error: unknown) => void;
    },
  ) {}

  start(): void {
    this.running = true;
    this.unsubscribe = this.events.onAppended(() => this.wake?.());
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
  }

  private async follow(): Promise<void> {
    while (this.running) {
      let processed = 0;
      try {
        processed = await this.step();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!this.running) break;
      const linger = this.options.lingerMs ?? 0;
      const busy = this.options.busy;
      if (processed === 0) {
        await this.sleep();
        if (linger > 0 && this.running) await new Promise((resolve) => setTimeout(resolve, linger));
      } else if (busy && processed >= busy.events && processed < busy.batchSize) {
        await new Promise((resolve) => setTimeout(resolve, busy.lingerMs));
      }
    }
  }

  private sleep(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollIntervalMs);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.wake = undefined;
    });
  }
}
