import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { AppConfig } from '@app/application';
import { registerCorrelationId } from './http/correlation-id';
import { registerETag } from './http/etag';
import { setupOpenApi } from './openapi';

export interface CreateAppOptions {
  readonly logger?: LoggerService | LogLevel[] | false;
}

/** Builds the HTTP application on the embedded store; used by main.ts and by the end-to-end tests. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  const fastify = adapter.getInstance();
  // JSON only: a text/plain body is refused with 415 rather than parsed as a string.
  fastify.removeContentTypeParser('text/plain');
  registerCorrelationId(fastify);
  registerETag(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: options.logger ?? ['error', 'warn', 'log'],
    abortOnError: false,
    // Fastify's own JSON parser is the only one: a form-encoded body is refused with 415 like any non-JSON.
    bodyParser: false,
  });
  setupOpenApi(app);
  await app.init();
  await fastify.ready();
  return app;
}
