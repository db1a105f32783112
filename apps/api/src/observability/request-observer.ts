import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';

/** What a request's line says of it: never the URL as sent (its query may hold an email), a header or a body. */
export interface RequestLine {
  readonly method: string;
  /** The route's pattern (`/leads/:leadId`), or `unmatched` for a path no route serves. */
  readonly route: string;
  /** The status sent; absent for an aborted request that was sent nothing. */
  readonly status?: number;
  readonly durationMs: number;
  readonly correlationId?: string;
  /** The id of the API key the request authenticated with (never the key); null without one. */
  readonly keyId: string | null;
  /** The client went away before the response was complete. */
  readonly aborted?: true;
}

const UNMATCHED = 'unmatched';

function lineOf(request: FastifyRequest, reply: FastifyReply): RequestLine {
  return {
    method: request.method,
    route: request.routeOptions.url ?? UNMATCHED,
    ...(reply.raw.headersSent ? { status: reply.statusCode } : {}),
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
    ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    keyId: request.principal?.keyId ?? null,
  };
}

/**
 * One log line and one histogram sample per answered request, once it is sent (`onResponse` runs for every
 * request, those refused by an earlier hook such as a 401 included); one info line and a count for a request
 * whose client went away first: that is the client's doing, not an error of the service.
 */
export function observeRequests(
  fastify: FastifyInstance,
  sinks: { readonly logger?: Logger; readonly metrics?: Metrics },
): void {
  const { logger, metrics } = sinks;
  const observed = new WeakSet<FastifyRequest>();

  const report = (request: FastifyRequest, reply: FastifyReply) => {
    if (observed.has(request)) return;
    observed.add(request);
    const line = lineOf(request, reply);
    // Gone mid-body (the answer to that reached no one), or before the response was complete.
    if (request.raw.aborted || !reply.raw.writableFinished) {
      metrics?.httpRequestsAborted.inc({ method: line.method, route: line.route });
      logger?.info({ ...line, aborted: true }, 'request aborted by the client');
      return;
    }
    const status = reply.statusCode;
    metrics?.httpRequestDuration.observe(
      { method: line.method, route: line.route, status: String(status) },
      reply.elapsedTime / 1000,
    );
    if (logger) {
      const level = status >= 500 ? (status === 503 ? 'warn' : 'error') : 'info';
      logger[level]({ ...line, status }, 'request completed');
    }
  };

  fastify.addHook('onResponse', (request, reply, done) => {
    report(request, reply);
    done();
  });
  // A response closes without finishing when the client went away (an SSE stream it left included), which
  // may have happened while the hooks before this one ran.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.raw.aborted || reply.raw.destroyed) report(request, reply);
    else reply.raw.once('close', () => report(request, reply));
    done();
  });
}
