import { EventStoreLayer } from './event-store-layer';
import type { EventStore, RecordedEvent } from './event-store.port';

/**
 * The same log, read in the current schema: every event read passes through `upcast`, which upgrades data
 * stored in an older schema version. Appends, the head and wake-ups go to the store underneath unchanged.
 * Whatever folds events (deciders, projections, as-of reports) reads through it; what shows the log as
 * stored (audit, history, the event stream) reads the store underneath, so hashes verify.
 */
export class UpcastingEventStore extends EventStoreLayer {
  /** An upcast event remembers the record it was read from, for whatever hashes the log as stored. */
  private readonly upcast: (event: RecordedEvent) => RecordedEvent;

  constructor(
    readonly stored: EventStore,
    upcast: (event: RecordedEvent) => RecordedEvent,
  ) {
    super(stored);
    this.upcast = (event) => {
      const current = upcast(event);
      return current === event ? event : { ...current, asStored: event.asStored ?? event };
    };
  }

  protected read(events: RecordedEvent[]): RecordedEvent[] {
    return events.map(this.upcast);
  }
}

/** The adapter at the bottom of a stack of layers (upcasting, sealing), which each name theirs as `beneath`. */
export function storedEventsOf(store: EventStore): EventStore {
  let bottom = store;
  while (bottom.beneath) bottom = bottom.beneath;
  return bottom;
}
