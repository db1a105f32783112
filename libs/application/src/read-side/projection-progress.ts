import { type Position, START } from '@app/event-store';
import {
  type CheckpointedConsumer,
  type ProjectionRunner,
  type ProjectionStatus,
  type ReadStore,
  appendedCheckpointName,
  shadowCheckpointName,
} from '@app/read-models';

export interface ReadSideStatus {
  /**
   * Each projection: the version and checkpoint of the documents queries read, and while a new version is
   * built beside them, how far it has got.
   */
  readonly projections: readonly ProjectionStatus[];
  /** The automation's checkpoint, when it runs. */
  readonly automation?: Position;
}

/**
 * How far the read models have got: from the runner itself when the projections run in this process, or
 * from the checkpoints in the read store when a projector process runs them.
 */
export abstract class ProjectionProgress {
  /**
   * True once the read models show everything up to the position, and what the automation did about it:
   * once the automation (when it runs) has handled the position, the projections are awaited up to the
   * deals it appended for it too, so that the position a qualification returned shows its deal. False when
   * that takes longer than the timeout.
   */
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

  async waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let until = position;
    if (this.automation) {
      if (!(await this.automation.waitFor(position, timeoutMs))) return false;
      const appended = this.automation.appendedUpTo();
      if (appended > until) until = appended;
    }
    return this.runner.waitFor(until, Math.max(0, deadline - Date.now()));
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
    let until: Position | undefined = this.automationName === null ? position : undefined;
    for (;;) {
      if (until === undefined) {
        const { automation = START } = await this.status();
        if (automation >= position) {
          const appended = (await this.store.checkpoint(appendedCheckpointName(this.automationName!)))
            ?.position;
          until = appended !== undefined && appended > position ? appended : position;
        }
      }
      if (until !== undefined) {
        const reached = until;
        const { projections } = await this.status();
        if (projections.every((p) => p.checkpoint >= reached)) return true;
      }
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollIntervalMs, 50)));
    }
  }

  async status(): Promise<ReadSideStatus> {
    const projections = await Promise.all(
      this.projections.map(async (p) => {
        // The version the projector wrote with: a projection configured from the log (the lead list and its
        // scoring rules) runs there under a version this process does not know.
        const stored = await this.store.checkpoint(p.name);
        const shadow = await this.store.checkpoint(shadowCheckpointName(p.name));
        return {
          name: p.name,
          version: stored?.version ?? p.version,
          checkpoint: stored?.position ?? START,
          ...(shadow ? { rebuilding: { version: shadow.version, checkpoint: shadow.position } } : {}),
        };
      }),
    );
    if (this.automationName === null) return { projections };
    return { projections, automation: (await this.store.checkpoint(this.automationName))?.position ?? START };
  }
}
