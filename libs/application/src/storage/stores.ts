import { join } from 'node:path';
import {
  type EventStore,
  EventStoreDbEventStore,
  SqliteEventStore,
  openSqliteDatabase,
} from '@app/event-store';
import { MongoReadStore, PROJECTIONS, type ReadStore, SqliteReadStore } from '@app/read-models';
import type { AppConfig } from '../config/app-config';

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

/** The read store the configuration names: DATA_DIR/read-models.sqlite, or MongoDB. */
export async function openReadStore(config: AppConfig): Promise<Opened<ReadStore>> {
  if (config.readStore.kind === 'mongodb') {
    const store = await MongoReadStore.connect(config.readStore.url, config.readStore.database);
    await store.prepare(PROJECTIONS);
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
  const store = new SqliteReadStore(writer, reader);
  // Queries need the collections even in a process that runs no projection (an API beside a projector).
  await store.prepare(PROJECTIONS);
  return {
    store,
    close: async () => {
      await store.close();
      reader.close();
      writer.close();
    },
  };
}
