import { useState } from 'preact/hooks';

interface SignInProps {
  /** Why the page came back here (a key refused...), shown above the form. */
  readonly message: string | null;
  /** Tries the key; answers why it was refused, or null once signed in. */
  readonly onSignIn: (key: string) => Promise<string | null>;
}

/** The sign-in form: an API key, kept for this tab only. */
export function SignIn({ message, onSignIn }: SignInProps) {
  const [key, setKey] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setRefusal(await onSignIn(key.trim()));
    setBusy(false);
  };

  return (
    <main class="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sales pipeline</h1>
      {message && (
        <p class="message" role="status">
          {message}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          required
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <p class="help">The key stays in this browser tab only, and is forgotten when the tab closes.</p>
        {refusal && (
          <p class="problem" role="alert">
            {refusal}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
