import { ProblemException } from '../../http/problem';

/** The orders of a scored list of leads: by score, or newest first filtered by score. */
export type ScoredListOrder = 'score' | 'newest';

/**
 * Where a scored list of leads resumes: the moment its scores are for (every page of a list is scored at the
 * moment of its first), and the order value (score, or capture time) and id of the last lead shown.
 */
export interface ScoredListCursor {
  readonly order: ScoredListOrder;
  readonly at: string;
  readonly value: number | string;
  /** By score: the last lead's fit, which orders equal scores. */
  readonly fit?: number;
  readonly id: string;
}

export const encodeScoredListCursor = (cursor: ScoredListCursor): string =>
  Buffer.from(
    JSON.stringify([
      cursor.order,
      Date.parse(cursor.at),
      cursor.value,
      cursor.id,
      ...(cursor.fit === undefined ? [] : [cursor.fit]),
    ]),
  ).toString('base64url');

/** The cursor a scored list gave, for a list in the same order; 400 for anything else. */
export function decodeScoredListCursor(
  cursor: string | undefined,
  order: ScoredListOrder,
): ScoredListCursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === (order === 'score' ? 5 : 4)) {
      const [given, at, value, id, fit] = parsed as unknown[];
      const valueFits =
        order === 'score'
          ? Number.isSafeInteger(value) && Number.isSafeInteger(fit)
          : typeof value === 'string' && value.length <= 40;
      if (given === order && Number.isSafeInteger(at) && valueFits && typeof id === 'string') {
        const moment = new Date(at as number);
        if (!Number.isNaN(moment.getTime())) {
          return {
            order,
            at: moment.toISOString(),
            value: value as number | string,
            id,
            ...(order === 'score' ? { fit: fit as number } : {}),
          };
        }
      }
    }
  } catch {
    // falls through to the 400 below
  }
  throw ProblemException.badRequest('cursor is not one this list gave', [
    { field: 'cursor', reason: 'must be a nextCursor of a list with the same sort' },
  ]);
}
