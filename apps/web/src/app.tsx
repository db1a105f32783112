import type { ApiClient } from '@app/api-client';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { connect, problemDetail } from './api';
import { prefetchBoard } from './board/board-data';
import { DEFAULT_PIPELINE, routeOf } from './route';
import { forgetKey, storeKey, storedKey } from './session';
import { Shell } from './shell';
import { SignIn } from './sign-in';
import type { Me } from './view-props';

interface Session {
  readonly api: ApiClient;
  readonly me: Me;
}

/** A session opened, or why not. */
type Opening = { readonly session: Session } | { readonly refusal: string };

const SESSION_ENDED = 'The API key was refused (revoked or unknown): sign in again.';
/** Sent on window when the API refuses the key of an open session (revoked meanwhile). */
const SESSION_ENDED_EVENT = 'sales-pipeline:session-ended';

/**
 * Opens a session with a key: asks who the key is (GET /me). Once open, the first refusal of the key ends it
 * (SESSION_ENDED_EVENT); the sign-in's own refusal is the answer here.
 */
async function openSession(key: string): Promise<Opening> {
  let open = false;
  const api = connect(key, () => {
    if (!open) return;
    open = false;
    window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
  });
  // A page opened on the board (the usual start) loads it while asking who the key is.
  if (storedKey() === key && routeOf(location.hash).view === 'board') prefetchBoard(api, DEFAULT_PIPELINE);
  try {
    const { data, error, response } = await api.GET('/me');
    if (!data) {
      return {
        refusal: response.status === 401 ? 'This API key is not valid.' : problemDetail(error, response),
      };
    }
    open = true;
    return { session: { api, me: data } };
  } catch {
    return { refusal: 'The service did not answer: try again.' };
  }
}

/**
 * The session of the key kept for the tab, asked for as the script starts (before anything is drawn), or
 * null when the tab has no key.
 */
export function restoreSession(): Promise<Opening> | null {
  const key = storedKey();
  return key === null ? null : openSession(key);
}

/** Signed in with a key (kept for the tab), or the sign-in form. */
export function App({ restoring }: { readonly restoring: Promise<Opening> | null }) {
  const [session, setSession] = useState<Session | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(restoring !== null);

  const signOut = useCallback((why: string | null) => {
    forgetKey();
    setSession(null);
    setMessage(why);
  }, []);

  const opened = useCallback((opening: Opening, key: string): string | null => {
    if ('refusal' in opening) return opening.refusal;
    storeKey(key);
    setMessage(null);
    setSession(opening.session);
    return null;
  }, []);

  const signIn = useCallback(
    async (key: string): Promise<string | null> => opened(await openSession(key), key),
    [opened],
  );

  useEffect(() => {
    const ended = () => signOut(SESSION_ENDED);
    window.addEventListener(SESSION_ENDED_EVENT, ended);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, ended);
  }, [signOut]);

  useEffect(() => {
    const key = storedKey();
    if (restoring === null || key === null) return;
    void restoring.then((opening) => {
      const refusal = opened(opening, key);
      if (refusal !== null) signOut(refusal);
      setWaiting(false);
    });
  }, [restoring, opened, signOut]);

  if (session) return <Shell api={session.api} me={session.me} onSignOut={() => signOut(null)} />;
  if (waiting) return <p class="loading">Signing in…</p>;
  return <SignIn message={message} onSignIn={signIn} />;
}
