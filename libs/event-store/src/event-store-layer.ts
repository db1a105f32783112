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
 * A store over another that changes what is read (upcasting, opening sealed fields) and hands on everything
 * else: appends (unless it overrides them), the head, wake-ups, ping and close. `storedEventsOf` walks down
 * the layers by `beneath`.
 */
export abstract class EventStoreLayer extends EventStore {
  readonly gaplessPositions: boolean;

  constructor(private readonly layered: EventStore) {
    super();
    this.gaplessPositions = layered.gaplessPositions;
  }

  override get beneath(): EventStore {
    return this.layered;
  }

  /** What this layer makes of the events read from the store beneath it. */
  protected abstract read(events: RecordedEvent[]): RecordedEvent[] | Promise<RecordedEvent[]>;

  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: { readonly expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    return this.layered.appendToStream(streamId, events, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.read(await this.layered.readStream(streamId, options));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.read(await this.layered.readAll(options));
  }

  headPosition(): Promise<Position> {
    return this.layered.headPosition();
  }

  onAppended(listener: (head: Position) => void): Unsubscribe {
    return this.layered.onAppended(listener);
  }

  ping(): Promise<void> {
    return this.layered.ping();
  }

  close(): Promise<void> {
    return this.layered.close();
  }
}
