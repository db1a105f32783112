import {
  type KeyObject,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isHexHash } from './merkle-hash';

/**
 * A signed tree head: the size of the tree (events in the log), its root, when it was signed, and an Ed25519
 * signature over those three by the key named by keyId. Whoever holds one can later check that the log still
 * begins with exactly those events (a consistency proof, or the offline verifier).
 */
export interface TreeHead {
  readonly treeSize: number;
  /** The root hash, 64 lowercase hex digits. */
  readonly rootHash: string;
  /** When it was signed, ISO 8601 UTC as toISOString writes it. */
  readonly timestamp: string;
  /** Ed25519 over treeHeadMessage(...), base64. */
  readonly signature: string;
  /** SHA-256 (hex) of the signing key's public key in SPKI DER. */
  readonly keyId: string;
}

/** The first line of the signed message: the format, so that a later one cannot be taken for this one. */
export const TREE_HEAD_FORMAT = 'sales-pipeline tree head v1';

/**
 * The bytes a tree head's signature covers: four lines of UTF-8 text, each ended by a line feed (0x0a):
 * TREE_HEAD_FORMAT, the tree size in decimal, the root hash in lowercase hex, the timestamp as written in the
 * tree head. For tree size 3: "sales-pipeline tree head v1\n3\n<64 hex digits>\n2026-03-01T10:00:00.000Z\n".
 */
export const treeHeadMessage = (head: Pick<TreeHead, 'treeSize' | 'rootHash' | 'timestamp'>): Buffer =>
  Buffer.from(`${TREE_HEAD_FORMAT}\n${head.treeSize}\n${head.rootHash}\n${head.timestamp}\n`, 'utf8');

/** The id of a public key: SHA-256 (hex) of its SubjectPublicKeyInfo DER. */
export const keyIdOf = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;
  /** True when this call made the key (the file did not exist). */
  readonly created: boolean;
}

export function signTreeHead(
  key: Pick<SigningKey, 'privateKey' | 'keyId'>,
  treeSize: number,
  rootHash: Buffer,
  at: Date,
): TreeHead {
  const unsigned = { treeSize, rootHash: rootHash.toString('hex'), timestamp: at.toISOString() };
  const signature = sign(null, treeHeadMessage(unsigned), key.privateKey).toString('base64');
  return { ...unsigned, signature, keyId: key.keyId };
}

/** Reads a tree head from parsed JSON (a file, an answer); throws a TypeError naming what is wrong. */
export function parseTreeHead(value: unknown): TreeHead {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError('a tree head is an object { treeSize, rootHash, timestamp, signature, keyId }');
  }
  const { treeSize, rootHash, timestamp, signature, keyId } = value as Record<string, unknown>;
  if (typeof treeSize !== 'number' || !Number.isSafeInteger(treeSize) || treeSize < 0) {
    throw new TypeError('treeSize must be a whole number of events');
  }
  if (!isHexHash(rootHash)) throw new TypeError('rootHash must be 64 lowercase hex digits');
  if (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp))) {
    throw new TypeError('timestamp must be an ISO 8601 time');
  }
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) {
    throw new TypeError('signature must be base64');
  }
  if (!isHexHash(keyId)) throw new TypeError('keyId must be 64 lowercase hex digits');
  return { treeSize, rootHash, timestamp, signature, keyId };
}

/** A public key from PEM (SPKI), or the public half of a private key; only Ed25519. */
export function ed25519PublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`the key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`);
  }
  return key;
}

/** Whether the tree head was signed by this public key, which keyId names, and is unaltered. */
export function verifyTreeHead(head: TreeHead, publicKey: KeyObject): boolean {
  if (head.keyId !== keyIdOf(publicKey)) return false;
  return verify(null, treeHeadMessage(head), publicKey, Buffer.from(head.signature, 'base64'));
}

/**
 * The Ed25519 key in `file` (PKCS#8 PEM), or a new one written there (readable by its owner only) when there
 * is none. Two processes starting at once agree on one key: the file appears whole, by a hard link that fails
 * if another wrote it first.
 */
export function loadOrCreateSigningKey(file: string): SigningKey {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pending = `${file}.${process.pid}.${Date.now()}.new`;
    writeFileSync(pending, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(pending, file);
      return keyOf(privateKey, true);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(pending);
    }
  }
  const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${file} holds a ${privateKey.asymmetricKeyType ?? 'symmetric'} key, not an Ed25519 one`);
  }
  return keyOf(privateKey, false);
}

function keyOf(privateKey: KeyObject, created: boolean): SigningKey {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
    created,
  };
}
