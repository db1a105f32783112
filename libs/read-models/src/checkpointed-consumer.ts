import { type EventStore, type RecordedEvent, START, type Unsubscribe } from '@app/event-store';
import type { ReadStore } from './read-store.port';

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
  private running = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private unsubscribe: Unsubscribe | undefined;
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
    this.running = true;
    this.unsubscribe = this.events.onAppended(() => this.wake?.());
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
  }

  checkpoint() {
    return this.position;
  }

  private async follow(): Promise<void> {
    const pollIntervalMs = this.options.pollIntervalMs ?? 500;
    while (this.running) {
      let processed = 0;
      try {
        processed = await this.step();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (processed === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollIntervalMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Handles one batch after the checkpoint and records how far it got. */
  async step(): Promise<number> {
    const batch = await this.events.readAll({
      after: this.position,
      maxCount: this.options.batchSize ?? 500,
    });
    let handled: RecordedEvent | undefined;
    try {
      for (const event of batch) {
        if (this.stopping) break;
        await this.handler.handle(event);
        handled = event;
      }
    } finally {
      if (handled) {
        await this.store.commit({
          changes: [],
          checkpoints: [{ name: this.handler.name, position: handled.position, version: 1 }],
        });
        this.position = handled.position;
      }
    }
    return batch.length;
  }
}
