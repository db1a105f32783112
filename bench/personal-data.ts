import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import {
  DataKeys,
  InlineKeyMaker,
  LocalKeyWrapper,
  PersonalDataEventStore,
  SqliteDataKeyStore,
  ThreadKeyMaker,
  loadConfig,
} from '@app/application';
import { type EventStore, SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import { leadCaptured } from './sample-events';
import { type Figure, latencies } from './stats';
import { concurrentCaptures } from './store-appends';

/** The built service's key maker thread, which the service uses (npm run bench builds first). */
const KEY_MAKER_SCRIPT = join(
  __dirname,
  '..',
  'dist',
  'apps',
  'api',
  'libs',
  'application',
  'src',
  'personal-data',
  'key-maker-worker.js',
);

/**
 * A log in a fresh directory: the SQLite store alone, or with personal data sealed (keys beside it, new ones
 * made on the key maker's thread as in the built service).
 */
async function withLog<T>(sealed: boolean, fn: (log: EventStore) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sealed-'));
  const db = openSqliteDatabase(join(dir, 'events.sqlite'));
  const store = new SqliteEventStore(db);
  const keyStore = sealed ? SqliteDataKeyStore.open(dir) : undefined;
  let keys: DataKeys | undefined;
  if (keyStore) {
    mkdirSync(`${dir}-keys`);
    const masterKeyFile = join(`${dir}-keys`, 'master.key');
    const master = randomBytes(32);
    writeFileSync(masterKeyFile, master.toString('base64'), { mode: 0o600 });
    const wrapper = new LocalKeyWrapper(master);
    const maker = existsSync(KEY_MAKER_SCRIPT)
      ? new ThreadKeyMaker(KEY_MAKER_SCRIPT, {
          config: loadConfig({ DATA_DIR: dir, MASTER_KEY_FILE: masterKeyFile }),
        })
      : new InlineKeyMaker(keyStore, wrapper);
    keys = new DataKeys(keyStore, wrapper, undefined, maker);
    // The key maker starts with the first key asked of it: not timed, as a running service has started it.
    await keys.freshKey();
  }
  const log = keys ? new PersonalDataEventStore(store, keys) : store;
  try {
    return await fn(log);
  } finally {
    await store.close();
    await keys?.close();
    await keyStore?.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  }
}

/**
 * The cost of sealing personal data on the capture path: concurrent captures appended to the log as it is,
 * and through the sealing layer (a data key made, wrapped and stored with group commit, the fields encrypted),
 * in alternating rounds so that both see the same machine.
 */
export async function sealingFigures(seconds: number, writers: number, rounds = 2): Promise<Figure[]> {
  const plain: number[] = [];
  const sealed: number[] = [];
  const plainSamples: number[] = [];
  const sealedSamples: number[] = [];
  const roundSeconds = seconds / rounds;
  for (let round = 0; round < rounds; round++) {
    const a = await withLog(false, (log) => concurrentCaptures(log, roundSeconds, writers));
    plain.push(a.rate);
    for (const sample of a.samples) plainSamples.push(sample);
    const b = await withLog(true, (log) => concurrentCaptures(log, roundSeconds, writers));
    sealed.push(b.rate);
    for (const sample of b.samples) sealedSamples.push(sample);
  }
  const mean = (rates: number[]) => rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
  const cost = 1 - mean(sealed) / mean(plain);
  return [
    {
      name: `store: captures, personal data in the clear (${writers} writers)`,
      unit: 'events/s',
      rate: mean(plain),
      ...latencies(plainSamples),
      note: `rounds: ${plain.map((rate) => Math.round(rate)).join(', ')}`,
    },
    {
      name: `store: captures, personal data sealed (${writers} writers, a new data key each)`,
      unit: 'events/s',
      rate: mean(sealed),
      ...latencies(sealedSamples),
      note: `rounds: ${sealed.map((rate) => Math.round(rate)).join(', ')}; cost ${(cost * 100).toFixed(1)}%`,
    },
  ];
}

/**
 * The cost of opening on reads: `count` captures, each of a person of their own, written sealed, then read in
 * batches of 5,000 (as a projection rebuild reads) through the sealing layer (one key lookup per batch, each
 * person's key unwrapped, every capture decrypted) and as stored.
 */
export async function openingFigures(count: number): Promise<Figure[]> {
  return withLog(true, async (log) => {
    const sealed = (log as PersonalDataEventStore).sealed;
    for (let i = 0; i < count; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, count - i) }, (_, k) => {
          const event = leadCaptured(i + k);
          return log.appendToStream(`lead-${String(event.data['leadId'])}`, [event], {
            expectedRevision: 'no_stream',
          });
        }),
      );
    }
    const rate = async (store: EventStore) => {
      const started = performance.now();
      let after = 0n;
      for (;;) {
        const batch = await store.readAll({ after, maxCount: 5000 });
        if (batch.length === 0) break;
        after = batch[batch.length - 1]!.position;
      }
      return count / ((performance.now() - started) / 1000);
    };
    const asStored = await rate(sealed);
    const opened = await rate(log);
    return [
      {
        name: `store: read ${count} sealed captures as stored`,
        unit: 'events/s',
        rate: asStored,
      },
      {
        name: `store: read ${count} sealed captures opened (a person each)`,
        unit: 'events/s',
        rate: opened,
        note: `${(opened / asStored).toFixed(2)}x the read as stored`,
      },
    ];
  });
}
