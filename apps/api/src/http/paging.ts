import { type Doc, type DocumentReader, type FindQuery, findIn } from '@app/read-models';
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

/** Which documents of a collection a list holds: equality on indexed fields and a range on one. */
export type Selection = Pick<FindQuery, 'where' | 'range'>;

/** The order of a list: newest first by a field, or earliest first; ties by id in the same direction. */
type ListOrder<D extends Doc> =
  { readonly newestFirstBy: keyof D & string } | { readonly earliestFirstBy: keyof D & string };

/**
 * What a list pages through: one selection, or the union of several that do not overlap (`anyOf`), each
 * found in the list's order and merged.
 */
export type ListQuery<D extends Doc> = ListOrder<D> & (Selection | { readonly anyOf: readonly Selection[] });

/**
 * One page of a collection in the list's order, and the cursor of the next page: the list queries' keyset
 * paging, written once.
 */
export async function pageOf<D extends Doc, V>(
  reader: DocumentReader,
  collection: string,
  query: ListQuery<D>,
  request: PageRequest,
  view: (doc: D) => V,
): Promise<Page<V>> {
  const limit = request.limit ?? 20;
  const after = decodeCursor(request.cursor);
  const orderBy: NonNullable<FindQuery['orderBy']> =
    'newestFirstBy' in query
      ? { field: query.newestFirstBy, direction: 'desc' }
      : { field: query.earliestFirstBy, direction: 'asc' };
  const selections = 'anyOf' in query ? query.anyOf : [query];
  const found: D[] = [];
  // One after the other: a snapshot's reads share one session.
  for (const { where, range } of selections) {
    found.push(
      ...(await reader.find<D>(collection, {
        ...(where ? { where } : {}),
        ...(range ? { range } : {}),
        orderBy,
        ...(after ? { after } : {}),
        limit: limit + 1,
      })),
    );
  }
  // Merged in the list's order, as a store orders one query (findIn states the semantics).
  const docs = selections.length > 1 ? (findIn(found, { orderBy }) as D[]) : found;
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(view),
    nextCursor:
      docs.length > limit && last
        ? encodeCursor({ value: last[orderBy.field] as string | number, id: last.id })
        : null,
  };
}
