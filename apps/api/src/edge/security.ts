import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
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
 * Security headers on every answer (@fastify/helmet, its defaults: `registerSecurityHeaders`), and
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
  void fastify.register(fastifyHelmet, {
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
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
