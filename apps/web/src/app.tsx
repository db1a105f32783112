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

const SESSION_ENDED = 'The API key was refused (revoked or unknown): sign in again.';

/** Signed in with a key (kept for the tab), or the sign-in form. */
export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);

  const signOut = useCallback((why: string | null) => {
    forgetKey();
    setSession(null);
    setMessage(why);
  }, []);

  const signIn = useCallback(
    async (key: string): Promise<string | null> => {
      let signedIn = false;
      const api = connect(key, () => {
        // Once: the first refusal of a signed-in key ends the session; the sign-in's own refusal is answered below.
        if (!signedIn) return;
        signedIn = false;
        signOut(SESSION_ENDED);
      });
      // A page opened on the board (the usual start) loads it while asking who the key is.
      if (storedKey() === key && routeOf(location.hash).view === 'board')
        prefetchBoard(api, DEFAULT_PIPELINE);
      try {
        const { data, error, response } = await api.GET('/me');
        if (!data) {
          return response.status === 401 ? 'This API key is not valid.' : problemDetail(error, response);
        }
        signedIn = true;
        storeKey(key);
        setMessage(null);
        setSession({ api, me: data });
        return null;
      } catch {
        return 'The service did not answer: try again.';
      }
    },
    [signOut],
  );

  useEffect(() => {
    const key = storedKey();
    if (key === null) return;
    void signIn(key).then((refusal) => {
      if (refusal !== null) signOut(refusal);
      setRestoring(false);
    });
  }, [signIn, signOut]);

  if (session) return <Shell api={session.api} me={session.me} onSignOut={() => signOut(null)} />;
  if (restoring) return <p class="loading">Signing in…</p>;
  return <SignIn message={message} onSignIn={signIn} />;
}
