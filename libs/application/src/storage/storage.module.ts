import { EventStore } from '@app/event-store';
import { type Projection, ReadStore } from '@app/read-models';
import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';
import { DataKeys } from '../personal-data/data-keys';
import { type Opened, type OpenedLog, openLog, openReadStore } from './stores';

const OPENED_LOG = Symbol('OpenedLog');
/**
 * The log exactly as the store holds it, personal data sealed: for what checks hashes and proofs (the audit, the
 * Merkle tree's records). Nothing shown to a person reads it.
 */
export const SEALED_EVENTS = Symbol('SealedEvents');
/**
 * The event store as written, personal data opened, for what shows the log as it was written: histories, the
 * event stream. Everything that folds events injects EventStore, which reads them in the current schema (upcast).
 */
export const STORED_EVENTS = Symbol('StoredEvents');
/** The keyed digest of an email (duplicate detection): `(email: string) => string`. */
export const EMAIL_DIGEST = Symbol('EmailDigest');
/** Every read model of the service (PROJECTIONS and those keyed by its secrets): `readonly Projection[]`. */
export const SERVICE_PROJECTIONS = Symbol('ServiceProjections');
const OPENED_READ_STORE = Symbol('OpenedReadStore');

/** Closes the stores after everything that uses them has stopped (read side first, then events). */
@Injectable()
class StorageLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(OPENED_LOG) private readonly log: OpenedLog,
    @Inject(OPENED_READ_STORE) private readonly reads: Opened<ReadStore>,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.reads.close();
    await this.log.close();
  }
}

const logger = new Logger('Storage');

/** The configured event store (sealing personal data), its keys, and the read store, for every module of the process. */
@Global()
@Module({
  providers: [
    {
      provide: OPENED_LOG,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => openLog(config, (message) => logger.warn(message)),
    },
    {
      provide: OPENED_READ_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => openReadStore(config),
    },
    { provide: SEALED_EVENTS, inject: [OPENED_LOG], useFactory: (log: OpenedLog) => log.sealed },
    { provide: STORED_EVENTS, inject: [OPENED_LOG], useFactory: (log: OpenedLog) => log.stored },
    { provide: EventStore, inject: [OPENED_LOG], useFactory: (log: OpenedLog) => log.current },
    { provide: DataKeys, inject: [OPENED_LOG], useFactory: (log: OpenedLog) => log.dataKeys },
    { provide: EMAIL_DIGEST, inject: [OPENED_LOG], useFactory: (log: OpenedLog) => log.emailDigest },
    {
      provide: SERVICE_PROJECTIONS,
      inject: [OPENED_LOG],
      useFactory: (log: OpenedLog): readonly Projection[] => log.projections,
    },
    {
      provide: ReadStore,
      inject: [OPENED_READ_STORE],
      useFactory: (opened: Opened<ReadStore>) => opened.store,
    },
    StorageLifecycle,
  ],
  exports: [EventStore, STORED_EVENTS, SEALED_EVENTS, DataKeys, EMAIL_DIGEST, SERVICE_PROJECTIONS, ReadStore],
})
export class StorageModule {}
