import { join } from 'node:path';
import { EventStore, type SqliteDatabase, openSqliteDatabase } from '@app/event-store';
import {
  CheckpointedConsumer,
  PROJECTIONS,
  ProjectionRunner,
  ReadStore,
  SqliteReadStore,
} from '@app/read-models';
import {
  type BeforeApplicationShutdown,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DealAutomation } from '../automation/deal-automation';
import { CommandsModule } from '../commands/commands.module';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';
import { AsOfFolder } from './as-of';
import { ReadGate } from './read-gate';

const READ_DATABASES = Symbol('ReadDatabases');
export const DEAL_AUTOMATION_CONSUMER = Symbol('DealAutomationConsumer');

interface ReadDatabases {
  readonly writer: SqliteDatabase;
  readonly reader: SqliteDatabase;
}

/** Starts the projections and the automation after the app is up; stops them before the stores close. */
@Injectable()
class ReadSideLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(DEAL_AUTOMATION_CONSUMER) private readonly automation: CheckpointedConsumer | null,
    private readonly store: ReadStore,
    @Inject(READ_DATABASES) private readonly dbs: ReadDatabases,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    await this.automation?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.automation?.stop();
    await this.runner.stop();
    await this.store.close();
    this.dbs.reader.close();
    this.dbs.writer.close();
  }
}

const logger = new Logger('ReadSide');
const logError = (what: string) => (error: unknown) =>
  logger.error(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

/** The read side on the embedded store: DATA_DIR/read-models.sqlite, projections and the automation. */
@Global()
@Module({
  imports: [CommandsModule],
  providers: [
    {
      provide: READ_DATABASES,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ReadDatabases => {
        const file = join(config.dataDir, 'read-models.sqlite');
        return { writer: openSqliteDatabase(file), reader: openSqliteDatabase(file) };
      },
    },
    {
      provide: ReadStore,
      inject: [READ_DATABASES],
      useFactory: (dbs: ReadDatabases) => new SqliteReadStore(dbs.writer, dbs.reader),
    },
    {
      provide: ProjectionRunner,
      inject: [EventStore, ReadStore],
      useFactory: (events: EventStore, store: ReadStore) =>
        new ProjectionRunner(events, store, PROJECTIONS, { onError: logError('projections') }),
    },
    DealAutomation,
    {
      provide: DEAL_AUTOMATION_CONSUMER,
      inject: [APP_CONFIG, EventStore, ReadStore, DealAutomation],
      useFactory: (config: AppConfig, events: EventStore, store: ReadStore, automation: DealAutomation) =>
        config.autoCreateDeals
          ? new CheckpointedConsumer(events, store, automation, { onError: logError('deal automation') })
          : null,
    },
    ReadSideLifecycle,
    ReadGate,
    AsOfFolder,
  ],
  exports: [ReadStore, ProjectionRunner, ReadGate, AsOfFolder, DEAL_AUTOMATION_CONSUMER],
})
export class ReadSideModule {}
