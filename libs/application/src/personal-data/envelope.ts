import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomBytesFromPool } from './random-pool';

/**
 * Personal data as it is stored: JSON encrypted with AES-256-GCM under the data key of the person it is about.
 * Every field is base64: a 12-byte random IV, the ciphertext, and the 16-byte authentication tag. The AAD (the
 * context the value was sealed for, such as the event and field it belongs to) is not stored: whoever opens
 * the envelope must name the same context, so a sealed value cannot be moved to another place and opened there.
 */
export interface SealedEnvelope {
  readonly v: 1;
  readonly alg: 'A256GCM';
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
}

const ALGORITHM = 'aes-256-gcm';
export const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that cannot be opened: a malformed envelope, or one that fails authentication. */
export class SealedDataError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SealedDataError';
  }
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== DATA_KEY_BYTES) {
    throw new SealedDataError(`a data key is ${DATA_KEY_BYTES} bytes (AES-256)`);
  }
}

/** Encrypts `value` (anything JSON can hold) under `key`, bound to the context `aad`. A new random IV each call. */
export function sealJson(key: Buffer, value: unknown, aad: string): SealedEnvelope {
  assertKey(key);
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('only a value that JSON can hold can be sealed');
  const iv = randomBytesFromPool(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = cipher.update(json, 'utf8');
  const rest = cipher.final(); // empty for GCM, a stream mode: no concatenation needed in practice
  return {
    v: 1,
    alg: 'A256GCM',
    iv: iv.toString('base64'),
    ct: rest.length === 0 ? ct.toString('base64') : Buffer.concat([ct, rest]).toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/**
 * Decrypts an envelope sealed by sealJson under the same key and context. Throws SealedDataError when it cannot:
 * a malformed envelope, another key, another context, or an IV, ciphertext or tag altered by one bit.
 */
export function openJson(key: Buffer, envelope: SealedEnvelope, aad: string): unknown {
  assertKey(key);
  if (!isSealedEnvelope(envelope)) {
    throw new SealedDataError('not a sealed envelope (expected { v: 1, alg: "A256GCM", iv, ct, tag })');
  }
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SealedDataError(`a sealed envelope has a ${IV_BYTES}-byte IV and a ${TAG_BYTES}-byte tag`);
  }
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    const head = decipher.update(Buffer.from(envelope.ct, 'base64'));
    const rest = decipher.final();
    plain = rest.length === 0 ? head : Buffer.concat([head, rest]);
  } catch (error) {
    throw new SealedDataError(
      'sealed data failed authentication: another key or context, or the envelope was altered',
      { cause: error },
    );
  }
  return JSON.parse(plain.toString('utf8')) as unknown;
}

/** Whether `x` has the shape of a SealedEnvelope (it says nothing of whether it opens). */
export function isSealedEnvelope(x: unknown): x is SealedEnvelope {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return (
    e['v'] === 1 &&
    e['alg'] === 'A256GCM' &&
    typeof e['iv'] === 'string' &&
    typeof e['ct'] === 'string' &&
    typeof e['tag'] === 'string'
  );
}
