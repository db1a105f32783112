import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The prefix of every secret the service makes: a key is recognisable in a config file or a leak scan. */
const PREFIX = 'spk_';

/** A new API key secret: 256 random bits, base64url, with its prefix. */
export const newSecret = (): string => `${PREFIX}${randomBytes(32).toString('base64url')}`;

/** What the key store keeps of a secret: its SHA-256, hex. */
export const secretHashOf = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** Whether two secret hashes are equal, in a time that does not depend on where they differ. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** The shortest secret ADMIN_API_KEY may hold: 32 characters, 128 bits and more if they are random. */
export const MIN_SECRET_LENGTH = 32;
