import { ProblemException } from './problem';

export interface CursorPosition {
  readonly value: string | number;
  readonly id: string;
}

/** Opaque keyset cursors: the order value and id of a page's last item. */
export const encodeCursor = (position: CursorPosition): string =>
  Buffer.from(JSON.stringify([position.value, position.id])).toString('base64url');

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (typeof parsed[0] === 'string' || typeof parsed[0] === 'number') &&
      typeof parsed[1] === 'string'
    ) {
      return { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // falls through to the 400 below
  }
  throw ProblemException.badRequest('cursor is not one this API gave', [
    { field: 'cursor', reason: 'must be a nextCursor this API gave' },
  ]);
}
