import { ProjectionProgress, SEALED_EVENTS } from '@app/application';
import { EventStore, type Position } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';

export interface ConsumerLag {
  readonly checkpoint: Position;
  /**
   * Events in the log after the checkpoint. Null when the store's positions have gaps (EventStoreDB) and
   * they were not counted; when counted up to a bound, the bound means "that many or more".
   */
  readonly lag: number | null;
}

export interface ReadSideLag {
  readonly head: Position;
  readonly projections: readonly (ConsumerLag & { readonly name: string })[];
  /** The lead-to-deal automation, when it runs. */
  readonly automation?: ConsumerLag;
}

/** How far the projections and the automation are behind the log: their checkpoints against its head. */
@Injectable()
export class ReadSideLagMeter {
  constructor(
    @Inject(SEALED_EVENTS) private readonly store: EventStore,
    private readonly progress: ProjectionProgress,
  ) {}

  /**
   * Checkpoints and lag now. Where positions have gaps, `countUpTo` counts the events after each checkpoint
   * by reading at most that many from the log; without it their lag is null.
   */
  async measure(countUpTo?: number): Promise<ReadSideLag> {
    // The head first: a checkpoint read after it may have moved past it, which is lag 0, never negative.
    const head = await this.store.headPosition();
    const status = await this.progress.status();
    const checkpoints = [...status.projections.map((p) => p.checkpoint), status.automation ?? head];
    const after = await this.eventsAfter(checkpoints, head, countUpTo);
    const lagOf = (checkpoint: Position): ConsumerLag => ({ checkpoint, lag: after(checkpoint) });
    return {
      head,
      projections: status.projections.map((p) => ({ name: p.name, ...lagOf(p.checkpoint) })),
      ...(status.automation === undefined ? {} : { automation: lagOf(status.automation) }),
    };
  }

  private async eventsAfter(
    checkpoints: readonly Position[],
    head: Position,
    countUpTo: number | undefined,
  ): Promise<(checkpoint: Position) => number | null> {
    if (this.store.gaplessPositions) {
      return (checkpoint) => (checkpoint >= head ? 0 : Number(head - checkpoint));
    }
    if (countUpTo === undefined) return () => null;
    // Each distinct checkpoint behind the head reads at most countUpTo events: consumers near the head read few.
    const counts = new Map<Position, number>();
    for (const checkpoint of new Set(checkpoints)) {
      if (checkpoint >= head) continue;
      const events = await this.store.readAll({ after: checkpoint, maxCount: countUpTo });
      counts.set(checkpoint, events.filter((e) => e.position <= head).length);
    }
    return (checkpoint) => counts.get(checkpoint) ?? 0;
  }
}
