import type { Problem } from '@app/api-client';
import { useEffect, useState } from 'preact/hooks';
import type { Access, Me } from '../view-props';

/** What a call of the typed client resolves to: the answer, or the problem, and the response. */
export interface CallResult<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/** One call of the API, cancelled through the signal when what it asks for changes. */
export type Loader<T> = (signal: AbortSignal) => Promise<CallResult<T>>;

/** Where one call stands: loading (with the previous answer kept meanwhile), answered, or refused. */
export interface Answer<T> {
  readonly loading: boolean;
  readonly data: T | undefined;
  readonly problem: Problem | undefined;
}

const IDLE = { loading: false, data: undefined, problem: undefined } as const;

/**
 * Calls the API when one of `dependsOn` changes and answers where the call stands; no call while `load` is
 * null (what the key may not see). A newer call wins over a slower older one.
 */
export function useAnswer<T>(load: Loader<T> | null, dependsOn: readonly unknown[]): Answer<T> {
  const [answer, setAnswer] = useState<Answer<T>>(load ? { ...IDLE, loading: true } : IDLE);
  useEffect(() => {
    if (!load) {
      setAnswer(IDLE);
      return undefined;
    }
    const cancel = new AbortController();
    setAnswer((previous) => ({ loading: true, data: previous.data, problem: undefined }));
    load(cancel.signal).then(
      (result) => {
        if (cancel.signal.aborted) return;
        if (result.data !== undefined && result.response.ok) {
          setAnswer({ loading: false, data: result.data, problem: undefined });
        } else {
          setAnswer({ loading: false, data: undefined, problem: problemOf(result) });
        }
      },
      (failure: unknown) => {
        if (cancel.signal.aborted) return;
        setAnswer({ loading: false, data: undefined, problem: unreachable(failure) });
      },
    );
    return () => cancel.abort();
  }, dependsOn);
  return answer;
}

/** The problem document of a refused call, or one written for an answer that came without it. */
function problemOf(result: CallResult<unknown>): Problem {
  const error = result.error;
  if (typeof error === 'object' && error !== null && typeof (error as Problem).detail === 'string') {
    return error as Problem;
  }
  const status = result.response.status;
  return {
    type: 'about:blank',
    title: result.response.statusText || 'Error',
    status,
    detail: `The service answered ${status} without saying why.`,
  };
}

function unreachable(failure: unknown): Problem {
  const reason = failure instanceof Error ? failure.message : String(failure);
  return {
    type: 'about:blank',
    title: 'Service unreachable',
    status: 0,
    detail: `The service could not be reached (${reason}).`,
  };
}

/** A refused call, as the user reads it: the problem's detail, announced. */
export function ProblemAlert({ problem, what }: { readonly problem: Problem; readonly what: string }) {
  return (
    <div role="alert" class="problem" data-testid="problem" data-status={problem.status}>
      <p>
        <strong>{`Could not show ${what}.`}</strong> {problem.detail}
      </p>
    </div>
  );
}

/** What each kind of access lets a key read, as a sentence ends. */
const ACCESS_WORDS: Partial<Record<Access, string>> = {
  histories: 'reading histories and the past of a record',
  analytics: 'reading reports',
};

/** Why a part of the page is not shown to this key: a clear message in place of a call it would be refused. */
export function NotForThisKey({
  me,
  access,
  part,
}: {
  readonly me: Me;
  readonly access: Access;
  readonly part: string;
}) {
  return (
    <div role="note" class="not-allowed" data-testid="not-allowed">
      <p>
        <strong>{`${part} is not available to your key.`}</strong>{' '}
        {`Its roles (${me.roles.join(', ') || 'none'}) do not allow ${ACCESS_WORDS[access] ?? access}; ` +
          'an admin can issue you a key that does.'}
      </p>
    </div>
  );
}
