import { type EventStore, type Position, type RecordedEvent, START } from '@app/event-store';
import { LogFollower } from './log-follower';
import { PositionWaiters } from './position-waiters';
import { CheckpointMovedError, type ReadStore } from './read-store.port';

export interface ConsumerHandler {
  /** Unique; the checkpoint is kept under it. */
  readonly name: string;
  /**
   * Handles one event. It may run again for the same event after a crash (the checkpoint is written after
   * the batch), so it must be idempotent. Throwing stops the batch; it is tried again later. Answers the log
   * position of what it appended, if it appended anything.
   */
  handle(event: RecordedEvent): Promise<Position | undefined | void>;
}

/** The name of the checkpoint that keeps how far a consumer's own appends reach. */
export const appendedCheckpointName = (consumer: string): string => `${consumer}.appended`;

/**
 * A durable, checkpointed consumer of the event log for reactions that are not documents (sagas,
 * automations): events are handled one at a time, in log order, never concurrently.
 *
 * Beside its checkpoint it keeps, in the same commit, the last position its own appends reached: once its
 * checkpoint has passed a position P, every reaction to the events up to P is in the log at or before that
 * one. Read-your-writes through the automation rests on it: the read models are then awaited up to it.
 */
export class CheckpointedConsumer {
  private stopping = false;
  private follower: LogFollower | undefined;
  private position = START;
  private appended = START;
  private readonly waiters = new PositionWaiters();

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadStore,
    private readonly handler: ConsumerHandler,
    private readonly options: {
      batchSize?: number;
      pollIntervalMs?: number;
      onError?: (error: unknown) => void;
    } = {},
  ) {}

  async start(): Promise<void> {
    await this.load();
    this.follower = new LogFollower(this.events, () => this.step(), {
      pollIntervalMs: this.options.pollIntervalMs ?? 500,
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    this.follower.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.follower?.stop();
    this.waiters.releaseAll();
  }

  checkpoint(): Position {
    return this.position;
  }

  /** The last position the consumer's own appends reached (START when it appended nothing). */
  appendedUpTo(): Position {
    return this.appended;
  }

  /** True once the consumer has handled the position; false if that takes longer than the timeout. */
  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    return this.position >= position ? Promise.resolve(true) : this.waiters.wait(position, timeoutMs);
  }

  /** Handles one batch after the checkpoint and records how far it got. */
  async step(): Promise<number> {
    const batch = await this.events.readAll({
      after: this.position,
      maxCount: this.options.batchSize ?? 500,
    });
    let handled: RecordedEvent | undefined;
    let appended = this.appended;
    let failure: Error | undefined;
    try {
      for (const event of batch) {
        if (this.stopping) break;
        const written = await this.handler.handle(event);
        if (typeof written === 'bigint' && written > appended) appended = written;
        handled = event;
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    // What was handled is recorded even when a later event failed: it is not handled again.
    if (handled) await this.record(handled, appended);
    if (failure !== undefined) throw failure;
    return batch.length;
  }

  private async load(): Promise<void> {
    this.position = (await this.store.checkpoint(this.handler.name))?.position ?? START;
    this.appended =
      (await this.store.checkpoint(appendedCheckpointName(this.handler.name)))?.position ?? START;
  }

  private async record(handled: RecordedEvent, appended: Position): Promise<void> {
    try {
      await this.store.commit({
        changes: [],
        checkpoints: [
          { name: this.handler.name, position: handled.position, version: 1, from: this.position },
          { name: appendedCheckpointName(this.handler.name), position: appended, version: 1 },
        ],
      });
      this.position = handled.position;
      this.appended = appended;
      this.waiters.reached(this.position);
    } catch (error) {
      // Another consumer moved the checkpoint: its handling stands (handlers are idempotent).
      if (!(error instanceof CheckpointMovedError)) throw error;
      await this.load();
      this.waiters.reached(this.position);
    }
  }
}
