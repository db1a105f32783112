import { randomBytes } from 'node:crypto';
import { emailDigester, normaliseEmail } from './email-digest';

describe('email digest', () => {
  it('normalises an address: trimmed, NFC, lower case, nothing else rewritten', () => {
    expect(normaliseEmail('  Grace.Hopper@Example.COM \n')).toBe('grace.hopper@example.com');
    expect(normaliseEmail('Jose\u0301@Example.org')).toBe(normaliseEmail('Jos\u00e9@example.org'));
    expect(normaliseEmail('Jose\u0301@Example.org')).toBe('jos\u00e9@example.org');
    expect(normaliseEmail('ÉLODIE@Exemple.FR')).toBe('élodie@exemple.fr');
    expect(normaliseEmail('grace+crm@example.com')).toBe('grace+crm@example.com');
    expect(normaliseEmail('g.race@example.com')).not.toBe(normaliseEmail('grace@example.com'));
  });

  it('gives the same digest for the same address however it is typed, another for another address', () => {
    const digest = emailDigester(randomBytes(32));
    expect(digest(' GRACE@example.com')).toBe(digest('grace@EXAMPLE.com'));
    expect(digest('Jose\u0301@x.org')).toBe(digest('jos\u00e9@x.org'));
    expect(digest('grace@example.com')).not.toBe(digest('ada@example.com'));
    expect(digest('grace@example.com')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is keyed: another master key gives another digest, the same master key the same one', () => {
    const master = randomBytes(32);
    expect(emailDigester(master)('grace@example.com')).toBe(
      emailDigester(Buffer.from(master))('grace@example.com'),
    );
    expect(emailDigester(master)('grace@example.com')).not.toBe(
      emailDigester(randomBytes(32))('grace@example.com'),
    );
  });

  it('is HMAC-SHA-256 under HKDF-SHA-256(master key, info "email-digest"), as an independent implementation computes it', () => {
    expect(emailDigester(Buffer.alloc(32, 1))('  Grace.Hopper@Example.com')).toBe(
      '464416d20d0ac8e18292b48829a6ff4a8692ea864163c46c3246ce3f805dcfb7',
    );
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => emailDigester(randomBytes(16))).toThrow('32 bytes');
  });
});
