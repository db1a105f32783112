import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ApiKeys, type AppConfig, PinoLoggerService, createLogger } from '@app/application';
import { registerAuthentication } from './access/authentication';
import { edgeServerOptions, registerEdge } from './edge/edge';
import { registerCorrelationId } from './http/correlation-id';
import { registerETag } from './http/etag';
import { Metrics } from './observability/metrics';
import { observeRequests } from './observability/request-observer';
import type { DestinationStream } from 'pino';
import { setupOpenApi } from './openapi';
import { defaultWebDir, registerWebPage } from './web/web-page';

export interface CreateAppOptions {
  /**
   * false: no log lines at all (quiet tests). Otherwise JSON lines through pino, from LOG_LEVEL up (LOG_FORMAT):
   * one per request, and Nest's own; a logger given here takes Nest's own lines instead.
   */
  readonly logger?: LoggerService | LogLevel[] | false;
  /** Where the JSON lines go instead of stdout: a test reads them. */
  readonly logDestination?: DestinationStream;
}

/** Builds the HTTP application on the embedded store; used by main.ts and by the end-to-end tests. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const logger = options.logger === false ? undefined : await createLogger(config, options.logDestination);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Timeouts, trusted proxies, problem+json for what Fastify and Node refuse before any hook.
    ...edgeServerOptions(config.edge),
  });
  const fastify = adapter.getInstance();
  // JSON only: a text/plain body is refused with 415 rather than parsed as a string.
  fastify.removeContentTypeParser('text/plain');
  registerCorrelationId(fastify);
  registerETag(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: options.logger ?? (logger ? new PinoLoggerService(logger) : false),
    abortOnError: false,
    // Fastify's own JSON parser is the only one: a form-encoded body is refused with 415 like any non-JSON.
    bodyParser: false,
  });
  // Security headers, the per-address rate limit and CORS before authentication; the per-key limit after it.
  const metrics = app.get(Metrics);
  const edge = registerEdge(fastify, config.edge, (limit) => metrics.rateLimited.inc({ limit }));
  registerAuthentication(fastify, app.get(ApiKeys));
  edge.afterAuthentication();
  observeRequests(fastify, { logger, metrics: app.get(Metrics) });
  setupOpenApi(app);
  registerWebPage(fastify, config.webDir ?? defaultWebDir());
  await app.init();
  await fastify.ready();
  return app;
}
