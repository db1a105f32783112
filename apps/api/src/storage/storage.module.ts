import { join } from 'node:path';
import { EventStore, SqliteEventStore, type SqliteDatabase, openSqliteDatabase } from '@app/event-store';
import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';

export const EVENTS_DATABASE = Symbol('EventsDatabase');

/** Closes the store (letting queued appends finish) and then its database file, on shutdown. */
@Injectable()
class StorageLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly store: EventStore,
    @Inject(EVENTS_DATABASE) private readonly db: SqliteDatabase,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (this.db.open) this.db.close();
  }
}

/** The embedded storage: the event log in DATA_DIR/events.sqlite. */
@Global()
@Module({
  providers: [
    {
      provide: EVENTS_DATABASE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => openSqliteDatabase(join(config.dataDir, 'events.sqlite')),
    },
    {
      provide: EventStore,
      inject: [EVENTS_DATABASE],
      useFactory: (db: SqliteDatabase) => new SqliteEventStore(db),
    },
    StorageLifecycle,
  ],
  exports: [EventStore, EVENTS_DATABASE],
})
export class StorageModule {}
