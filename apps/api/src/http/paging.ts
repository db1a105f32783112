import type { Doc, DocumentReader, FindQuery } from '@app/read-models';
import { decodeCursor, encodeCursor } from './cursor';

export interface PageRequest {
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

export interface Page<V> {
  readonly items: V[];
  readonly nextCursor: string | null;
}

/** Keeps only the filters that were given: an absent one is left out, never sent to a store as undefined. */
export const given = (filters: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/**
 * One page of a collection, newest first by a field (ties by id), and the cursor of the next page: the list
 * queries' keyset paging, written once.
 */
export async function pageOf<D extends Doc, V>(
  reader: DocumentReader,
  collection: string,
  query: { readonly where: FindQuery['where']; readonly newestFirstBy: keyof D & string },
  request: PageRequest,
  view: (doc: D) => V,
): Promise<Page<V>> {
  const limit = request.limit ?? 20;
  const after = decodeCursor(request.cursor);
  const docs = await reader.find<D>(collection, {
    ...(query.where ? { where: query.where } : {}),
    orderBy: { field: query.newestFirstBy, direction: 'desc' },
    ...(after ? { after } : {}),
    limit: limit + 1,
  });
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(view),
    nextCursor:
      docs.length > limit && last
        ? encodeCursor({ value: last[query.newestFirstBy] as string | number, id: last.id })
        : null,
  };
}
