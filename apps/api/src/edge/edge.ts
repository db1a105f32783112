import { randomUUID } from 'node:crypto';
import type { EdgeConfig } from '@app/application';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../http/problem.filter';
import { toProblem } from '../http/to-problem';
import { BARE_ANSWER_HEADERS, lingerOnClose, onClientError } from './client-errors';
import { registerJsonBody } from './json-body';
import {
  type OnRateLimited,
  registerAddressLimit,
  registerKeyLimit,
  registerRateLimits,
} from './rate-limits';
import { registerCors, registerSecurityHeaders } from './security';

/**
 * Options of the Fastify server that decide how it meets clients before any hook runs: the timeouts, the
 * proxies it trusts for the client's address, and problem+json answers for what Fastify and Node refuse on
 * their own (a malformed URL or an over-long parameter: `frameworkErrors`; a request Node cannot parse or
 * that stalls: `clientErrorHandler`). Fastify's own plain-JSON 503 while closing is turned off: a request
 * that reaches a closing server on a kept-alive connection is served, with `Connection: close`.
 */
export function edgeServerOptions(config: EdgeConfig) {
  return {
    http: {
      headersTimeout: config.headersTimeoutMs,
      // How often Node looks for requests past their timeouts (its default, 30 s, would let a stalled request
      // hold its connection up to 30 s beyond REQUEST_TIMEOUT_MS).
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    ...(config.trustProxy.length > 0 ? { trustProxy: [...config.trustProxy] } : {}),
    return503OnClosing: false,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: onClientError,
  };
}

/** Fastify refused the request while routing it: no hook has run, so its headers are set here. */
function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.correlationId = randomUUID();
  void reply.headers({ ...BARE_ANSWER_HEADERS, 'x-correlation-id': request.correlationId });
  sendProblem(reply, toProblem(error));
}

const draining = new WeakSet<FastifyInstance>();

/** From now on every answer says `Connection: close`: the service is shutting down (see shutdown.ts). */
export function startDraining(fastify: FastifyInstance): void {
  draining.add(fastify);
}

export interface Edge {
  /** Registers what needs the authenticated key (the per-key rate limit): call after the authentication hook. */
  readonly afterAuthentication: () => void;
}

/**
 * The edge of the HTTP server, in the order its hooks run on each request: security headers, the per-address
 * rate limit, CORS (a preflight is answered here); then, once the authentication hook has run, the per-key
 * rate limit. As each answer goes out: `Connection: close` while draining, and a lingering close for an
 * answer that closes the connection before the request's body has arrived. Also the JSON body parser that
 * refuses hostile bodies. Call before registering the authentication hook.
 */
export function registerEdge(fastify: FastifyInstance, config: EdgeConfig, onLimited?: OnRateLimited): Edge {
  registerSecurityHeaders(fastify);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    // Set as the answer goes out, so that a request in flight when the shutdown began says it too.
    if (draining.has(fastify)) void reply.header('connection', 'close');
    const connection = reply.getHeader('connection');
    if (!request.raw.complete && typeof connection === 'string' && /close/i.test(connection)) {
      lingerOnClose(request.raw.socket);
    }
    done(null, payload);
  });
  registerRateLimits(fastify);
  registerAddressLimit(fastify, config, onLimited);
  registerCors(fastify, config);
  registerJsonBody(fastify);
  return { afterAuthentication: () => registerKeyLimit(fastify, config, onLimited) };
}
