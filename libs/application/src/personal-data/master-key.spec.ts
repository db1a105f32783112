import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMasterKeyFile, loadOrCreateMasterKey } from './master-key';

describe('master key file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'master-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates 32 random bytes, base64, in a file only its owner can read, in a directory only its owner can enter', () => {
    const file = join(dir, 'keys', 'master.key');
    const { key, created } = loadOrCreateMasterKey(file);
    expect(created).toBe(true);
    expect(key).toHaveLength(32);
    expect(readFileSync(file, 'utf8')).toBe(`${key.toString('base64')}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['master.key']); // no temporary file left behind
  });

  it('reloads the same key, without rewriting the file', () => {
    const file = join(dir, 'master.key');
    const first = loadOrCreateMasterKey(file);
    const modified = statSync(file).mtimeMs;
    const again = loadOrCreateMasterKey(file);
    expect(again.created).toBe(false);
    expect(again.key.equals(first.key)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(modified);
  });

  it('makes a different key in each new file', () => {
    const a = loadOrCreateMasterKey(join(dir, 'a.key')).key;
    const b = loadOrCreateMasterKey(join(dir, 'b.key')).key;
    expect(a.equals(b)).toBe(false);
  });

  it('reads a key written by an operator, with or without a final newline', () => {
    const key = randomBytes(32);
    writeFileSync(join(dir, 'plain.key'), key.toString('base64'));
    writeFileSync(join(dir, 'crlf.key'), `${key.toString('base64')}\r\n`);
    expect(loadOrCreateMasterKey(join(dir, 'plain.key'))).toEqual({ key, created: false });
    expect(loadOrCreateMasterKey(join(dir, 'crlf.key'))).toEqual({ key, created: false });
  });

  it('refuses a file that does not hold exactly 32 bytes of base64, naming the file but not its content', () => {
    const secret = randomBytes(32).toString('base64');
    const bad = {
      empty: '',
      short: randomBytes(31).toString('base64'),
      long: randomBytes(33).toString('base64'),
      url: Buffer.from(Array.from({ length: 32 }, () => 0xfb)).toString('base64url'),
      junk: `${secret.slice(0, 20)}!${secret.slice(21)}`,
      spaced: `${secret.slice(0, 20)} ${secret.slice(20)}`,
      twoLines: `${secret}\n${secret}\n`,
      hex: randomBytes(32).toString('hex'),
    };
    for (const [name, content] of Object.entries(bad)) {
      const file = join(dir, `${name}.key`);
      writeFileSync(file, content);
      let message = '';
      try {
        loadOrCreateMasterKey(file);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`the master key file ${file} does not hold a master key`);
      if (content.length > 0) expect(message).not.toContain(content.trim().slice(0, 12));
      expect(readFileSync(file, 'utf8')).toBe(content); // never replaced
    }
  });

  it('never overwrites a key file that another process created first', () => {
    const file = join(dir, 'master.key');
    const theirs = randomBytes(32);
    writeFileSync(file, `${theirs.toString('base64')}\n`);
    expect(createMasterKeyFile(file, randomBytes(32))).toBe(false);
    expect(loadOrCreateMasterKey(file)).toEqual({ key: theirs, created: false });
    expect(readdirSync(dir)).toEqual(['master.key']);
  });

  it('refuses a path it cannot read as a file', () => {
    const file = join(dir, 'a-directory');
    mkdirSync(file);
    expect(() => loadOrCreateMasterKey(file)).toThrow(`cannot read the master key file ${file}`);
  });
});
