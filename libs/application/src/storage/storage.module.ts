import { upcast } from '@app/domain';
import { EventStore, UpcastingEventStore } from '@app/event-store';
import { ReadStore } from '@app/read-models';
import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';
import { type Opened, openEventStore, openReadStore } from './stores';

const OPENED_EVENT_STORE = Symbol('OpenedEventStore');
/**
 * The log exactly as the store holds it, personal data sealed: for what checks hashes and proofs (the audit, the
 * Merkle tree's records). Nothing shown to a person reads it.
 */
export const SEALED_EVENTS = Symbol('SealedEvents');
/**
 * The event store as written, for what shows the log as stored: audit, histories, the event stream. Everything
 * that folds events injects EventStore, which reads them in the current schema (upcast).
 */
export const STORED_EVENTS = Symbol('StoredEvents');
const OPENED_READ_STORE = Symbol('OpenedReadStore');

/** The log read in the current schema: the one place where stored events are upcast. */
export const inCurrentSchema = (store: EventStore): EventStore => new UpcastingEventStore(store, upcast);

/** Closes the stores after everything that uses them has stopped (read side first, then events). */
@Injectable()
class StorageLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(OPENED_EVENT_STORE) private readonly events: Opened<EventStore>,
    @Inject(OPENED_READ_STORE) private readonly reads: Opened<ReadStore>,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.reads.close();
    await this.events.close();
  }
}

/** The configured event store and read store, for every module of the process. */
@Global()
@Module({
  providers: [
    {
      provide: OPENED_EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => openEventStore(config),
    },
    {
      provide: OPENED_READ_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => openReadStore(config),
    },
    {
      provide: SEALED_EVENTS,
      inject: [OPENED_EVENT_STORE],
      useFactory: (opened: Opened<EventStore>) => opened.store,
    },
    {
      provide: STORED_EVENTS,
      inject: [OPENED_EVENT_STORE],
      useFactory: (opened: Opened<EventStore>) => opened.store,
    },
    {
      provide: EventStore,
      inject: [OPENED_EVENT_STORE],
      useFactory: (opened: Opened<EventStore>) => inCurrentSchema(opened.store),
    },
    {
      provide: ReadStore,
      inject: [OPENED_READ_STORE],
      useFactory: (opened: Opened<ReadStore>) => opened.store,
    },
    StorageLifecycle,
  ],
  exports: [EventStore, STORED_EVENTS, SEALED_EVENTS, ReadStore],
})
export class StorageModule {}
