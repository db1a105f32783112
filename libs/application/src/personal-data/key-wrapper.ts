import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomBytesFromPool } from './random-pool';
import { DATA_KEY_BYTES } from './envelope';
import { deriveFromMasterKey } from './master-key';

/** A wrapped data key that cannot be unwrapped: another master key, another subject, or altered bytes. */
export class KeyUnwrapError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KeyUnwrapError';
  }
}

/**
 * Encrypts ("wraps") each person's data key under a key that never enters the data directory, so that the key
 * store alone reveals nothing, and destroying the wrapped key is enough to make the person's data unreadable.
 * The subject (the person the key belongs to) is bound to the wrapped key: a wrapped key copied to another
 * person's record does not unwrap there.
 *
 * LocalKeyWrapper does this with the master key of MASTER_KEY_FILE. A cloud KMS plugs in as another subclass
 * (see README.md beside this file): `wrap` calls the KMS's Encrypt on the data key (or the data key comes from
 * its GenerateDataKey), `unwrap` its Decrypt, both with the subject as encryption context (AWS KMS
 * EncryptionContext, Google Cloud KMS additionalAuthenticatedData, Azure Key Vault wrapKey with the subject in
 * the stored record). The master key then never leaves the KMS, every unwrap is authorised and audited there,
 * and disabling the KMS key stops every process at once.
 */
export abstract class KeyWrapper {
  /** Names the key that wraps (a KMS key id or ARN; for the local master key a fingerprint): for logs and audits. */
  abstract readonly id: string;
  abstract wrap(dataKey: Buffer, subject: string): Promise<Buffer>;
  /** The data key that `wrap` was given; throws KeyUnwrapError when `wrapped` is not this wrapper's, for `subject`. */
  abstract unwrap(wrapped: Buffer, subject: string): Promise<Buffer>;
}

const FORMAT = 1;
const FINGERPRINT_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + FINGERPRINT_BYTES;
/** version (1) | master key fingerprint (8) | IV (12) | encrypted data key (32) | GCM tag (16) */
export const LOCAL_WRAPPED_KEY_BYTES = HEADER_BYTES + IV_BYTES + DATA_KEY_BYTES + TAG_BYTES;

/**
 * Wraps data keys with AES-256-GCM under a key derived (HKDF-SHA-256, info "data-key-wrapping") from the local
 * master key, the subject as AAD. The master key itself encrypts nothing: each use has its own derived key
 * (see emailDigester for the other). A wrapped key starts with a fingerprint of the master key, so a service
 * started with the wrong MASTER_KEY_FILE says so instead of reporting altered data.
 */
export class LocalKeyWrapper extends KeyWrapper {
  readonly id: string;
  private readonly wrappingKey: Buffer;
  private readonly header: Buffer;

  constructor(masterKey: Buffer) {
    super();
    this.wrappingKey = deriveFromMasterKey(masterKey, 'data-key-wrapping', DATA_KEY_BYTES);
    const fingerprint = deriveFromMasterKey(masterKey, 'master-key-fingerprint', FINGERPRINT_BYTES);
    this.header = Buffer.concat([Buffer.from([FORMAT]), fingerprint]);
    this.id = `local:${fingerprint.toString('hex')}`;
  }

  wrap(dataKey: Buffer, subject: string): Promise<Buffer> {
    try {
      if (!Buffer.isBuffer(dataKey) || dataKey.length !== DATA_KEY_BYTES) {
        throw new Error(`a data key is ${DATA_KEY_BYTES} bytes`);
      }
      assertSubject(subject);
      const iv = randomBytesFromPool(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.wrappingKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(subject, 'utf8'));
      const ct = cipher.update(dataKey);
      cipher.final();
      return Promise.resolve(Buffer.concat([this.header, iv, ct, cipher.getAuthTag()]));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  unwrap(wrapped: Buffer, subject: string): Promise<Buffer> {
    try {
      assertSubject(subject);
      if (!Buffer.isBuffer(wrapped) || wrapped.length !== LOCAL_WRAPPED_KEY_BYTES || wrapped[0] !== FORMAT) {
        throw new KeyUnwrapError(`the data key of ${subject} is not a key wrapped by a local master key`);
      }
      if (!wrapped.subarray(0, HEADER_BYTES).equals(this.header)) {
        const theirs = wrapped.subarray(1, HEADER_BYTES).toString('hex');
        throw new KeyUnwrapError(
          `the data key of ${subject} was wrapped by master key local:${theirs}, not by this one (${this.id}): ` +
            'is MASTER_KEY_FILE the right file?',
        );
      }
      const ivEnd = HEADER_BYTES + IV_BYTES;
      const ctEnd = ivEnd + DATA_KEY_BYTES;
      const iv = wrapped.subarray(HEADER_BYTES, ivEnd);
      const decipher = createDecipheriv('aes-256-gcm', this.wrappingKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(subject, 'utf8'));
      decipher.setAuthTag(wrapped.subarray(ctEnd));
      const key = decipher.update(wrapped.subarray(ivEnd, ctEnd));
      try {
        decipher.final();
      } catch (error) {
        key.fill(0);
        throw new KeyUnwrapError(
          `the data key of ${subject} does not unwrap: it belongs to another subject or was altered`,
          { cause: error },
        );
      }
      return Promise.resolve(key);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function assertSubject(subject: string): void {
  if (typeof subject !== 'string' || subject.length === 0) throw new Error('a data key belongs to a subject');
}
