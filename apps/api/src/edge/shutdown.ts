import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startDraining } from './edge';

/** How long in-flight requests may take to finish at shutdown before their connections are closed. */
export const DRAIN_MS = 10_000;

/**
 * A graceful stop on SIGTERM or SIGINT, exiting 0: the server stops accepting connections at once and closes
 * its idle ones; requests in flight are answered (each with `Connection: close`, as is any request that still
 * arrives on an open connection); the event streams end with a last message; the stores close; the process
 * exits 0. A request still running after DRAIN_MS has its connection closed, so that the stop is bounded; a
 * shutdown that fails exits 1. A second signal while stopping is ignored.
 */
export function closeOnSignals(app: NestFastifyApplication): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: no new connections; finishing the requests in flight, then stopping`);
    const server: Server = app.getHttpServer();
    startDraining(app.getHttpAdapter().getInstance());
    server.close();
    const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    deadline.unref();
    app.close().then(
      () => {
        logger.log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(
          `Shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
