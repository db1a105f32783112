import { createHash, randomBytes, randomUUID, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AppConfig,
  ConfigError,
  DATA_KEY_BYTES,
  type DataKeys,
  type SealingKey,
  heldPersonalFields,
  holdsUnsealedPersonalData,
  loadConfig,
  openLog,
  openReadStore,
  sealEventData,
  sealedFieldsOf,
} from '@app/application';
import type { ErasureNotice } from '@app/domain';
import type { Projection } from '@app/read-models';
import {
  ChainVerifier,
  GENESIS_HASH,
  HASH_KEY,
  type RecordedEvent,
  RootBuilder,
  type SigningKey,
  type SqliteDatabase,
  canonicalJson,
  ed25519PublicKey,
  eventHash,
  eventLeafHash,
  hashOf,
  keyIdOf,
  loadOrCreateSigningKey,
  openSqliteDatabase,
} from '@app/event-store';

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

/** The log cannot be sealed as it stands; nothing was rewritten: exit 2. */
export class SealRefusedError extends Error {}

/** The first member of every record, and of the bytes signed: a later format cannot pass for this one. */
export const SEAL_RECORD_FORMAT = 'sales-pipeline log sealed v1';

/** The read model whose documents are hashes of the stored records: rebuilt after a rewrite. */
const MERKLE_TREE_PROJECTION = 'merkle-tree';

/** An event the rewrite changed: its data sealed, or only its hash, chained from a changed event before it. */
export interface SealedEventChange {
  /** The event's position in the log, in decimal (as the API writes positions). */
  readonly position: string;
  readonly streamId: string;
  readonly revision: number;
  readonly hashBefore: string;
  readonly hashAfter: string;
  /** True when its personal fields were sealed; false when only its hash changed. */
  readonly sealed: boolean;
}

/** The root of RFC 9162's Merkle tree over the whole log (the tree the service signs heads of). */
export interface LogTree {
  readonly size: number;
  readonly rootHash: string;
}

/**
 * The record of a rewrite, signed: a format line, when, how much, every changed event's hashes, and two
 * digests of the whole log before and after (chainHeads: SHA-256 over the last hash of every stream; tree: the
 * Merkle root a tree head of the whole log states). Data never appears in it, personal or not.
 */
export interface SealRecord {
  readonly format: typeof SEAL_RECORD_FORMAT;
  /** When the log was rewritten, ISO 8601 UTC. */
  readonly sealedAt: string;
  /** Events rewritten: sealed, or rechained after one that was. */
  readonly events: number;
  /** Of those, the events whose personal fields were sealed. */
  readonly sealedEvents: number;
  /** Streams rewritten. */
  readonly streams: number;
  /** Persons (data keys) whose fields were sealed. */
  readonly subjects: number;
  /** Of those, persons erased already, whose fields were sealed under a key discarded at once: they read null. */
  readonly erasedSubjects: number;
  /** The whole log, which the rewrite neither grew nor shrank. */
  readonly log: { readonly events: number; readonly streams: number };
  /**
   * SHA-256 (hex) of canonicalJson({ [streamId]: hash of the stream's last event }) over every stream of the
   * log, before and after: whoever holds a copy of the log can recompute both.
   */
  readonly chainHeads: { readonly before: string; readonly after: string };
  /** The Merkle tree of the whole log before and after: tree heads issued before the rewrite state the first. */
  readonly tree: { readonly before: LogTree; readonly after: LogTree };
  /** Read models dropped to be rebuilt from the rewritten log at the next start. */
  readonly readModelsReset: readonly string[];
  /** Every changed event, in position order. */
  readonly changes: readonly SealedEventChange[];
  /** SHA-256 (hex) of the signing key's public key in SPKI DER, as GET /audit/public-key names it. */
  readonly keyId: string;
  /** Ed25519 over sealRecordMessage(record), base64. */
  readonly signature: string;
}

export type UnsignedSealRecord = Omit<SealRecord, 'signature'>;

