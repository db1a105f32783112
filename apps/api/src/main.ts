import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from '@app/application';
import { checkDataDir } from './edge/data-dir';
import { closeOnSignals } from './edge/shutdown';
import { loadEventStreamSettings } from './events/event-stream.settings';

/** Errors that a setting causes (a port in use, a host that does not resolve): one line, no stack trace. */
const SETTING_ERRORS = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN']);

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
    loadEventStreamSettings(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // The embedded stores and the first admin key live in DATA_DIR: it must be a directory this process can write.
  const usesDataDir =
    config.eventStore.kind === 'sqlite' || config.readStore.kind === 'sqlite' || !config.adminApiKey;
  const dataDirProblem = usesDataDir ? checkDataDir(config.dataDir) : undefined;
  if (dataDirProblem !== undefined) {
    process.stderr.write(`Cannot start: ${dataDirProblem}\n`);
    process.exit(1);
  }
  const app = await createApp(config);
  closeOnSignals(app);
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  new Logger('Main').log(`listening on port ${port}, data in ${config.dataDir}`);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const setting = error instanceof ConfigError || (code !== undefined && SETTING_ERRORS.has(code));
  process.stderr.write(
    `Cannot start: ${error instanceof Error ? (setting ? error.message : (error.stack ?? error.message)) : String(error)}\n`,
  );
  process.exit(1);
});
