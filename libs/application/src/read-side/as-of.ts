import { EventStore, type Position, START } from '@app/event-store';
import {
  AsOfSnapshots,
  type DocumentReader,
  MemoryDocuments,
  type Projection,
  SnapshotFold,
  isSnapshotted,
} from '@app/read-models';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { inCurrentSchema } from '../storage/stores';
import { SEALED_EVENTS } from '../storage/storage.module';

/**
 * Answers "as it stood at that moment" with the same pure projections as the read models. When every
 * projection asked is snapshotted (see SnapshotKeeper), from the latest snapshot cut by then and the few
 * events after it that had occurred by then; otherwise by folding every event that had occurred by then, in
 * log order. Both give exactly the same documents.
 */
@Injectable()
export class AsOfFolder {
  /** The log in the current schema, its personal fields left sealed: for folds that never read them. */
  private readonly sealed: EventStore;
  private readonly fromSnapshots: SnapshotFold | undefined;

  constructor(
    private readonly events: EventStore,
    @Inject(SEALED_EVENTS) sealed: EventStore,
    @Optional() @Inject(AsOfSnapshots) snapshots?: AsOfSnapshots | null,
  ) {
    this.sealed = inCurrentSchema(sealed);
    // Snapshots are folded over the sealed reading, as these projections are.
    this.fromSnapshots = snapshots ? new SnapshotFold(this.sealed, snapshots) : undefined;
  }

  /**
   * Runs `report` on the projections' documents as they stood at the moment, with the position of the last
   * event that had occurred by then (START when none had).
   */
  async report<T>(
    projections: readonly Projection[],
    asOf: Date,
    report: (documents: DocumentReader, position: Position) => Promise<T>,
  ): Promise<T> {
    if (this.fromSnapshots && projections.every(isSnapshotted)) {
      const answer = await this.fromSnapshots.read(projections, asOf, report);
      // Undefined: the snapshots were dropped while they were read (a new version of a projection).
      if (answer) return answer.value;
    }
    const { documents, position } = await this.fold(projections, asOf);
    return report(documents, position);
  }

  /**
   * Folds the whole log up to the moment: the store scans all of it and hands over the events that had
   * occurred by then, which are parsed and folded. Its cost is bounded by the length of the log.
   */
  async fold(
    projections: readonly Projection[],
    asOf: Date,
  ): Promise<{ documents: MemoryDocuments; position: Position }> {
    const documents = new MemoryDocuments();
    const until = asOf.toISOString();
    const events = projections.every((p) => p.readsPersonalData === false) ? this.sealed : this.events;
    let position = START;
    let after = START;
    for (;;) {
      // The store skips the events that occurred later, so only the events folded are parsed.
      const batch = await events.readAll({ after, maxCount: 5000, occurredUntil: until });
      if (batch.length === 0) break;
      for (const event of batch) {
        for (const projection of projections) documents.apply(projection, event);
        position = event.position;
      }
      after = batch[batch.length - 1]!.position;
    }
    return { documents, position };
  }
}
