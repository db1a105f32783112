/** An event as the domain sees it: a type and its data. Metadata belongs to the store. */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/** What every command brings besides its data; time comes in here so that deciders stay deterministic. */
export interface CommandMetadata {
  /** ISO 8601 UTC time at which the command is decided. */
  readonly now: string;
}

export interface DomainCommand<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

/** A decider: the whole behaviour of one aggregate as three pure functions. */
export interface Decider<Command, State, Event> {
  readonly initialState: () => State;
  readonly decide: (command: Command, state: State) => Event[];
  readonly evolve: (state: State, event: Event) => State;
}
