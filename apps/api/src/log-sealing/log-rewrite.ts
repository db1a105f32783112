import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  DATA_KEY_BYTES,
  type DataKeys,
  type SealingKey,
  heldPersonalFields,
  holdsUnsealedPersonalData,
  sealEventData,
  sealedFieldsOf,
} from '@app/application';
import type { ErasureNotice } from '@app/domain';
import {
  ChainVerifier,
  GENESIS_HASH,
  HASH_KEY,
  type RecordedEvent,
  RootBuilder,
  type EventRow,
  type SqliteDatabase,
  canonicalJson,
  eventHash,
  eventLeafHash,
  hashOf,
  toRecorded,
} from '@app/event-store';
import {
  type LogTree,
  type SealedEventChange,
  type UnsignedSealRecord,
  SEAL_RECORD_FORMAT,
} from './seal-record';

// The rewrite of a log written before sealing (npm run personal-data:seal): what it holds in the clear, the
// keys to seal it with, the rewrite in one transaction with the chains recomputed, and the files scrubbed.

/** The log cannot be sealed as it stands; nothing was rewritten: exit 2. */
export class SealRefusedError extends Error {}

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
    const event = toRecorded(row);
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
export function assertSealable(scan: LogScan): void {
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
          const event = toRecorded(row);
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
