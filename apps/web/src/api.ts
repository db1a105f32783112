import { type ApiClient, type Problem, createApiClient } from '@app/api-client';

/**
 * A client of the API for this key. Every answer 401 (the key revoked, or wrong) calls `onUnauthorized`: the
 * page then goes back to sign in.
 */
export function connect(apiKey: string, onUnauthorized: () => void): ApiClient {
  const api = createApiClient({ baseUrl: location.origin, apiKey });
  api.use({
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return undefined;
    },
  });
  return api;
}

/** What to tell the user about a refusal: the problem's detail, else its title, else the status. */
export function problemDetail(error: unknown, response?: Response): string {
  // A refusal's body is a problem document; anything else (no body, a proxy's page) has none of its fields.
  const problem = (error ?? {}) as Partial<Problem>;
  return (
    problem.detail ??
    problem.title ??
    (response
      ? `the service answered ${response.status} ${response.statusText}`
      : 'the service did not answer')
  );
}

/** If-Match for a revision: the quoted revision, as the API's ETag. */
export const ifMatch = (revision: number): { 'If-Match': string } => ({ 'If-Match': `"${revision}"` });

/**
 * The query of a read: as of the moment travelled to (asOf), and including the latest change the page has seen
 * (minPosition), so that a view never shows less than the notice that made it refetch.
 */
export const readingAt = (asOf: string | null, seenPosition: string | null) => ({
  ...(asOf === null ? {} : { asOf }),
  ...(seenPosition === null ? {} : { minPosition: seenPosition }),
});
