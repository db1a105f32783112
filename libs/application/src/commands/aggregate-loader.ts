import type { Decider } from '@app/domain';
import { EventStore, type RecordedEvent } from '@app/event-store';
import { Injectable } from '@nestjs/common';

/** Reads an aggregate's stream and folds it into its current state with the domain's own evolve. */
@Injectable()
export class AggregateLoader {
  constructor(private readonly store: EventStore) {}

  /** With `asOf`, only the events that had occurred by then: the state as it was at that moment. */
  async load<S, E>(
    streamId: string,
    decider: Pick<Decider<never, S, E>, 'initialState' | 'evolve'>,
    asOf?: Date,
  ): Promise<{ state: S; revision: number }> {
    const all = await this.store.readStream(streamId);
    const history = asOf ? eventsUntil(all, asOf) : all;
    return { state: foldHistory(decider, history), revision: history.length - 1 };
  }
}

/** The state after these events, folded with the domain's own evolve from its initial state. */
export function foldHistory<S, E>(
  decider: Pick<Decider<never, S, E>, 'initialState' | 'evolve'>,
  history: readonly RecordedEvent[],
): S {
  return history.reduce((s, e) => decider.evolve(s, e as unknown as E), decider.initialState());
}

/** The events that had occurred by a moment: the stream's prefix up to it. */
export function eventsUntil(events: readonly RecordedEvent[], asOf: Date): RecordedEvent[] {
  const until = asOf.toISOString();
  const end = events.findIndex((event) => event.metadata.occurredAt > until);
  return end < 0 ? [...events] : events.slice(0, end);
}
