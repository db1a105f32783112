import { randomBytes } from 'node:crypto';
import { type SealedEnvelope, SealedDataError, isSealedEnvelope, openJson, sealJson } from './envelope';

const key = randomBytes(32);
const AAD = 'lead-7\nevent-1\nLeadCaptured\nsubject-7';
const person = {
  name: 'Grace Hopper',
  email: 'grace@example.com',
  phone: '+44 20 7946 0000',
  note: 'Zoë, 東京',
};

/** The envelope with one bit of one of its base64 parts flipped. */
function tampered(envelope: SealedEnvelope, part: 'iv' | 'ct' | 'tag', byte = 0): SealedEnvelope {
  const bytes = Buffer.from(envelope[part], 'base64');
  bytes[byte] = bytes[byte]! ^ 0x01;
  return { ...envelope, [part]: bytes.toString('base64') };
}

describe('sealed envelope (AES-256-GCM)', () => {
  it('opens what it sealed, for any JSON value', () => {
    for (const value of [person, ['a', 1, null], 'Grace', 42, null, { nested: { deep: [true] } }]) {
      expect(openJson(key, sealJson(key, value, AAD), AAD)).toEqual(value);
    }
  });

  it('has the documented shape: a 12-byte IV, a 16-byte tag, no plaintext', () => {
    const envelope = sealJson(key, person, AAD);
    expect(Object.keys(envelope).sort()).toEqual(['alg', 'ct', 'iv', 'tag', 'v']);
    expect(envelope).toMatchObject({ v: 1, alg: 'A256GCM' });
    expect(Buffer.from(envelope.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(envelope.tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(envelope.ct, 'base64')).toHaveLength(Buffer.byteLength(JSON.stringify(person)));
    const stored = JSON.stringify(envelope);
    for (const clear of ['Grace', 'grace@example.com', '7946']) expect(stored).not.toContain(clear);
    expect(Buffer.from(envelope.ct, 'base64').includes('Grace')).toBe(false);
  });

  it('opens an envelope sealed by an independent AES-GCM implementation', () => {
    const fixed = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const envelope: SealedEnvelope = {
      v: 1,
      alg: 'A256GCM',
      iv: 'ZGVmZ2hpamtsbW5v',
      ct: 'MzmwBxSMdKQcJS2JuQBKtS2ydm/5Tt9QwrzNIZeBn2rzmyGjKVL+fJyeCFOYbKmgdnnl',
      tag: 'QhTQEG5bg20CHqHHF6vw8w==',
    };
    const aad = 'lead-7\n0190d2c4-0000-7000-8000-000000000001\nLeadCaptured\nsubject-7';
    expect(openJson(fixed, envelope, aad)).toEqual({ name: 'Grace Hopper', email: 'grace@example.com' });
    expect(() => openJson(fixed, envelope, `${aad}x`)).toThrow(SealedDataError);
  });

  it('refuses an envelope whose IV, ciphertext or tag was altered by one bit', () => {
    const envelope = sealJson(key, person, AAD);
    for (const part of ['iv', 'ct', 'tag'] as const) {
      for (const byte of [0, 5, 11]) {
        expect(() => openJson(key, tampered(envelope, part, byte), AAD)).toThrow(SealedDataError);
      }
    }
    expect(() => openJson(key, tampered(envelope, 'ct', 0), AAD)).toThrow(
      'sealed data failed authentication: another key or context, or the envelope was altered',
    );
  });

  it('refuses another context (AAD) and another key', () => {
    const envelope = sealJson(key, person, AAD);
    expect(() => openJson(key, envelope, AAD.replace('event-1', 'event-2'))).toThrow(SealedDataError);
    expect(() => openJson(key, envelope, '')).toThrow(SealedDataError);
    expect(() => openJson(randomBytes(32), envelope, AAD)).toThrow(SealedDataError);
  });

  it('refuses a truncated tag, a swapped ciphertext and a malformed envelope', () => {
    const envelope = sealJson(key, person, AAD);
    const short = {
      ...envelope,
      tag: Buffer.from(envelope.tag, 'base64').subarray(0, 12).toString('base64'),
    };
    expect(() => openJson(key, short, AAD)).toThrow('16-byte tag');
    const other = sealJson(key, { name: 'Ada Lovelace' }, AAD);
    expect(() => openJson(key, { ...envelope, ct: other.ct }, AAD)).toThrow(SealedDataError);
    expect(() => openJson(key, { ...envelope, v: 2 } as unknown as SealedEnvelope, AAD)).toThrow(
      'not a sealed envelope',
    );
  });

  it('uses a new IV for every seal, so the same value never gives the same ciphertext', () => {
    const envelopes = Array.from({ length: 2000 }, () => sealJson(key, person, AAD));
    expect(new Set(envelopes.map((e) => e.iv)).size).toBe(envelopes.length);
    expect(new Set(envelopes.map((e) => e.ct)).size).toBe(envelopes.length);
  });

  it('refuses a key that is not 32 bytes and a value JSON cannot hold', () => {
    expect(() => sealJson(randomBytes(16), person, AAD)).toThrow('32 bytes');
    expect(() => sealJson(key, undefined, AAD)).toThrow('JSON');
    expect(() => openJson(randomBytes(31), sealJson(key, 1, AAD), AAD)).toThrow('32 bytes');
  });

  it('recognises the shape of an envelope, extra fields allowed', () => {
    const envelope = sealJson(key, person, AAD);
    expect(isSealedEnvelope(envelope)).toBe(true);
    expect(isSealedEnvelope({ subject: 'subject-7', fields: ['name'], ...envelope })).toBe(true);
    expect(isSealedEnvelope(JSON.parse(JSON.stringify(envelope)))).toBe(true);
    for (const notOne of [
      null,
      undefined,
      'x',
      1,
      {},
      { ...envelope, v: 2 },
      { ...envelope, alg: 'A128GCM' },
    ]) {
      expect(isSealedEnvelope(notOne)).toBe(false);
    }
    const { tag: _tag, ...withoutTag } = envelope;
    expect(isSealedEnvelope(withoutTag)).toBe(false);
  });
});
