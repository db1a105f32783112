import { hash } from 'node:crypto';
import { type RecordedEvent, storedRecordOf } from '../event-store.port';
import { canonicalJson } from '../integrity';

/**
 * The hashing of RFC 9162 (section 2.1.1), SHA-256: a leaf's hash is HASH(0x00 || leaf), an inner node's
 * HASH(0x01 || left || right), the empty tree's HASH() (no input). The prefixes keep a leaf from passing
 * for an inner node (second preimages).
 */
export const HASH_BYTES = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const leafHash = (leaf: Uint8Array): Buffer =>
  hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'buffer');

export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer =>
  hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');

/** The root of the tree of no leaves. */
export const emptyRoot = (): Buffer => hash('sha256', Buffer.alloc(0), 'buffer');

/**
 * The leaf of an event: the UTF-8 bytes of canonicalJson({ id, streamId, revision, type, data, metadata }) of
 * the record as the store holds it (metadata with its chain hash; personal data sealed; data in the schema it
 * was written with). Whatever a layer above changed in what was read is undone first (storedRecordOf), so
 * upcasting, opening and erasing personal data never change a leaf. The position is not in the leaf: the
 * leaf's index is the event's ordinal in the log.
 */
export const leafOf = (record: RecordedEvent): Buffer => Buffer.from(leafText(record), 'utf8');

function leafText(record: RecordedEvent): string {
  const { id, streamId, revision, type, data, metadata } = storedRecordOf(record);
  return canonicalJson({ id, streamId, revision, type, data, metadata });
}

/**
 * The leaf hash of an event as the tree holds it, in hex: leafHash(leafOf(record)), hashed from the leaf's text
 * with a NUL character in front (0x00 in UTF-8), which spares a copy of every leaf; it runs for every event.
 */
export const eventLeafHashHex = (record: RecordedEvent): string =>
  hash('sha256', `\u0000${leafText(record)}`, 'hex');

/** The leaf hash of an event, as the tree holds it. */
export const eventLeafHash = (record: RecordedEvent): Buffer => Buffer.from(eventLeafHashHex(record), 'hex');

/** Whether a value is a hash as the tree writes them: 64 lowercase hex digits. */
export const isHexHash = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
