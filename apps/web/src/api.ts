import { type ApiClient, createApiClient } from '@app/api-client';

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

/** A problem document, as every refusal of the API is. */
export interface ProblemAnswer {
  readonly status?: number;
  readonly title?: string;
  readonly detail?: string;
  readonly code?: string;
  readonly errors?: readonly { readonly field: string; readonly reason: string }[];
}

/** What to tell the user about a refusal: the problem's detail, else its title, else the status. */
export function problemDetail(error: unknown, response?: Response): string {
  const problem = (error ?? {}) as ProblemAnswer;
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
