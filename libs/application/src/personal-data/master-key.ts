import { hkdfSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const MASTER_KEY_BYTES = 32;

/** The master key, and whether this call made it (the caller says so in the log, never the key itself). */
export interface LoadedMasterKey {
  readonly key: Buffer;
  readonly created: boolean;
}

/**
 * Reads the master key from `file`, or creates it there when the file is absent: 32 random bytes, base64, in a
 * file readable by its owner only (0600), in a directory created 0700. Two processes starting together end up
 * with the same key: the file appears whole, at once, and only one creation wins. A file that does not hold
 * exactly 32 bytes in base64 (a trailing newline aside) is refused, never replaced: the keys it wrapped would be
 * lost with it. Error messages name the file, never its content.
 */
export function loadOrCreateMasterKey(file: string): LoadedMasterKey {
  const existing = readKeyFile(file);
  if (existing) return { key: existing, created: false };
  const key = randomBytes(MASTER_KEY_BYTES);
  if (createMasterKeyFile(file, key)) return { key, created: true };
  // Another process created it between our read and our write: its key is the key.
  const theirs = readKeyFile(file);
  if (!theirs) throw new Error(`master key file ${file} vanished while it was being created`);
  return { key: theirs, created: false };
}

function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw new Error(`cannot read the master key file ${file}: ${codeOf(error)}`, { cause: error });
  }
  return parseMasterKey(text, file);
}

/** The key a master key file holds: exactly 32 bytes in canonical base64 (44 characters), a trailing newline allowed. */
export function parseMasterKey(text: string, file: string): Buffer {
  const encoded = text.replace(/\r?\n$/, '');
  const key = Buffer.from(encoded, 'base64');
  // Decoding is lenient (it skips what is not base64): only a canonical encoding of 32 bytes is a key.
  if (key.length !== MASTER_KEY_BYTES || key.toString('base64') !== encoded) {
    key.fill(0);
    throw new Error(
      `the master key file ${file} does not hold a master key: expected ${MASTER_KEY_BYTES} bytes in base64 ` +
        `(${Math.ceil(MASTER_KEY_BYTES / 3) * 4} characters), found ${encoded.length} characters that are not that. ` +
        'Restore the right file; a new key would leave every data key it wrapped unreadable',
    );
  }
  return key;
}

/**
 * A key for one purpose, derived from the master key with HKDF-SHA-256 (no salt, `purpose` as info): the master
 * key itself encrypts nothing, and a key derived for one use tells nothing of the master key or of another use.
 */
export function deriveFromMasterKey(masterKey: Buffer, purpose: string, length = 32): Buffer {
  if (!Buffer.isBuffer(masterKey) || masterKey.length !== MASTER_KEY_BYTES) {
    throw new Error(`a master key is ${MASTER_KEY_BYTES} bytes`);
  }
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), purpose, length));
}

/**
 * Writes the key to a private temporary file, flushes it, then links it to its name: the link fails if the name
 * exists, so the key file never appears half-written and a concurrent creation is never overwritten. False when
 * the file exists already.
 */
export function createMasterKeyFile(file: string, key: Buffer): boolean {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600); // whatever the umask
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw new Error(`cannot create the master key file ${file}: ${codeOf(error)}`, { cause: error });
  } finally {
    unlinkSync(temporary);
  }
  syncDirectory(dir);
  return true;
}

/** Makes the new name durable: a crash right after creation must not lose the key that data keys are wrapped with. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot open or flush a directory; the file itself was flushed.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const codeOf = (error: unknown): string =>
  (error as { code?: string } | null)?.code ?? (error instanceof Error ? error.message : String(error));

/** Whether a file system error has this errno name (ENOENT...). */
const isCode = (error: unknown, errno: string): boolean =>
  (error as { code?: string } | null)?.code === errno;
