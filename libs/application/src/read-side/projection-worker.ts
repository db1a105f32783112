import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { EventStore } from '@app/event-store';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/app-config.module';
import { PinoLoggerService, createLogger } from '../logging/logger';
import { StorageModule } from '../storage/storage.module';
import { AppendRelay, type ThreadMessage } from './projection-thread';
import { ReadSideModule } from './read-side.module';

/** The projection thread's application: the stores and the read side, as in the projector process. */
@Module({})
class ProjectionWorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProjectionWorkerModule,
      imports: [AppConfigModule.forRoot(config), StorageModule, ReadSideModule],
    };
  }
}

/** Entry of the projection thread started by ProjectionThread. */
async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const { config } = workerData as { config: AppConfig };
  const app = await NestFactory.createApplicationContext(ProjectionWorkerModule.forRoot(config), {
    logger: new PinoLoggerService(await createLogger(config)),
    abortOnError: false,
  });
  await app.init();
  const relay = new AppendRelay(app.get(EventStore), (message) => port.postMessage(message));
  const unsubscribe = relay.start();
  port.on('message', (message: ThreadMessage) => {
    if (message.type === 'appended') relay.received(message.head);
    if (message.type === 'stop') {
      unsubscribe();
      // Closing stops the runner and the automation (the batch in hand commits or not at all), then the stores.
      void app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }
  });
  port.postMessage({ type: 'ready' } satisfies ThreadMessage);
}

if (parentPort) {
  const port = parentPort;
  main(port).catch((error: unknown) => {
    port.postMessage({
      type: 'failed',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies ThreadMessage);
    process.exit(1);
  });
}
