import type { CountQuery, Doc, DocumentReader, FindQuery } from '../projection';

/**
 * A reader that answers from `documents` and writes down every find and count it is asked, collection and
 * query, in order: what a test of how a report reads its buckets asserts on.
 */
export function recordingReader(documents: DocumentReader): {
  readonly reader: DocumentReader;
  readonly queries: [string, FindQuery | CountQuery][];
} {
  const queries: [string, FindQuery | CountQuery][] = [];
  const reader: DocumentReader = {
    get: (collection, id) => documents.get(collection, id),
    find: <T extends Doc>(collection: string, query: FindQuery) => {
      queries.push([collection, query]);
      return documents.find<T>(collection, query);
    },
    count: (collection: string, query: CountQuery) => {
      queries.push([collection, query]);
      return documents.count(collection, query);
    },
  };
  return { reader, queries };
}
