import { EventStore, type Position, START } from '@app/event-store';
import { MemoryDocuments, type Projection } from '@app/read-models';
import { Inject, Injectable } from '@nestjs/common';
import { inCurrentSchema } from '../storage/stores';
import { SEALED_EVENTS } from '../storage/storage.module';

/**
 * Answers "as it stood at that moment" by folding the same pure projections over every event that had
 * occurred by then, in log order. Its cost is bounded by the length of the log: the store scans all of it and
 * hands over the events that had occurred by then, which are parsed and folded.
 */
@Injectable()
export class AsOfFolder {
  /** The log in the current schema, its personal fields left sealed: for folds that never read them. */
  private readonly sealed: EventStore;

  constructor(
    private readonly events: EventStore,
    @Inject(SEALED_EVENTS) sealed: EventStore,
  ) {
    this.sealed = inCurrentSchema(sealed);
  }

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
