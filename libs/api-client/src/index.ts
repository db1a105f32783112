import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

/**
 * A typed client of the sales pipeline API: openapi-fetch over the types openapi-typescript generates from the
 * OpenAPI document (./schema.ts, rewritten by `npm run api-client`). Every path, parameter, body and answer is
 * typed: `data` is the success answer, `error` the problem document.
 *
 *   const api = createApiClient({ baseUrl: 'http://localhost:3000', apiKey });
 *   const { data, error, response } = await api.POST('/leads', { body: { name, email, source: 'web_form' } });
 */
export type { components, operations, paths };

/** The schemas of the document by name: `Schemas['LeadView']`, `Schemas['Problem']`... */
export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type ProblemCode = NonNullable<Problem['code']>;

export type ApiClient = Client<paths>;

export interface ApiClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the API is served, such as http://localhost:3000. */
  readonly baseUrl: string;
  /** An API key: sent as `Authorization: Bearer <key>` with every request. */
  readonly apiKey: string;
}

export function createApiClient({ apiKey, headers, ...options }: ApiClientOptions): ApiClient {
  return createClient<paths>({
    ...options,
    headers: { ...(headers as Record<string, string> | undefined), authorization: `Bearer ${apiKey}` },
  });
}