/** The bytes a record's signature covers: the record without its signature, as canonicalJson writes it, UTF-8. */
export function sealRecordMessage(record: UnsignedSealRecord | SealRecord): Buffer {
  const { signature: _signature, ...unsigned } = record as SealRecord;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

export function signSealRecord(
  record: UnsignedSealRecord,
  key: Pick<SigningKey, 'privateKey' | 'keyId'>,
): SealRecord {
  if (record.keyId !== key.keyId)
    throw new Error('the record names another signing key than the one signing it');
  return { ...record, signature: sign(null, sealRecordMessage(record), key.privateKey).toString('base64') };
}

/**
 * Whether a record was signed by the key of this public key (PEM, SPKI; the `pem` of GET /audit/public-key) and
 * is unaltered, and whether it holds together: as many changes as it counts, each sealed or rechained once.
 */
export function verifySealRecord(record: unknown, publicKeyPem: string): boolean {
  if (record === null || typeof record !== 'object') return false;
  const r = record as Partial<SealRecord>;
  if (r.format !== SEAL_RECORD_FORMAT || typeof r.signature !== 'string' || !Array.isArray(r.changes)) {
    return false;
  }
  const publicKey = ed25519PublicKey(publicKeyPem);
  if (r.keyId !== keyIdOf(publicKey)) return false;
  const signed = verify(
    null,
    sealRecordMessage(r as SealRecord),
    publicKey,
    Buffer.from(r.signature, 'base64'),
  );
  if (!signed) return false;
  const changes = r.changes as readonly SealedEventChange[];
  const positions = new Set(changes.map((change) => change.position));
  return (
    r.events === changes.length &&
    positions.size === changes.length &&
    r.sealedEvents === changes.filter((change) => change.sealed).length
  );
}

interface EventRow {
  readonly position: number;
  readonly event_id: string;
  readonly stream_id: string;
  readonly revision: number;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

const recordedOf = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  revision: row.revision,
  position: BigInt(row.position),
  type: row.type,
  data: JSON.parse(row.data) as Record<string, unknown>,
  metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
});

/** An event that holds personal data in the clear, and what sealing it takes. */
export interface UnsealedEvent {
  readonly position: number;
  readonly streamId: string;
  readonly revision: number;
  /** Whose data it is: the key it is sealed with. */
  readonly subject: string;
  /** The lead to name in its data first: a title change written before title changes named their lead. */
  readonly addLeadId?: string;
}

/** The log as one pass over it found it. */
export interface LogScan {
  readonly events: number;
  readonly streams: number;
  /** The events to seal, in position order. */
  readonly unsealed: readonly UnsealedEvent[];
  /** Title changes with a title in the clear in a deal stream that names no lead: nobody's key can seal them. */
  readonly unattributed: readonly { readonly position: number; readonly streamId: string }[];
  /** Streams whose hash chain does not hold, and where it breaks. */
  readonly broken: readonly { readonly streamId: string; readonly revision: number }[];
  /** For each person, the key (kid) their sealed events name already, their own stream's first. */
  readonly kids: ReadonlyMap<string, string>;
  /** The persons whose lead stream holds LeadErased, and when and why. */
  readonly erasures: ReadonlyMap<string, ErasureNotice>;
  /** See SealRecord.chainHeads. */
  readonly chainHeads: string;
  readonly tree: LogTree;
}

const hasEventsTable = (db: SqliteDatabase): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() !== undefined;

/**
 * One pass over the log in position order: the events holding personal data in the clear (as the refusal of
 * an erasure finds them), every stream's chain, and the two digests of the whole log.
 */
