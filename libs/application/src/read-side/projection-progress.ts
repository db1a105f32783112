import { type Position, START } from '@app/event-store';
import type { CheckpointedConsumer, ProjectionRunner, ReadStore } from '@app/read-models';

export interface ReadSideStatus {
  readonly projections: { readonly name: string; readonly version: number; readonly checkpoint: Position }[];
  /** The automation's checkpoint, when it runs. */
  readonly automation?: Position;
}

/**
 * How far the read models have got: from the runner itself when the projections run in this process, or
 * from the checkpoints in the read store when a projector process runs them.
 */
export abstract class ProjectionProgress {
  /** True once every projection has processed the position; false when that takes longer than the timeout. */
  abstract waitFor(position: Position, timeoutMs: number): Promise<boolean>;
  abstract status(): Promise<ReadSideStatus>;
}

export class InProcessProgress extends ProjectionProgress {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly automation: CheckpointedConsumer | null,
  ) {
    super();
  }

  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    return this.runner.waitFor(position, timeoutMs);
  }

  status(): Promise<ReadSideStatus> {
    return Promise.resolve({
      projections: this.runner.status(),
      ...(this.automation ? { automation: this.automation.checkpoint() } : {}),
    });
  }
}

export class StoredProgress extends ProjectionProgress {
  constructor(
    private readonly store: ReadStore,
    private readonly projections: readonly { readonly name: string; readonly version: number }[],
    private readonly automationName: string | null,
    private readonly pollIntervalMs: number,
  ) {
    super();
  }

  async waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { projections } = await this.status();
      if (projections.every((p) => p.checkpoint >= position)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollIntervalMs, 50)));
    }
  }

  async status(): Promise<ReadSideStatus> {
    const projections = await Promise.all(
      this.projections.map(async (p) => ({
        name: p.name,
        version: p.version,
        checkpoint: (await this.store.checkpoint(p.name))?.position ?? START,
      })),
    );
    if (this.automationName === null) return { projections };
    return { projections, automation: (await this.store.checkpoint(this.automationName))?.position ?? START };
  }
}
