import { type AppConfig, ConfigError, PinoLoggerService, createLogger, loadConfig } from '@app/application';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProjectorModule } from './projector.module';

/**
 * npm run start:projector: follows the event log and keeps the read models and the automation up to date,
 * for API processes started with RUN_PROJECTIONS=false. Stops cleanly on SIGTERM/SIGINT: the batch in hand
 * is committed (or not at all) before the stores close.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = { ...loadConfig(process.env), runProjections: true };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config), {
    logger: new PinoLoggerService(await createLogger(config)),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.init();
  new Logger('Projector').log(
    `following the event log (${config.eventStore.kind}) into the read models (${config.readStore.kind})`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