export function scanLog(db: SqliteDatabase): LogScan {
  const streams = new Map<string, { verifier: ChainVerifier; head: string; leadId?: string }>();
  const tree = new RootBuilder();
  const unsealed: UnsealedEvent[] = [];
  const unattributed: { position: number; streamId: string }[] = [];
  const kids = new Map<string, string>();
  const erasures = new Map<string, ErasureNotice>();
  const ownKid = new Set<string>();
  const rows = hasEventsTable(db)
    ? (db.prepare('SELECT * FROM events ORDER BY position').iterate() as IterableIterator<EventRow>)
    : [];
  for (const row of rows) {
    const event = recordedOf(row);
    let stream = streams.get(event.streamId);
    if (!stream) {
      stream = { verifier: new ChainVerifier(), head: '' };
      streams.set(event.streamId, stream);
    }
    stream.verifier.next(event);
    stream.head = hashOf(event) ?? '';
    tree.push(eventLeafHash(event));
    const leadId = event.data['leadId'];
    if (event.type === 'DealCreated' && typeof leadId === 'string') stream.leadId ??= leadId;
    if (event.type === 'LeadErased') {
      const { erasedAt, reason } = event.data as { erasedAt?: unknown; reason?: unknown };
      erasures.set(event.streamId, { at: String(erasedAt), reason: String(reason) });
    }
    const sealed = sealedFieldsOf(event);
    // A person's own stream (lead-<id> is their subject) names their key, as the store finds it; else any.
    if (sealed) {
      const own = sealed.subject === event.streamId;
      if (own ? !ownKid.has(sealed.subject) : !kids.has(sealed.subject)) {
        kids.set(sealed.subject, sealed.kid);
        if (own) ownKid.add(sealed.subject);
      }
    }

    let data = event.data;
    let addLeadId: string | undefined;
    if (event.type === 'DealTitleChanged' && typeof leadId !== 'string') {
      // Written before title changes named their lead: the deal's lead is the one its creation names.
      if (stream.leadId === undefined) {
        if (data['from'] != null || data['to'] != null) {
          unattributed.push({ position: row.position, streamId: row.stream_id });
        }
        continue;
      }
      addLeadId = stream.leadId;
      data = { ...data, leadId: addLeadId };
    }
    if (!holdsUnsealedPersonalData({ ...event, data })) continue;
    const personal = heldPersonalFields({ type: event.type, data })!;
    unsealed.push({
      position: row.position,
      streamId: row.stream_id,
      revision: row.revision,
      subject: personal.subject,
      ...(addLeadId === undefined ? {} : { addLeadId }),
    });
  }
  const broken = [...streams.entries()]
    .filter(([, stream]) => stream.verifier.brokenAt !== null)
    .map(([streamId, stream]) => ({ streamId, revision: stream.verifier.brokenAt! }));
  return {
    events: tree.size,
    streams: streams.size,
    unsealed,
    unattributed,
    broken,
    kids,
    erasures,
    chainHeads: chainHeadsDigest(new Map([...streams].map(([streamId, stream]) => [streamId, stream.head]))),
    tree: { size: tree.size, rootHash: tree.root().toString('hex') },
  };
}

/** SHA-256 (hex) of canonicalJson({ [streamId]: head hash }): the same heads always give the same digest. */
export function chainHeadsDigest(heads: ReadonlyMap<string, string>): string {
  return createHash('sha256')
    .update(canonicalJson(Object.fromEntries(heads)), 'utf8')
    .digest('hex');
}

/** Refuses a log that sealing would make worse: a rechained broken chain would hide what broke it. */
function assertSealable(scan: LogScan): void {
  if (scan.broken.length > 0) {
    const where = scan.broken.map((b) => `${b.streamId} at revision ${b.revision}`).join(', ');
    throw new SealRefusedError(
      `the hash chain of the log does not hold (${where}): sealing would recompute it and hide what changed. ` +
        'Find out with npm run audit:verify and restore the log from a backup first; nothing was rewritten',
    );
  }
  if (scan.unattributed.length > 0) {
    const where = scan.unattributed.map((u) => `${u.streamId} at position ${u.position}`).join(', ');
    throw new SealRefusedError(
      `title changes hold a title in the clear in deal streams that name no lead (${where}): nobody's key can ` +
        'seal them; nothing was rewritten',
    );
  }
}

/** The subjects whose keys sealing the scanned events takes. */
export const subjectsOf = (scan: Pick<LogScan, 'unsealed'>): string[] => [
  ...new Set(scan.unsealed.map((u) => u.subject)),
];

