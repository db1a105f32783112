import { type EventStore, type RecordedEvent, START } from '@app/event-store';
import { LogFollower } from './log-follower';
import { CheckpointMovedError, type ReadStore } from './read-store.port';

export interface ConsumerHandler {
  /** Unique; the checkpoint is kept under it. */
  readonly name: string;
  /**
   * Handles one event. It may run again for the same event after a crash (the checkpoint is written after
   * the batch), so it must be idempotent. Throwing stops the batch; it is tried again later.
   */
  handle(event: RecordedEvent): Promise<void>;
}

/**
 * A durable, checkpointed consumer of the event log for reactions that are not documents (sagas,
 * automations): events are handled one at a time, in log order, never concurrently.
 */
export class CheckpointedConsumer {
  private stopping = false;
  private follower: LogFollower | undefined;
  private position = START;

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
    this.position = (await this.store.checkpoint(this.handler.name))?.position ?? START;
    this.follower = new LogFollower(this.events, () => this.step(), {
      pollIntervalMs: this.options.pollIntervalMs ?? 500,
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    this.follower.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.follower?.stop();
  }

  checkpoint() {
    return this.position;
  }

  /** Handles one batch after the checkpoint and records how far it got. */
  async step(): Promise<number> {
    const batch = await this.events.readAll({
      after: this.position,
      maxCount: this.options.batchSize ?? 500,
    });
    let handled: RecordedEvent | undefined;
    let failure: Error | undefined;
    try {
      for (const event of batch) {
        if (this.stopping) break;
        await this.handler.handle(event);
        handled = event;
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    // What was handled is recorded even when a later event failed: it is not handled again.
    if (handled) await this.record(handled);
    if (failure !== undefined) throw failure;
    return batch.length;
  }

  private async record(handled: RecordedEvent): Promise<void> {
    try {
      await this.store.commit({
        changes: [],
        checkpoints: [
          { name: this.handler.name, position: handled.position, version: 1, from: this.position },
        ],
      });
      this.position = handled.position;
    } catch (error) {
      // Another consumer moved the checkpoint: its handling stands (handlers are idempotent).
      if (!(error instanceof CheckpointMovedError)) throw error;
      this.position = (await this.store.checkpoint(this.handler.name))?.position ?? START;
    }
  }
}
