import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventStore, SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import { leadCaptured } from './sample-events';
import { type Figure, latencies, timed } from './stats';

function withStore<T>(fn: (store: SqliteEventStore, file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const file = join(dir, 'events.sqlite');
  const db = openSqliteDatabase(file);
  const store = new SqliteEventStore(db);
  return fn(store, file).finally(async () => {
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Appends of one event, one after the other: each waits for its own fsync. */
export function sequentialAppends(seconds: number): Promise<Figure> {
  return withStore(async (store) => {
    const samples: number[] = [];
    let i = 0;
    const elapsed = await timed(seconds, async (deadline) => {
      while (performance.now() < deadline) {
        const start = performance.now();
        await store.appendToStream(`lead-${i}`, [leadCaptured(i)], { expectedRevision: 'no_stream' });
        samples.push(performance.now() - start);
        i += 1;
      }
    });
    return {
      name: 'store: sequential single-event appends',
      unit: 'events/s',
      rate: i / elapsed,
      ...latencies(samples),
    };
  });
}

/**
 * Captures of new leads by many writers at once for `seconds`, each appending one event to a new stream and
 * waiting for it: the rate and each append's latency.
 */
export async function concurrentCaptures(
  store: EventStore,
  seconds: number,
  writers: number,
): Promise<{ rate: number; samples: number[] }> {
  const samples: number[] = [];
  let i = 0;
  const elapsed = await timed(seconds, async (deadline) => {
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < deadline) {
          const event = leadCaptured(i++);
          const start = performance.now();
          await store.appendToStream(`lead-${String(event.data['leadId'])}`, [event], {
            expectedRevision: 'no_stream',
          });
          samples.push(performance.now() - start);
        }
      }),
    );
  });
  return { rate: i / elapsed, samples };
}

/** Many writers at once, each appending one event and waiting for it: group commit shares the fsyncs. */
export function concurrentAppends(seconds: number, writers: number): Promise<Figure> {
  return withStore(async (store) => {
    const { rate, samples } = await concurrentCaptures(store, seconds, writers);
    const stats = store.stats();
    return {
      name: `store: concurrent single-event appends (${writers} writers, group commit)`,
      unit: 'events/s',
      rate,
      ...latencies(samples),
      note: `${(stats.appends / stats.transactions).toFixed(1)} appends per transaction`,
    };
  });
}

/** Appends of ten events at a time, one after the other. */
export function batchAppends(seconds: number, size: number): Promise<Figure> {
  return withStore(async (store) => {
    const samples: number[] = [];
    let events = 0;
    const elapsed = await timed(seconds, async (deadline) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const batch = Array.from({ length: size }, (_, k) => leadCaptured(i * size + k));
        const start = performance.now();
        await store.appendToStream(`deal-${i}`, batch, { expectedRevision: 'no_stream' });
        samples.push(performance.now() - start);
        events += size;
      }
    });
    return {
      name: `store: sequential appends of ${size} events`,
      unit: 'events/s',
      rate: events / elapsed,
      ...latencies(samples),
    };
  });
}

/** Reference: the same rows inserted with raw better-sqlite3 statements in one transaction (one fsync). */
export function rawInserts(count: number): Promise<Figure> {
  return withStore((store, file) => {
    const db = openSqliteDatabase(file);
    try {
      const insert = db.prepare(
        'INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const rows = Array.from({ length: count }, (_, i) => leadCaptured(i));
      const start = performance.now();
      db.transaction(() => {
        rows.forEach((e, i) =>
          insert.run(i + 1, e.id, `lead-${i}`, 0, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)),
        );
      })();
      const elapsed = (performance.now() - start) / 1000;
      return Promise.resolve({
        name: `reference: raw better-sqlite3 inserts, ${count} rows in one transaction`,
        unit: 'events/s',
        rate: count / elapsed,
      });
    } finally {
      db.close();
    }
  });
}
