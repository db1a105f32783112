import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppConfig, ConfigError, loadConfig, openLog, openReadStore } from '@app/application';
import type { Projection } from '@app/read-models';
import {
  type RecordedEvent,
  type SigningKey,
  type SqliteDatabase,
  hashOf,
  loadOrCreateSigningKey,
  openSqliteDatabase,
} from '@app/event-store';

import {
  SealRefusedError,
  assertSealable,
  rewriteLog,
  scanLog,
  scrubLog,
  sealRecordOf,
  sealingKeysOf,
  subjectsOf,
} from './log-sealing/log-rewrite';
import {
  SEAL_RECORD_FORMAT,
  type SealRecord,
  type UnsignedSealRecord,
  signSealRecord,
} from './log-sealing/seal-record';

export * from './log-sealing/log-rewrite';
export * from './log-sealing/seal-record';

/**
 * npm run personal-data:seal: the one-off sealing of a log written before personal data was sealed.
 *
 * Such a log holds leads' names, emails, companies, phones and the titles made of them in the clear, where
 * destroying a data key cannot reach them, so erasing those leads is refused (PERSONAL_DATA_NOT_SEALED). With
 * the service stopped, this tool rewrites those events on the embedded store (DATA_DIR/events.sqlite) with
 * their personal fields sealed exactly as the service seals what it appends, and recomputes the hash chain of
 * every stream it changed from the first changed event on. Nothing else in any event changes: not its id,
 * position, revision, type, other data or metadata, but for its `hash` and for the lead that old title changes
 * now name (the key of whose data seals the title). Then it makes the old bytes unrecoverable from the files
 * (secure_delete, VACUUM, an emptied write-ahead log; the embedded read models too, which an older version
 * wrote without zeroing what it freed), and writes a record of the rewrite signed with the service's signing
 * key: which events changed, their hashes before and after (never their data), and digests of the whole log
 * before and after. Run again, it finds nothing to seal and changes nothing.
 *
 * It erases nobody: a lead whose erasure was refused (PERSONAL_DATA_NOT_SEALED) is erased by the admin once
 * the log is sealed, with POST /leads/{id}/erase.
 */

const USAGE = `usage: npm run personal-data:seal
  With the service stopped: seals the personal data that DATA_DIR/events.sqlite holds in the clear (events
  written before sealing existed), so that those leads can be erased. Reads the service's settings (DATA_DIR,
  MASTER_KEY_FILE, SIGNING_KEY_FILE, READ_STORE...). Writes a signed record to DATA_DIR/audit/ and prints it.
  Exit codes: 0 sealed, or nothing to seal; 1 usage or configuration error; 2 the log cannot be sealed as it
  stands (a broken hash chain, an event it cannot attribute to a lead, or a log that changed during the run).`;

/** The command line or the configuration does not allow a run: exit 1. */
export class UsageError extends Error {}

/** The read model whose documents are hashes of the stored records: rebuilt after a rewrite. */
const MERKLE_TREE_PROJECTION = 'merkle-tree';

/** Where the records of rewrites go: DATA_DIR/audit, readable by its owner only. */
const auditDir = (config: AppConfig): string => join(config.dataDir, 'audit');

/**
 * The record of a rewrite committed but not yet signed and written (the run stopped in between): written
 * inside the rewrite's transaction, so that the next run finishes the job (scrubs the file, signs the record)
 * instead of finding nothing to do.
 */
const pendingFile = (config: AppConfig): string => join(auditDir(config), 'log-sealing.pending.json');

function writePrivate(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600, flag: 'w' });
  renameSync(temporary, file);
}

/** What a run did: sealed (a signed record), nothing to seal, or finished an interrupted run. */
export type SealOutcome =
  | { readonly kind: 'sealed' | 'completed'; readonly record: SealRecord; readonly file: string }
  | { readonly kind: 'nothing-to-seal'; readonly events: number };

/**
 * The whole procedure on the configured stores: scan, make the keys, reset the Merkle tree's read model,
 * rewrite, scrub, sign. `say` hears what an operator should read (never personal data).
 */
