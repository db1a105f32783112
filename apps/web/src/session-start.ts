import type { ApiClient } from '@app/api-client';
import { connect, problemDetail } from './api';
import { prefetchBoard } from './board/board-data';
import { DEFAULT_PIPELINE, routeOf } from './route';
import { storedKey } from './session';
import type { Me } from './view-props';

export interface Session {
  readonly api: ApiClient;
  readonly me: Me;
  /**
   * The log position the page's first read includes (the board asked with the session), or null: the page
   * follows the changes after it, so that none made between that read and the stream's start goes unseen.
   */
  readonly changesAfter: string | null;
}

/** A session opened, or why not. */
export type Opening = { readonly session: Session } | { readonly refusal: string };

/** How long an opened session waits for the board asked with it, to draw them together. */
const BOARD_WAIT_MS = 500;

/** Sent on window when the API refuses the key of an open session (revoked meanwhile). */
export const SESSION_ENDED_EVENT = 'sales-pipeline:session-ended';

/**
 * Opens a session with a key: asks who the key is (GET /me). Once open, the first refusal of the key ends it
 * (SESSION_ENDED_EVENT); the sign-in's own refusal is the answer here.
 */
export async function openSession(key: string): Promise<Opening> {
  let open = false;
  const api = connect(key, () => {
    if (!open) return;
    open = false;
    window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
  });
  // A page opened on the board (the usual start) loads it while asking who the key is.
  const board =
    storedKey() === key && routeOf(location.hash).view === 'board'
      ? prefetchBoard(api, DEFAULT_PIPELINE)
      : undefined;
  try {
    const { data, error, response } = await api.GET('/me');
    if (!data) {
      return {
        refusal: response.status === 401 ? 'This API key is not valid.' : problemDetail(error, response),
      };
    }
    open = true;
    // Both were asked at once: the first view draws the board with the rest of the page when it has come
    // too, rather than the page without it first (waiting BOARD_WAIT_MS at most).
    const changesAfter = board
      ? await Promise.race([
          board,
          new Promise<null>((resolve) => setTimeout(() => resolve(null), BOARD_WAIT_MS)),
        ])
      : null;
    return { session: { api, me: data, changesAfter } };
  } catch {
    return { refusal: 'The service did not answer: try again.' };
  }
}

/**
 * The session of the key kept for the tab, asked for as the page's script starts, or null when the tab has
 * no key. This module is the first main.tsx imports, so the requests leave while the rest of the script (the
 * UI framework, the views) is still being evaluated.
 */
export const restoring: { readonly key: string; readonly opening: Promise<Opening> } | null = (() => {
  const key = storedKey();
  return key === null ? null : { key, opening: openSession(key) };
})();
