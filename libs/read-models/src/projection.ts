import type { EventStore, RecordedEvent } from '@app/event-store';

/**
 * Read models are documents: JSON objects with an `id`, kept in named collections. A projection folds the
 * event log into them with a pure `evolve`; the runner loads the documents an event touches, applies
 * `evolve`, and writes the changes together with the projection's checkpoint in one transaction.
 */
export interface Doc {
  readonly id: string;
  readonly [field: string]: unknown;
}

/** A document a projection reads or writes: its collection and id. */
export interface DocRef {
  readonly collection: string;
  readonly id: string;
}

/** A change `evolve` asks for: the new document, or `null` to delete it. */
export interface DocChange extends DocRef {
  readonly doc: Doc | null;
}

/** Read access to the documents `touches` named, as they stand before the event (earlier changes included). */
export type DocLookup = (collection: string, id: string) => Doc | undefined;

/**
 * A field a collection is queried by; `multi` when the field holds an array and each element is a key.
 * `after`: scalar fields declared on their own too, that come first in this index, for queries with equality on
 * them and an order or a range on `field` (an index on them, then `field`, then id).
 */
export interface IndexSpec {
  readonly field: string;
  readonly multi?: boolean;
  readonly after?: readonly string[];
}

export interface CollectionSpec {
  readonly name: string;
  readonly indexes: readonly IndexSpec[];
}

export interface Projection {
  /** Unique; the checkpoint is kept under it. */
  readonly name: string;
  /** Bump it when evolve or the documents change shape: the runner then rebuilds the projection from the start. */
  readonly version: number;
  readonly collections: readonly CollectionSpec[];
  /**
   * The documents `evolve` may read for this event; the runner loads them for a whole batch at once. When a
   * document's id is only known from another document (a deal's lead, a lead's bucket), `touches` names it
   * once `lookup` can find the first: the runner calls it again with the loaded documents until nothing new
   * is named.
   */
  readonly touches: (event: RecordedEvent, lookup?: DocLookup) => readonly DocRef[];
  /** Pure: the document changes this event makes, given the documents it touches. */
  readonly evolve: (event: RecordedEvent, docs: DocLookup) => readonly DocChange[];
  /** For a projection built with configuration kept in the log (the lead list with its scoring rules). */
  readonly configuration?: ProjectionConfiguration;
  /**
   * false when evolve never reads a person's data (see personalFieldsOf): folding it as of a past moment then
   * skips opening the sealed fields, which costs two AES-GCM operations per event that holds them. Absent:
   * it may read them, and is given them opened.
   */
  readonly readsPersonalData?: false;
}

/**
 * How a projection built with configuration from the log follows that configuration. A change of
 * configuration applies to every document (a new rule set rescores every lead), which no per-event fold can
 * do: the runner replaces the projection with the one built with the new configuration and rebuilds it from
 * the start of the log. The version of each projection built this way names its configuration, so that a
 * change made while no runner ran is a version mismatch at start.
 */
export interface ProjectionConfiguration {
  /** The projection built with the configuration in effect at the log's head. */
  readonly load: (events: EventStore) => Promise<Projection>;
  /** The projection that replaces this one when this event changes its configuration; undefined otherwise. */
  readonly next: (event: RecordedEvent) => Projection | undefined;
}

/** A query on one collection: equality on indexed fields, a range on one, an order, paging. */
export interface FindQuery {
  readonly where?: Readonly<Record<string, string | number | boolean>>;
  readonly range?: { readonly field: string; readonly gte?: string | number; readonly lt?: string | number };
  /** Ties on the order field are broken by id, in the same direction. */
  readonly orderBy?: { readonly field: string; readonly direction: 'asc' | 'desc' };
  /** Keyset paging: only documents strictly after this (order value, id) in the query's order. */
  readonly after?: { readonly value: string | number; readonly id: string };
  readonly limit?: number;
}

/** What a count selects: equality on indexed fields and a range on one, as in a FindQuery. */
export type CountQuery = Pick<FindQuery, 'where' | 'range'>;

/** What the queries of a read model need: the same on a store and on documents folded in memory (as-of). */
export interface DocumentReader {
  get<T extends Doc>(collection: string, id: string): Promise<T | undefined>;
  find<T extends Doc>(collection: string, query: FindQuery): Promise<T[]>;
  /** How many documents `find` would answer without a limit, without reading them. */
  count(collection: string, query: CountQuery): Promise<number>;
}
