import {
  type AppendResult,
  EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Unsubscribe,
} from './event-store.port';

/**
 * The same log, read in the current schema: every event read passes through `upcast`, which upgrades data
 * stored in an older schema version. Appends, the head and wake-ups go to the store underneath unchanged.
 * Whatever folds events (deciders, projections, as-of reports) reads through it; what shows the log as
 * stored (audit, history, the event stream) reads the store underneath, so hashes verify.
 */
export class UpcastingEventStore extends EventStore {
  readonly gaplessPositions: boolean;
  override get beneath(): EventStore {
    return this.stored;
  }

  constructor(
    readonly stored: EventStore,
    upcast: (event: RecordedEvent) => RecordedEvent,
  ) {
    super();
    this.gaplessPositions = stored.gaplessPositions;
    // An upcast event remembers the record it was read from, for whatever hashes the log as stored.
    this.upcast = (event) => {
      const current = upcast(event);
      return current === event ? event : { ...current, asStored: event.asStored ?? event };
    };
  }

  private readonly upcast: (event: RecordedEvent) => RecordedEvent;

  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: { readonly expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    return this.stored.appendToStream(streamId, events, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.stored.readStream(streamId, options)).map(this.upcast);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.stored.readAll(options)).map(this.upcast);
  }

  headPosition(): Promise<Position> {
    return this.stored.headPosition();
  }

  onAppended(listener: (head: Position) => void): Unsubscribe {
    return this.stored.onAppended(listener);
  }

  ping(): Promise<void> {
    return this.stored.ping();
  }

  close(): Promise<void> {
    return this.stored.close();
  }
}

/** The adapter at the bottom of a stack of layers (upcasting, sealing), which each name theirs as `beneath`. */
export function storedEventsOf(store: EventStore): EventStore {
  let bottom = store;
  while (bottom.beneath) bottom = bottom.beneath;
  return bottom;
}
