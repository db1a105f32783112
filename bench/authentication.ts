import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeys, SqliteKeyStore, newSecret, secretHashOf } from '@app/application';
import { openSqliteDatabase } from '@app/event-store';
import { type Figure, latencies } from './stats';

/**
 * What authenticating a request costs the request thread: ApiKeys.authenticate (SHA-256 of the secret, one
 * indexed lookup in the embedded key store, a constant-time comparison) on a store of `keys` keys, timed
 * call by call. Set against the capture rate measured in the same run, it gives the share of a capture's
 * time that authentication takes on one thread.
 */
export async function authenticationFigures(
  captureRate: number | undefined,
  keys = 1_000,
): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-auth-'));
  const store = new SqliteKeyStore(openSqliteDatabase(join(dir, 'access.sqlite')));
  try {
    // The store's writes only: the log is not what is measured here.
    const issued = Array.from({ length: keys }, () => newSecret());
    for (const [i, secret] of issued.entries()) {
      const keyId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      await store.add({
        keyId,
        name: `key ${i}`,
        roles: ['sales'],
        commands: false,
        actOnBehalf: false,
        personalData: false,
        secretHash: secretHashOf(secret),
        issuedAt: new Date().toISOString(),
        revokedAt: null,
        active: false,
      });
      await store.activate(keyId);
    }
    // authenticate reads the key store only: no executor (no log) is needed.
    const keysOf = new ApiKeys(undefined as never, store);
    const measure = async (name: string, fresh: boolean): Promise<Figure> => {
      const samples: number[] = [];
      for (let i = 0; i < 50_000; i++) {
        const secret = issued[i % issued.length]!;
        // A process that has not seen the key for half a second looks it up: a new ApiKeys has seen none.
        const keys = fresh ? new ApiKeys(undefined as never, store) : keysOf;
        const started = performance.now();
        if (!(await keys.authenticate(secret))) throw new Error('a key in use did not authenticate');
        samples.push(performance.now() - started);
      }
      const { p50Ms, p99Ms } = latencies(samples);
      const meanUs = (samples.reduce((sum, ms) => sum + ms, 0) / samples.length) * 1000;
      const share = captureRate === undefined ? undefined : (meanUs / 1e6) * captureRate;
      return {
        name,
        rate: 1e6 / meanUs,
        unit: 'calls/s',
        p50Ms,
        p99Ms,
        note:
          `mean ${meanUs.toFixed(1)} us` +
          (share === undefined
            ? ''
            : `; at this run's capture rate, ${(share * 100).toFixed(1)}% of one thread`),
      };
    };
    return [
      await measure(`auth: a key seen in the last half second (${keys} keys in the store)`, false),
      await measure(`auth: a key looked up in the embedded key store (${keys} keys)`, true),
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  }
}