/**
 * The key to seal each person's fields with (pass 1, before the rewrite's transaction): the key their sealed
 * events name already, or a fresh one, durable in the key store before the rewrite uses it.
 *
 * A person erased already (an erasure is refused while their data is in the clear, so only an erasure
 * interrupted or forced around that refusal gets here) is sealed under their destroyed key's id with a random
 * key that is zeroed after the rewrite: their fields are sealed where nobody can open them and read as erased,
 * with when and why, like the rest of their events. Nothing of theirs stays in the clear. A key their events
 * name that the key store does not know (a key store restored from an older backup) is refused: sealing more
 * under it would lose the data for good.
 */
export async function sealingKeysOf(
  scan: Pick<LogScan, 'unsealed' | 'kids' | 'erasures'>,
  dataKeys: Pick<DataKeys, 'openingKeys' | 'freshKey' | 'erase'>,
): Promise<{ keys: Map<string, SealingKey>; erased: Set<string> }> {
  const subjects = subjectsOf(scan);
  const keys = new Map<string, SealingKey>();
  const erased = new Set<string>();
  const named = subjects.flatMap((subject) => scan.kids.get(subject) ?? []);
  const opening = named.length > 0 ? await dataKeys.openingKeys(named) : new Map();
  const discarded = (subject: string, kid: string) => {
    keys.set(subject, { kid, key: randomBytes(DATA_KEY_BYTES) });
    erased.add(subject);
  };
  for (const subject of subjects) {
    const kid = scan.kids.get(subject);
    if (kid !== undefined) {
      const key: unknown = opening.get(kid);
      if (Buffer.isBuffer(key)) keys.set(subject, { kid, key });
      else if (key !== undefined) discarded(subject, kid);
      else {
        throw new SealRefusedError(
          `the key ${kid} that seals other data of ${subject} is missing from the key store (restored from an ` +
            'older backup?): restore it first, or its data would be lost; nothing was rewritten',
        );
      }
      continue;
    }
    const erasure = scan.erasures.get(subject);
    if (erasure) {
      // Erased before any key was made: a key id that only ever had a tombstone.
      const tombstone = `key-${randomUUID()}`;
      await dataKeys.erase(tombstone, erasure);
      discarded(subject, tombstone);
      continue;
    }
    keys.set(subject, await dataKeys.freshKey());
  }
  return { keys, erased };
}

export interface LogRewrite {
  readonly before: LogScan;
  readonly after: LogScan;
  readonly changes: readonly SealedEventChange[];
  /** The subjects whose fields were sealed. */
  readonly subjects: readonly string[];
}

/**
 * Pass 2, in one IMMEDIATE write transaction: scans the log again (no writer can slip in between), seals each
 * event holding personal data in the clear with its subject's key (naming the lead in old title changes), and
 * recomputes the chain of each stream it changed from its first changed revision on. Checks the result (every
 * chain holds, nothing is left in the clear, no event came or went) before it commits; `beforeCommit` runs
 * last inside the transaction, and a throw from anything rolls it all back. Writes nothing when there is
 * nothing to seal.
 */
