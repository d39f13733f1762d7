// Rewrites a file so that it is either entirely old or entirely new: write a temporary file in
// the same folder, flush it, then rename over the original. Refuses when the file changed since
// it was read, so an edit made meanwhile is never lost.
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  chmodSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type WriteResult = { ok: true } | { ok: false; message: string };

export function writeFileAtomically(path: string, expectedCurrent: Buffer, next: Buffer): WriteResult {
  let current: Buffer;
  let mode: number;
  try {
    current = readFileSync(path);
    mode = statSync(path).mode & 0o7777;
  } catch (error) {
    return { ok: false, message: `${path}: cannot read it again before writing (${code(error)})` };
  }
  if (!current.equals(expectedCurrent)) {
    return { ok: false, message: `${path}: the file changed since it was read; nothing was written. Run again.` };
  }
  const temp = join(dirname(path), `.${basename(path)}.image-trust-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    let offset = 0;
    while (offset < next.length) offset += writeSync(fd, next, offset, next.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(temp, mode);
    renameSync(temp, path);
    return { ok: true };
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Already failing; the original message matters more.
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // The temporary file may never have been created.
    }
    return { ok: false, message: `${path}: not written (${code(error)}); the file is unchanged` };
  }
}

function code(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'ENOSPC') return 'no space left on the disk';
  if (e?.code === 'EROFS') return 'read-only file system';
  return e?.code ?? String(error);
}
