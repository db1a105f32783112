import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeConfig } from '@app/application';
import { problemType } from '../http/problem';
import { sendProblem } from '../http/problem.filter';

/** Which limit refused a request: the label of the refusal counter. */
export type RateLimitName = 'address' | 'key';

/** Told of every request a limit refuses (the metrics count them). */
export type OnRateLimited = (limit: RateLimitName) => void;

/** Paths no limit applies to: an orchestrator's probes must reach the service whatever clients do. */
const EXEMPT = new Set(['/health', '/health/live', '/health/ready']);
const pathOf = (request: FastifyRequest): string => request.url.split('?', 1)[0] ?? request.url;

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * The rate limits, on @fastify/rate-limit's counters (a fixed window per client, in memory: each API process
 * counts its own requests). Two Fastify hooks rather than a Nest guard, so that they count every request,
 * including those refused before any route runs:
 *
 * - per client address, before authentication: a client that sends random bearer tokens (each one a 401)
 *   spends the same allowance as one that sends a key (`registerAddressLimit`, registered before the
 *   authentication hook);
 * - per API key, after authentication: a key's allowance is shared by every address it is used from
 *   (`registerKeyLimit`, registered after it).
 *
 * A refused request is answered 429 problem+json, code RATE_LIMITED, with Retry-After: the seconds until the
 * window ends. The health probes are exempt.
 */
export function registerRateLimits(fastify: FastifyInstance): void {
  // Only the counters and `createRateLimit`: the hooks below decide which requests they apply to.
  void fastify.register(fastifyRateLimit, { global: false });
}

export function registerAddressLimit(
  fastify: FastifyInstance,
  config: EdgeConfig,
  onLimited?: OnRateLimited,
): void {
  if (config.rateLimitPerAddress === 0) return;
  let limiter: Limiter | undefined;
  fastify.addHook('onRequest', async (request, reply) => {
    if (EXEMPT.has(pathOf(request))) return;
    limiter ??= fastify.createRateLimit({
      max: config.rateLimitPerAddress,
      timeWindow: config.rateLimitWindowMs,
    });
    const state = await limiter(request);
    if (state.isAllowed || !state.isExceeded) return;
    onLimited?.('address');
    return refuse(
      reply,
      state.ttlInSeconds,
      `this client address made more than ${config.rateLimitPerAddress} requests in ${seconds(config)}`,
    );
  });
}

export function registerKeyLimit(
  fastify: FastifyInstance,
  config: EdgeConfig,
  onLimited?: OnRateLimited,
): void {
  if (config.rateLimitPerKey === 0) return;
  let limiter: Limiter | undefined;
  fastify.addHook('onRequest', async (request, reply) => {
    const principal = request.principal;
    if (!principal || EXEMPT.has(pathOf(request))) return;
    limiter ??= fastify.createRateLimit({
      max: config.rateLimitPerKey,
      timeWindow: config.rateLimitWindowMs,
      keyGenerator: (keyed) => keyed.principal?.keyId ?? '',
    });
    const state = await limiter(request);
    if (state.isAllowed || !state.isExceeded) return;
    onLimited?.('key');
    return refuse(
      reply,
      state.ttlInSeconds,
      `this API key made more than ${config.rateLimitPerKey} requests in ${seconds(config)}`,
    );
  });
}

const seconds = (config: EdgeConfig): string =>
  config.rateLimitWindowMs % 1000 === 0
    ? `${config.rateLimitWindowMs / 1000} s`
    : `${config.rateLimitWindowMs} ms`;

function refuse(reply: FastifyReply, retryAfterSeconds: number, detail: string): FastifyReply {
  void reply.header('retry-after', String(Math.max(1, retryAfterSeconds)));
  sendProblem(reply, {
    type: problemType('rate-limited'),
    title: 'Too many requests',
    status: 429,
    detail: `${detail}; retry after the seconds Retry-After gives`,
    code: 'RATE_LIMITED',
  });
  return reply;
}
