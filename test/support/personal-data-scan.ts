import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Looking for a person's data the hard way: in the bytes of every file under a directory (the data
 * directory: events, read models, key store, their write-ahead logs, audit records), in every encoding a
 * stored copy could take.
 */

/** The encodings a stored copy could take: UTF-8 (JSON too), UTF-16 (either order), base64 and hex of UTF-8. */
export const encodings = (needle: string): Buffer[] => [
  Buffer.from(needle, 'utf8'),
  Buffer.from(needle, 'utf16le'),
  Buffer.from(needle, 'utf16le').swap16(),
  Buffer.from(Buffer.from(needle, 'utf8').toString('base64').slice(0, -4), 'utf8'),
  Buffer.from(Buffer.from(needle, 'utf8').toString('hex'), 'utf8'),
];

export const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

/** For each file under the directory that holds one of the needles in any encoding: the file and the needle. */
export function foundIn(dir: string, needles: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const needle of needles) {
      if (encodings(needle).some((encoded) => bytes.includes(encoded))) {
        found.push(`${file.slice(dir.length + 1)}: ${needle}`);
      }
    }
  }
  return found;
}
