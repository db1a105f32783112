import { createHmac } from 'node:crypto';
import { deriveFromMasterKey } from './master-key';

/**
 * The form of an email address that duplicate detection compares: surrounding spaces removed, Unicode NFC (so
 * "é" typed as one code point or as e + accent is the same), lower case (locale-independent). The local part
 * is case-sensitive in theory, never in practice; nothing else is rewritten (no dots or +tags removed).
 */
export function normaliseEmail(email: string): string {
  // NFC again after lower-casing: a few lower-case mappings (such as that of "İ") yield combining marks.
  return email.trim().normalize('NFC').toLowerCase().normalize('NFC');
}

/** The HKDF info of the email digest key: the only use of the master key besides wrapping data keys. */
export const EMAIL_DIGEST_PURPOSE = 'email-digest';

/**
 * Keyed digests of email addresses, for finding duplicates without keeping the address: hex HMAC-SHA-256 of
 * the normalised address under a key derived from the master key (HKDF-SHA-256, info "email-digest"). Without
 * the master key a digest cannot be tested against guessed addresses, and a digest is purged with the read
 * model that holds it. The same master key gives the same digests across processes and restarts.
 */
export function emailDigester(masterKey: Buffer): (email: string) => string {
  const key = deriveFromMasterKey(masterKey, EMAIL_DIGEST_PURPOSE);
  return (email) => createHmac('sha256', key).update(normaliseEmail(email), 'utf8').digest('hex');
}
