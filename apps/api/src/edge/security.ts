import fastifyCors from '@fastify/cors';
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { EdgeConfig } from '@app/application';

/** Request headers the API reads, which a browser page may send across origins (the CORS safelist aside). */
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'If-Match',
  'Idempotency-Key',
  'X-Correlation-Id',
  'X-On-Behalf-Of',
  'X-Min-Position',
  'Last-Event-ID',
];
/** Response headers a cross-origin page may read, besides the safelisted ones. */
const EXPOSED_HEADERS = ['ETag', 'X-Correlation-Id', 'Retry-After', 'Location', 'WWW-Authenticate'];

/**
 * Security headers on every answer (helmet's defaults: `registerSecurityHeaders`), and
 * cross-origin access for the origins of CORS_ORIGINS only (@fastify/cors: `registerCors`). Registered before
 * authentication, so that refusals carry the headers too, and a preflight (which carries no Authorization) is answered here: 204 with the allowed methods and
 * headers for a listed origin, 204 without Access-Control-Allow-Origin (the browser then refuses) for any
 * other.
 *
 * The page at /docs (Swagger UI) loads under helmet's default Content-Security-Policy: its scripts and
 * stylesheet are files of this origin, its inline <style> is allowed by `style-src 'unsafe-inline'`, its
 * icons are data: images. Only `upgrade-insecure-requests` is left out: the service speaks plain HTTP (a
 * proxy may add TLS), and the directive would make a browser fetch the page's own files over https.
 */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  const headers = securityHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}

/**
 * The headers helmet sets with these options, worked out once: they do not depend on the request, and
 * running helmet's middleware for every request cost about 24 us of the request thread (a tenth of a capture).
 */
export function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: Error | undefined;
  helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })(
    {} as never,
    response as never,
    (error?: unknown) => {
      if (error !== undefined)
        failure = error instanceof Error ? error : new Error('helmet refused its options');
    },
  );
  if (failure) throw failure;
  return headers;
}

export function registerCors(fastify: FastifyInstance, config: EdgeConfig): void {
  void fastify.register(fastifyCors, {
    origin: [...config.corsOrigins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
    // Any OPTIONS request is answered as a preflight: never the plugin's text/plain 400.
    strictPreflight: false,
  });
}
