import type { RecordedEvent } from '@app/event-store';
import type { CountQuery, Doc, DocumentReader, FindQuery, Projection } from './projection';

/**
 * Documents held in memory: projections folded here answer the same queries as a store. Used to answer
 * "as of" a past moment (fold the log up to it) and to test projections without a database.
 */
export class MemoryDocuments implements DocumentReader {
  private readonly collections = new Map<string, Map<string, Doc>>();

  /** Applies one event to one projection's documents, exactly as the runner does against a store. */
  apply(projection: Projection, event: RecordedEvent): void {
    const changes = projection.evolve(event, (collection, id) => this.collection(collection).get(id));
    for (const change of changes) {
      if (change.doc === null) this.collection(change.collection).delete(change.id);
      else this.collection(change.collection).set(change.id, change.doc);
    }
  }

  get<T extends Doc>(collection: string, id: string): Promise<T | undefined> {
    return Promise.resolve(this.collection(collection).get(id) as T | undefined);
  }

  find<T extends Doc>(collection: string, query: FindQuery): Promise<T[]> {
    return Promise.resolve(findIn([...this.collection(collection).values()], query) as T[]);
  }

  count(collection: string, query: CountQuery): Promise<number> {
    return Promise.resolve(findIn([...this.collection(collection).values()], query).length);
  }

  /** Every document of a collection, for tests and comparisons. */
  all(collection: string): Doc[] {
    return [...this.collection(collection).values()];
  }

  private collection(name: string): Map<string, Doc> {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new Map();
      this.collections.set(name, collection);
    }
    return collection;
  }
}

/** The semantics of FindQuery, on plain arrays: every ReadStore adapter must answer the same. */
export function findIn(docs: readonly Doc[], query: FindQuery): Doc[] {
  const { where = {}, range, orderBy, after, limit } = query;
  let result = docs.filter((doc) =>
    Object.entries(where).every(([field, value]) => {
      const actual = doc[field];
      return Array.isArray(actual) ? actual.includes(value) : actual === value;
    }),
  );
  if (range) {
    result = result.filter((doc) => {
      const value = doc[range.field] as string | number | undefined;
      if (value === undefined || value === null) return false;
      return (range.gte === undefined || value >= range.gte) && (range.lt === undefined || value < range.lt);
    });
  }
  if (orderBy) {
    const sign = orderBy.direction === 'asc' ? 1 : -1;
    const key = (doc: Doc) => doc[orderBy.field] as string | number;
    result.sort((a, b) => sign * (compare(key(a), key(b)) || compare(a.id, b.id)));
    if (after) {
      result = result.filter(
        (doc) => sign * (compare(key(doc), after.value) || compare(doc.id, after.id)) > 0,
      );
    }
  }
  return limit === undefined ? result : result.slice(0, limit);
}

const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