export async function sealPersonalData(
  config: AppConfig,
  say: (line: string) => void = () => {},
  now: () => Date = () => new Date(),
): Promise<SealOutcome> {
  if (config.eventStore.kind === 'eventstoredb') {
    throw new UsageError(
      'EVENT_STORE=eventstoredb: the log in EventStoreDB cannot be rewritten (its events are immutable), so ' +
        'this tool seals only the embedded log. Events written there before sealing keep their personal data ' +
        'in the clear, and the erasure of their leads is refused. What to do instead: migrate the log into a ' +
        "new EventStoreDB database, appending each event through the service's sealing store (its personal " +
        'fields sealed, its chain recomputed on append) and keeping a record of the migration, or redact the ' +
        "fields with EventStoreDB's own redaction tool; then point EVENTSTORE_URL at the result",
    );
  }
  const file = join(config.dataDir, 'events.sqlite');
  if (!existsSync(file)) throw new UsageError(`there is no event log at ${file}: set DATA_DIR`);

  const db = openSqliteDatabase(file);
  try {
    // Whatever a write below frees is zeroed, not left in the file's free space.
    db.pragma('secure_delete = ON');
    const scan = scanLog(db);
    if (scan.unsealed.length === 0 && scan.unattributed.length === 0) {
      const pending = readPending(config);
      if (pending && committed(db, pending)) return await finish(config, db, pending, 'completed', say);
      if (pending) {
        // A rewrite that never committed (its transaction rolled back): the log holds nothing of it.
        unlinkSync(pendingFile(config));
        say('removed the record of a sealing whose rewrite was rolled back');
      }
      say(
        `nothing to seal: none of the ${scan.events} events of the log holds personal data in the clear; ` +
          'nothing was changed',
      );
      return { kind: 'nothing-to-seal', events: scan.events };
    }

    assertSealable(scan);
    const subjects = subjectsOf(scan);
    say(
      `${scan.unsealed.length} of ${scan.events} events hold the personal data of ${subjects.length} persons ` +
        'in the clear: sealing them',
    );
    const signingKey = loadOrCreateSigningKey(config.signingKeyFile);
    if (signingKey.created) {
      say(
        `created a signing key at ${config.signingKeyFile}: the service signs tree heads with it too; back it up ` +
          'and keep it apart from the data directory',
      );
    }
    const log = await openLog(config, say);
    let sealing: Awaited<ReturnType<typeof sealingKeysOf>>;
    try {
      sealing = await sealingKeysOf(scan, log.dataKeys);
    } finally {
      await log.close();
    }
    if (sealing.erased.size > 0) {
      say(
        `${sealing.erased.size} of these persons were erased already: their fields are sealed under a key ` +
          'discarded at once, and read as erased',
      );
    }
    const readModelsReset = await resetMerkleTree(config, log.projections);

    let record: UnsignedSealRecord | undefined;
    try {
      rewriteLog(db, sealing.keys, (rewrite) => {
        record = sealRecordOf(rewrite, {
          sealedAt: now().toISOString(),
          erasedSubjects: [...sealing.erased].filter((subject) => rewrite.subjects.includes(subject)).length,
          readModelsReset,
          keyId: signingKey.keyId,
        });
        mkdirSync(auditDir(config), { recursive: true, mode: 0o700 });
        writePrivate(pendingFile(config), `${JSON.stringify(record, null, 2)}\n`);
      });
    } finally {
      for (const { key } of sealing.keys.values()) key.fill(0);
    }
    say(
      `rewrote ${record!.events} events in ${record!.streams} streams (${record!.sealedEvents} sealed, the ` +
        'others rechained after them) in one transaction',
    );
    return await finish(config, db, record!, 'sealed', say, signingKey);
  } finally {
    db.close();
  }
}

/** Drops the Merkle tree's read model (its leaves hashed the old records) when the service keeps one. */
async function resetMerkleTree(config: AppConfig, projections: readonly Projection[]): Promise<string[]> {
  const merkle = projections.find((p) => p.name === MERKLE_TREE_PROJECTION);
  if (!merkle) return [];
  const reads = await openReadStore(config);
  try {
    await reads.store.reset(merkle);
  } finally {
    await reads.close();
  }
  return [merkle.name];
}

