// Which files `image-trust` checks, and reading them without losing bytes (BOM, line endings).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { detectDocumentKind } from '../core/analyze';

const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface TargetFile {
  path: string;
  kind: 'dockerfile' | 'compose';
  /** Found by searching a folder (not named on the command line). */
  found?: boolean;
}

export class CliError extends Error {}

/**
 * Files named on the command line are checked whatever their name; folders are searched. A
 * subfolder that cannot be read (a database volume, another user's folder) is skipped with one
 * warning, so the rest is still checked; a folder named on the command line must be readable.
 */
export function collectFiles(paths: string[], warn: (message: string) => void = () => {}): TargetFile[] {
  const out: TargetFile[] = [];
  const seen = new Set<string>();
  const add = (path: string, kind: 'dockerfile' | 'compose', found = false) => {
    if (!seen.has(path)) {
      seen.add(path);
      out.push(found ? { path, kind, found } : { path, kind });
    }
  };
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new CliError(`${path}: no such file or folder`);
    }
    if (stat.isDirectory()) walk(path, add, warn, true);
    else {
      const kind = detectDocumentKind(path);
      if (kind === 'policy') continue;
      add(path, kind ?? (/\.ya?ml$/i.test(path) ? 'compose' : 'dockerfile'));
    }
  }
  return out;
}

function walk(
  dir: string,
  add: (path: string, kind: 'dockerfile' | 'compose', found: boolean) => void,
  warn: (message: string) => void,
  top = false,
): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const message = `${dir}: cannot read folder (${(error as NodeJS.ErrnoException).code ?? error})`;
    if (top) throw new CliError(message);
    warn(`${message}; skipped`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(path, add, warn);
    } else if (entry.isFile()) {
      const kind = detectDocumentKind(entry.name);
      if (kind === 'dockerfile' || kind === 'compose') add(path, kind, true);
    }
  }
}

export interface SourceText {
  bytes: Buffer;
  /** The text without a BOM, as the analysis sees it. */
  text: string;
  hasBom: boolean;
  /** False when the bytes are not valid UTF-8: such a file is never rewritten. */
  validUtf8: boolean;
}

export function readSource(path: string): SourceText {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return decodeSource(bytes);
}

export function decodeSource(bytes: Buffer): SourceText {
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let validUtf8 = true;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    validUtf8 = false;
    decoded = bytes.toString('utf8');
  }
  return { bytes, text: hasBom ? decoded.replace(/^\uFEFF/, '') : decoded, hasBom, validUtf8 };
}
