import { sign, verify } from 'node:crypto';
import { type SigningKey, canonicalJson, ed25519PublicKey, keyIdOf } from '@app/event-store';

// The signed record of a one-off sealing of the log (npm run personal-data:seal): its format, signature, check.

/** The first member of every record, and of the bytes signed: a later format cannot pass for this one. */
export const SEAL_RECORD_FORMAT = 'sales-pipeline log sealed v1';

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