export function rewriteLog(
  db: SqliteDatabase,
  keys: ReadonlyMap<string, SealingKey>,
  beforeCommit: (rewrite: LogRewrite) => void = () => {},
): LogRewrite {
  return db
    .transaction((): LogRewrite => {
      const before = scanLog(db);
      assertSealable(before);
      const subjects = subjectsOf(before);
      // A person with no key in pass 1, or with another key now: something appended in between.
      const missing = subjects.filter((subject) => {
        const kid = before.kids.get(subject);
        return !keys.has(subject) || (kid !== undefined && kid !== keys.get(subject)!.kid);
      });
      if (missing.length > 0) {
        throw new SealRefusedError(
          `the log changed while it was being sealed (the keys made for it do not cover ${missing.length} ` +
            'persons whose data is in the clear now): ' +
            'is the service running? Stop it and run again; nothing was rewritten',
        );
      }
      if (before.unsealed.length === 0) return { before, after: before, changes: [], subjects };

      const byStream = new Map<string, Map<number, UnsealedEvent>>();
      for (const event of before.unsealed) {
        let events = byStream.get(event.streamId);
        if (!events) byStream.set(event.streamId, (events = new Map<number, UnsealedEvent>()));
        events.set(event.revision, event);
      }
      const headOf = db.prepare<[string, number], { metadata: string }>(
        'SELECT metadata FROM events WHERE stream_id = ? AND revision = ?',
      );
      const from = db.prepare<[string, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision',
      );
      const update = db.prepare<[string, string, number]>(
        'UPDATE events SET data = ?, metadata = ? WHERE position = ?',
      );
      const changes: SealedEventChange[] = [];
      for (const [streamId, events] of byStream) {
        const first = Math.min(...events.keys());
        let previous = GENESIS_HASH;
        if (first > 0) {
          const row = headOf.get(streamId, first - 1);
          previous = hashOf({ metadata: JSON.parse(row!.metadata) as RecordedEvent['metadata'] })!;
        }
        for (const row of from.all(streamId, first)) {
          const event = recordedOf(row);
          const unsealed = events.get(row.revision);
          let data = event.data;
          let dataText = row.data;
          if (unsealed) {
            const opened = unsealed.addLeadId === undefined ? data : { ...data, leadId: unsealed.addLeadId };
            const personal = heldPersonalFields({ type: event.type, data: opened })!;
            data = sealEventData(
              streamId,
              { id: event.id, type: event.type, data: opened },
              personal,
              keys.get(unsealed.subject)!,
            );
            dataText = JSON.stringify(data);
          }
          const hashAfter = eventHash(previous, streamId, row.revision, { ...event, data });
          const hashBefore = hashOf(event)!;
          previous = hashAfter;
          if (!unsealed && hashAfter === hashBefore) continue;
          update.run(dataText, JSON.stringify({ ...event.metadata, [HASH_KEY]: hashAfter }), row.position);
          changes.push({
            position: String(row.position),
            streamId,
            revision: row.revision,
            hashBefore,
            hashAfter,
            sealed: unsealed !== undefined,
          });
        }
      }
      changes.sort((a, b) => Number(BigInt(a.position) - BigInt(b.position)));

      const after = scanLog(db);
      const problems = [
        ...(after.broken.length > 0 ? ['a hash chain does not hold'] : []),
        ...(after.unsealed.length > 0 ? [`${after.unsealed.length} events still hold personal data`] : []),
        ...(after.events !== before.events ? ['the number of events changed'] : []),
      ];
      if (problems.length > 0) {
        throw new Error(`the rewritten log does not verify (${problems.join('; ')}): rolled back`);
      }
      const rewrite: LogRewrite = { before, after, changes, subjects };
      beforeCommit(rewrite);
      return rewrite;
    })
    .immediate();
}

/** The record of a rewrite, before it is signed. */
export function sealRecordOf(
  rewrite: LogRewrite,
  details: {
    readonly sealedAt: string;
    readonly erasedSubjects: number;
    readonly readModelsReset: readonly string[];
    readonly keyId: string;
  },
): UnsignedSealRecord {
  const { before, after, changes } = rewrite;
  return {
    format: SEAL_RECORD_FORMAT,
    sealedAt: details.sealedAt,
    events: changes.length,
    sealedEvents: changes.filter((change) => change.sealed).length,
    streams: new Set(changes.map((change) => change.streamId)).size,
    subjects: rewrite.subjects.length,
    erasedSubjects: details.erasedSubjects,
    log: { events: before.events, streams: before.streams },
    chainHeads: { before: before.chainHeads, after: after.chainHeads },
    tree: { before: before.tree, after: after.tree },
    readModelsReset: details.readModelsReset,
    changes,
    keyId: details.keyId,
  };
}

/**
 * Makes the bytes a rewrite replaced unrecoverable from a database's files: what is freed is zeroed
 * (secure_delete, set before the rewrite too), VACUUM rebuilds the file from its live rows, and the write-ahead
 * log is folded back and emptied. False when another process kept the write-ahead log from being emptied.
 */
export async function scrubLog(db: SqliteDatabase): Promise<boolean> {
  db.pragma('secure_delete = ON');
  db.exec('VACUUM');
  for (let attempt = 1; attempt <= 6; attempt++) {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result?.busy === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
  }
  return false;
}

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
