import { join } from 'node:path';
import {
  type EventStore,
  EventStoreDbEventStore,
  SqliteEventStore,
  UpcastingEventStore,
  openSqliteDatabase,
} from '@app/event-store';
import { upcast } from '@app/domain';
import {
  MongoReadStore,
  PROJECTIONS,
  type Projection,
  type ReadStore,
  SqliteReadStore,
  leadEmailsProjection,
} from '@app/read-models';
import type { AppConfig } from '../config/app-config';
import { DataKeys } from '../personal-data/data-keys';
import { emailDigester } from '../personal-data/email-digest';
import { LocalKeyWrapper } from '../personal-data/key-wrapper';
import { loadOrCreateMasterKey } from '../personal-data/master-key';
import { openDataKeyStore } from '../personal-data/data-key-stores';
import { InlineKeyMaker, ThreadKeyMaker, keyMakerThreadScript } from '../personal-data/key-maker';
import { PersonalDataEventStore } from './personal-data-event-store';

/** A store and how to let go of it (its files or connections) after it is closed. */
export interface Opened<T> {
  readonly store: T;
  readonly close: () => Promise<void>;
}

/** The event store the configuration names: DATA_DIR/events.sqlite, or EventStoreDB. */
export async function openEventStore(config: AppConfig): Promise<Opened<EventStore>> {
  if (config.eventStore.kind === 'eventstoredb') {
    const store = EventStoreDbEventStore.fromConnectionString(config.eventStore.url, {
      categories: ['lead', 'deal', 'pipeline'],
    });
    // The client connects lazily: ask the server once now, so that an unreachable one stops the start.
    await store.ping();
    return { store, close: () => store.close() };
  }
  const db = openSqliteDatabase(join(config.dataDir, 'events.sqlite'));
  const store = new SqliteEventStore(db);
  return {
    store,
    close: async () => {
      await store.close();
      if (db.open) db.close();
    },
  };
}

/** The log read in the current schema: the one place where stored events are upcast. */
export const inCurrentSchema = (store: EventStore): EventStore => new UpcastingEventStore(store, upcast);

/** The log in its three readings, and the keys that seal its personal data. */
export interface OpenedLog {
  /** Exactly as stored, personal data sealed: for hashes and proofs (the audit). */
  readonly sealed: EventStore;
  /** As written, personal data opened for whoever may see it: histories, the event stream. */
  readonly stored: EventStore;
  /** Opened and in the current schema: whatever folds events (deciders, projections, as-of reports). */
  readonly current: EventStore;
  readonly dataKeys: DataKeys;
  /** The keyed digest of an email that duplicate detection matches on. */
  readonly emailDigest: (email: string) => string;
  /** Every read model of the service, the lead emails keyed with this service's digest among them. */
  readonly projections: readonly Projection[];
  readonly close: () => Promise<void>;
}

/**
 * The configured log with personal data sealed: the master key (MASTER_KEY_FILE, made on first start when
 * absent), the data key store beside the read models (DATA_DIR/data-keys.sqlite, or MongoDB), and the layers
 * that seal, open and upcast. `log` hears that a master key was made.
 */
export async function openLog(
  config: AppConfig,
  log: (message: string) => void = () => {},
): Promise<OpenedLog> {
  const master = loadOrCreateMasterKey(config.masterKeyFile);
  if (master.created) {
    log(
      `created a master key for personal data at ${config.masterKeyFile}: back it up and keep it apart from ` +
        'the data directory; without it no personal data in the log can be read',
    );
  }
  const keyStore = await openDataKeyStore(config);
  const events = await openEventStore(config).catch(async (error: unknown) => {
    await keyStore.close();
    throw error;
  });
  const wrapper = new LocalKeyWrapper(master.key);
  // New persons' keys are made on a thread of their own in the built service (see ThreadKeyMaker).
  const script = keyMakerThreadScript();
  const maker = script ? new ThreadKeyMaker(script, { config }) : new InlineKeyMaker(keyStore, wrapper);
  const dataKeys = new DataKeys(keyStore, wrapper, undefined, maker);
  const stored = new PersonalDataEventStore(events.store, dataKeys);
  const emailDigest = emailDigester(master.key);
  return {
    sealed: events.store,
    stored,
    current: inCurrentSchema(stored),
    dataKeys,
    emailDigest,
    projections: serviceProjections(emailDigest),
    close: async () => {
      await events.close();
      await dataKeys.close();
      await keyStore.close();
    },
  };
}

/** The read models of the service: PROJECTIONS, and the lead emails keyed with the service's digest. */
export const serviceProjections = (emailDigest: (email: string) => string): readonly Projection[] => [
  ...PROJECTIONS,
  leadEmailsProjection(emailDigest),
];

/** The read store the configuration names: DATA_DIR/read-models.sqlite, or MongoDB. */
export async function openReadStore(config: AppConfig): Promise<Opened<ReadStore>> {
  if (config.readStore.kind === 'mongodb') {
    const store = await MongoReadStore.connect(config.readStore.url, config.readStore.database);
    await store.prepare(serviceProjections(unkeyed));
    return { store, close: () => store.close() };
  }
  const file = join(config.dataDir, 'read-models.sqlite');
  // Read models are rebuilt from the log, so their commits need not wait for fsync: see openSqliteDatabase.
  // 8 KiB pages (for a new file) and a WAL folded back every 4,000 pages: documents are a few hundred bytes and
  // written in large batches; measured 1.5x the write rate of the defaults (4 KiB, 1,000) on such batches.
  const writer = openSqliteDatabase(file, { synchronous: 'NORMAL', pageSize: 8192 });
  const reader = openSqliteDatabase(file, { synchronous: 'NORMAL' });
  // Projections rewrite documents and their indexes in large batches: a bigger page cache (64 MiB) for the
  // writer keeps those in memory; queries read few pages and keep the default.
  writer.pragma('cache_size = -65536');
  writer.pragma('wal_autocheckpoint = 4000');
  // What a purge (an erasure) overwrites is zeroed, not left in free space; see ReadStore.scrub.
  writer.pragma('secure_delete = ON');
  const store = new SqliteReadStore(writer, reader);
  // Queries need the collections even in a process that runs no projection (an API beside a projector).
  await store.prepare(serviceProjections(unkeyed));
  return {
    store,
    close: async () => {
      await store.close();
      reader.close();
      writer.close();
    },
  };
}

/** For creating collections, where no digest is ever taken. */
const unkeyed = (): string => {
  throw new Error('this digest only names collections');
};

/** The names of the service's read models, without opening anything (npm run rebuild checks its arguments). */
export const serviceProjectionNames = (): string[] => serviceProjections(unkeyed).map((p) => p.name);
