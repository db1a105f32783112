import { useCallback, useEffect, useState } from 'preact/hooks';
import { forgetKey, storeKey } from './session';
import { type Opening, SESSION_ENDED_EVENT, type Session, openSession, restoring } from './session-start';
import { Shell } from './shell';
import { SignIn } from './sign-in';

const SESSION_ENDED = 'The API key was refused (revoked or unknown): sign in again.';

/** Signed in with a key (kept for the tab), or the sign-in form. */
export function App() {
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
    if (restoring === null) return;
    const { key, opening } = restoring;
    void opening.then((answer) => {
      const refusal = opened(answer, key);
      if (refusal !== null) signOut(refusal);
      setWaiting(false);
    });
  }, [opened, signOut]);

  if (session) return <Shell session={session} onSignOut={() => signOut(null)} />;
  if (waiting) return <p class="loading">Signing in…</p>;
  return <SignIn message={message} onSignIn={signIn} />;
}
