import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Makes sure DATA_DIR is a directory this process can write, creating it (and its missing parents) if need
 * be; a message naming the problem when it is not. Checked before any store opens it, so that a wrong path
 * stops the start with one clear line instead of a stack trace (a file) or a hang (a recursive mkdir under
 * /proc never returns). Directories are created one level at a time for that reason.
 */
export function checkDataDir(dir: string): string | undefined {
  const missing: string[] = [];
  let existing = dir;
  for (;;) {
    const kind = kindOf(existing);
    if (kind === 'directory') break;
    if (kind !== 'missing') {
      return existing === dir
        ? `DATA_DIR must be a directory, but ${dir} is ${kind}`
        : `DATA_DIR ${dir} cannot be created: ${existing} is ${kind}`;
    }
    const parent = dirname(existing);
    if (parent === existing) return `DATA_DIR ${dir} cannot be created: its root does not exist`;
    missing.unshift(existing);
    existing = parent;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      return `DATA_DIR ${dir} cannot be created (${reason(error)} for ${path})`;
    }
  }
  const probe = join(dir, `.write-check-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    return `DATA_DIR ${dir} is not writable by this process (${reason(error)})`;
  }
  return undefined;
}

/** 'directory', 'missing', or what the path is instead (for the message). */
function kindOf(path: string): string {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return 'directory';
    return stat.isFile() ? 'a file' : 'not a directory';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return `unreadable (${code ?? 'error'})`;
  }
}

const reason = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
