import type { ApiKeys, Principal } from '@app/application';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemType } from '../http/problem';
import { sendProblem } from '../http/problem.filter';
import { isWebPagePath } from '../web/web-page';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key the request authenticated with; null on the public paths. */
    principal: Principal | null;
  }
}

/**
 * Paths anyone may call without a key: health (for orchestrators), the API's documentation and the dashboard
 * page (which holds no data: it asks for a key).
 */
const PUBLIC_PATHS = new Set([
  '/health',
  '/health/live',
  '/health/ready',
  '/openapi.json',
  '/docs',
  '/docs/',
]);
export const isPublicPath = (path: string): boolean =>
  PUBLIC_PATHS.has(path) || path.startsWith('/docs/') || isWebPagePath(path);

/**
 * A CORS preflight carries no Authorization (the browser never sends it there): the CORS hook, before this
 * one, answers it; nothing else is served to such a request (the OPTIONS route only answers preflights).
 */
const isPreflight = (request: FastifyRequest): boolean =>
  request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;

/** `Bearer <key>`: a token of printable ASCII, as the service's keys are. */
const BEARER = /^Bearer +([\x21-\x7e]{1,512}) *$/i;

/**
 * 401, the same whatever was wrong (no key, a malformed header, an unknown or a revoked key), so that no
 * answer tells whether a key exists.
 */
function unauthorized(reply: FastifyReply, sent: boolean): void {
  void reply.header(
    'www-authenticate',
    sent ? 'Bearer realm="sales-pipeline", error="invalid_token"' : 'Bearer realm="sales-pipeline"',
  );
  sendProblem(reply, {
    type: problemType('unauthorized'),
    title: 'Authentication required',
    status: 401,
    detail: sent
      ? 'the API key is not valid: send Authorization: Bearer <api key> with a key in use'
      : 'send Authorization: Bearer <api key>',
    code: 'UNAUTHENTICATED',
  });
}

/**
 * Authenticates every request before anything else reads it (unknown paths included, so that a client
 * without a key learns nothing of the routes): the principal is the API key of `Authorization: Bearer`.
 * Which roles a route needs is the access guard's to check.
 */
export function registerAuthentication(fastify: FastifyInstance, keys: ApiKeys): void {
  fastify.decorateRequest('principal', null);
  fastify.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    if (isPublicPath(path) || isPreflight(request)) return;
    const header = request.headers.authorization;
    const secret = header === undefined ? undefined : BEARER.exec(header)?.[1];
    const principal = secret === undefined ? undefined : await keys.authenticate(secret);
    if (!principal) {
      unauthorized(reply, header !== undefined);
      return reply;
    }
    request.principal = principal;
  });
}
