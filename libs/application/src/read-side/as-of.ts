import { EventStore, type Position, START } from '@app/event-store';
import { MemoryDocuments, type Projection } from '@app/read-models';
import { Injectable } from '@nestjs/common';

/**
 * Answers "as it stood at that moment" by folding the same pure projections over every event that had
 * occurred by then, in log order. Its cost is bounded by the length of the log: the store scans all of it and
 * hands over the events that had occurred by then, which are parsed and folded.
 */
@Injectable()
export class AsOfFolder {
  constructor(private readonly events: EventStore) {}

  async fold(
    projections: readonly Projection[],
    asOf: Date,
  ): Promise<{ documents: MemoryDocuments; position: Position }> {
    const documents = new MemoryDocuments();
    const until = asOf.toISOString();
    let position = START;
    let after = START;
    for (;;) {
      // The store skips the events that occurred later, so only the events folded are parsed.
      const batch = await this.events.readAll({ after, maxCount: 5000, occurredUntil: until });
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
