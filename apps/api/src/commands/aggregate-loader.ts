import type { Decider } from '@app/domain';
import { EventStore } from '@app/event-store';
import { Injectable } from '@nestjs/common';

/** Reads an aggregate's stream and folds it into its current state with the domain's own evolve. */
@Injectable()
export class AggregateLoader {
  constructor(private readonly store: EventStore) {}

  async load<S, E>(
    streamId: string,
    decider: Pick<Decider<never, S, E>, 'initialState' | 'evolve'>,
  ): Promise<{ state: S; revision: number }> {
    const history = await this.store.readStream(streamId);
    const state = history.reduce((s, e) => decider.evolve(s, e as unknown as E), decider.initialState());
    return { state, revision: history.length - 1 };
  }
}
