import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leafHash } from './merkle-hash';
import {
  type TreeHead,
  ed25519PublicKey,
  keyIdOf,
  loadOrCreateSigningKey,
  parseTreeHead,
  signTreeHead,
  treeHeadMessage,
  verifyTreeHead,
} from './tree-head';

describe('Signed tree heads', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tree-head-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const root = leafHash(Buffer.from('root'));
  const at = new Date('2026-03-01T10:00:00.000Z');

  it('creates the key once, in a new directory, readable by its owner only, and loads it afterwards', () => {
    const file = join(dir, 'keys', 'nested', 'signing.key');
    const created = loadOrCreateSigningKey(file);
    expect(created.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    // Nothing else is left beside it.
    expect(readdirSync(join(dir, 'keys', 'nested'))).toEqual(['signing.key']);

    const loaded = loadOrCreateSigningKey(file);
    expect(loaded.created).toBe(false);
    expect(loaded.keyId).toBe(created.keyId);
    expect(loaded.publicKeyPem).toBe(created.publicKeyPem);
    expect(loaded.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    // keyId: SHA-256 of the public key's SPKI DER.
    const der = createPublicKey(loaded.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(loaded.keyId).toBe(createHash('sha256').update(der).digest('hex'));
    expect(keyIdOf(createPublicKey(loaded.publicKeyPem))).toBe(loaded.keyId);
  });

  it('refuses a key file that holds another kind of key', () => {
    const file = join(dir, 'rsa.key');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadOrCreateSigningKey(file)).toThrow(/not an Ed25519 one/);
    expect(() =>
      ed25519PublicKey(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()),
    ).toThrow(/not Ed25519/);
  });

  it('signs the documented message with Ed25519, which anyone verifies with the public key alone', () => {
    const key = loadOrCreateSigningKey(join(dir, 'signing.key'));
    const head = signTreeHead(key, 3, root, at);
    expect(head).toEqual({
      treeSize: 3,
      rootHash: root.toString('hex'),
      timestamp: '2026-03-01T10:00:00.000Z',
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
      keyId: key.keyId,
    });
    const message = `sales-pipeline tree head v1\n3\n${root.toString('hex')}\n2026-03-01T10:00:00.000Z\n`;
    expect(treeHeadMessage(head).toString('utf8')).toBe(message);
    const publicKey = ed25519PublicKey(key.publicKeyPem);
    expect(verify(null, Buffer.from(message), publicKey, Buffer.from(head.signature, 'base64'))).toBe(true);
    expect(verifyTreeHead(head, publicKey)).toBe(true);
  });

  it('fails for any field changed, and for another key', () => {
    const key = loadOrCreateSigningKey(join(dir, 'signing.key'));
    const publicKey = ed25519PublicKey(key.publicKeyPem);
    const head = signTreeHead(key, 3, root, at);
    const changed: TreeHead[] = [
      { ...head, treeSize: 4 },
      { ...head, rootHash: leafHash(Buffer.from('other')).toString('hex') },
      { ...head, timestamp: '2026-03-01T10:00:00.001Z' },
      { ...head, signature: signTreeHead(key, 3, root, new Date(at.getTime() + 1)).signature },
      { ...head, keyId: 'a'.repeat(64) },
    ];
    for (const tampered of changed) expect(verifyTreeHead(tampered, publicKey)).toBe(false);
    const other = loadOrCreateSigningKey(join(dir, 'other.key'));
    expect(verifyTreeHead(head, ed25519PublicKey(other.publicKeyPem))).toBe(false);
    expect(verifyTreeHead({ ...head, keyId: other.keyId }, ed25519PublicKey(other.publicKeyPem))).toBe(false);
  });

  it('reads a tree head from JSON, naming what is wrong with a malformed one', () => {
    const key = loadOrCreateSigningKey(join(dir, 'signing.key'));
    const head = signTreeHead(key, 0, root, at);
    expect(parseTreeHead(JSON.parse(JSON.stringify(head)))).toEqual(head);
    expect(() => parseTreeHead([])).toThrow(/an object/);
    expect(() => parseTreeHead({ ...head, treeSize: '3' })).toThrow(/treeSize/);
    expect(() => parseTreeHead({ ...head, treeSize: -1 })).toThrow(/treeSize/);
    expect(() => parseTreeHead({ ...head, rootHash: 'ABC' })).toThrow(/rootHash/);
    expect(() => parseTreeHead({ ...head, timestamp: 'yesterday' })).toThrow(/timestamp/);
    expect(() => parseTreeHead({ ...head, signature: '%%' })).toThrow(/signature/);
    expect(() => parseTreeHead({ ...head, keyId: undefined })).toThrow(/keyId/);
  });
});
