/**
 * Fair turns for reading the log, shared by every event stream (and page) of the process. A stream catching
 * up reads a batch, writes it and reads the next one at once: its reads resolve without waiting on I/O, so
 * hundreds of streams catching up together would keep the event loop to themselves, and /health or a
 * capture would wait seconds for its turn. Instead, each batch after the first waits for a turn: at most
 * `perTurn` batches are granted per turn of the event loop (setImmediate), and between two turns Node reads
 * the sockets, so requests are served while the streams catch up, each at once.
 */
export class CatchUpTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Resolves when the caller may read its next batch. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** How many wait for a turn now. */
  get queued(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.grant());
  }

  private grant(): void {
    this.scheduled = false;
    // Those granted run their batch in the microtasks after this callback; whoever asks again then (or
    // remains) waits for the next turn, after the sockets have been read.
    for (const resolve of this.waiting.splice(0, this.perTurn)) resolve();
    if (this.waiting.length > 0) this.schedule();
  }
}