function readPending(config: AppConfig): UnsignedSealRecord | undefined {
  const file = pendingFile(config);
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as UnsignedSealRecord;
    return record.format === SEAL_RECORD_FORMAT && Array.isArray(record.changes) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the rewrite a pending record describes is in the log: every event it changed has its new hash. */
function committed(db: SqliteDatabase, record: UnsignedSealRecord): boolean {
  const at = db.prepare<[number], { metadata: string }>('SELECT metadata FROM events WHERE position = ?');
  return record.changes.every((change) => {
    const row = at.get(Number(change.position));
    return (
      row !== undefined &&
      hashOf({ metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'] }) === change.hashAfter
    );
  });
}

/**
 * An older version wrote the embedded read models without zeroing what it freed, so their file may keep
 * copies of personal data that no live document holds, and that an erasure's purge would not reach: rebuilt
 * from its live rows (VACUUM, with secure_delete) and its write-ahead log emptied. Its content stays as it is.
 * False for a read store that is no file of the data directory (MongoDB).
 */
async function scrubReadModels(config: AppConfig): Promise<boolean> {
  const file = join(config.dataDir, 'read-models.sqlite');
  if (config.readStore.kind !== 'sqlite' || !existsSync(file)) return false;
  const db = openSqliteDatabase(file, { synchronous: 'NORMAL' });
  try {
    if (!(await scrubLog(db))) {
      throw new SealRefusedError(
        'the rewrite is committed, but another process has the read models open and kept their write-ahead ' +
          'log from being emptied: stop the service and run again to finish',
      );
    }
    return true;
  } finally {
    db.close();
  }
}

/** Scrubs the file, then signs the record and writes it: DATA_DIR/audit/log-sealed-<time>.json. */
async function finish(
  config: AppConfig,
  db: SqliteDatabase,
  unsigned: UnsignedSealRecord,
  kind: 'sealed' | 'completed',
  say: (line: string) => void,
  signingKey: SigningKey = loadOrCreateSigningKey(config.signingKeyFile),
): Promise<SealOutcome> {
  if (kind === 'completed') {
    say(`completing the sealing of ${unsigned.sealedAt}, which stopped after its rewrite was committed`);
  }
  const emptied = await scrubLog(db);
  if (!emptied) {
    throw new SealRefusedError(
      'the rewrite is committed, but another process has the log open and kept its write-ahead log (where old ' +
        'pages may linger) from being emptied: stop the service and run again to finish',
    );
  }
  say(
    "the old bytes are gone from the log's files: freed space zeroed, file vacuumed, write-ahead log emptied",
  );
  if (await scrubReadModels(config)) {
    say(
      'read-models.sqlite vacuumed: copies an older version left in its free space are gone (what it holds ' +
        'live, an erasure purges)',
    );
  }
  const record = signSealRecord({ ...unsigned, keyId: signingKey.keyId }, signingKey);
  const stamp = record.sealedAt.replace(/[-:]/g, '');
  const file = join(auditDir(config), `log-sealed-${stamp}.json`);
  mkdirSync(auditDir(config), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Written by a run that stopped before it removed the pending record: Ed25519 signs the same bytes alike.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (existsSync(pendingFile(config))) unlinkSync(pendingFile(config));
  say(`signed record of the rewrite (key ${record.keyId}) written to ${file}`);
  say(
    record.readModelsReset.length > 0
      ? `read models reset, rebuilt from the sealed log at the next start: ${record.readModelsReset.join(', ')} ` +
          '(its leaves hashed the old records; tree heads issued before this rewrite state tree.before of the record)'
      : 'no read model hashes the stored records: none was reset',
  );
  say(
    'the other read models hold the personal data opened, as before, and stay: an erasure purges them. ' +
      'Leads whose data was in the clear can now be erased',
  );
  return { kind, record, file };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.length > 0) throw new UsageError(`unknown argument ${args[0]}`);
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const outcome = await sealPersonalData(config, (line) => process.stderr.write(`${line}\n`));
  if (outcome.kind !== 'nothing-to-seal')
    process.stdout.write(`${JSON.stringify(outcome.record, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Cannot seal: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exit(error instanceof UsageError ? 1 : 2);
  });
}
