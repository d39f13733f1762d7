// Which files image-trust checks in a folder (the CLI's walk and the editor's images view share
// it), and reading them without losing bytes (BOM, line endings).
import { isUtf8 } from 'node:buffer';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { detectDocumentKind } from '../core/analyze';
import type { FileGlobs } from '../core/kinds/fileKinds';
import { gitlabLocalIncludes } from '../core/kinds/gitlabCi';
import type { ImageFileKind } from '../core/types';

const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** Enough of a YAML file to see whether it is a Kubernetes manifest. */
const SNIFF_BYTES = 64 * 1024;

export interface TargetFile {
  path: string;
  kind: ImageFileKind;
  /** Found by searching a folder (not named on the command line). */
  found?: boolean;
}

export class CliError extends Error {}

export interface CollectOptions {
  /** Globs per kind from the policy's `files:`. */
  userGlobs?: FileGlobs[];
}

/**
 * Files named on the command line are checked whatever their name; folders are searched. A
 * subfolder that cannot be read (a database volume, another user's folder) is skipped with one
 * warning, so the rest is still checked; a folder named on the command line must be readable.
 */
export function collectFiles(
  paths: string[],
  warn: (message: string) => void = () => {},
  options: CollectOptions = {},
): TargetFile[] {
  const out: TargetFile[] = [];
  const seen = new Set<string>();
  const add = (path: string, kind: ImageFileKind, found = false) => {
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
    if (stat.isDirectory()) walk(path, add, warn, options, true);
    else {
      const kind = kindOf(path, options);
      if (kind === 'policy') continue;
      add(path, kind ?? (/\.ya?ml$/i.test(path) ? 'compose' : /\.hcl$/i.test(path) ? 'bake' : 'dockerfile'));
    }
  }
  // Files a .gitlab-ci.yml includes with `local:` are part of its pipeline, whatever their name.
  for (const file of [...out]) {
    if (file.kind !== 'gitlab-ci') continue;
    let text: string;
    try {
      text = readFileSync(file.path, 'utf8');
    } catch {
      continue;
    }
    for (const local of gitlabLocalIncludes(text)) {
      const included = join(dirname(file.path), local.replace(/^\/+/, ''));
      if (!seen.has(included) && existsSync(included) && statSync(included).isFile())
        add(included, 'gitlab-ci', file.found ?? false);
    }
  }
  return out;
}

function kindOf(path: string, options: CollectOptions) {
  return detectDocumentKind(resolve(path), {
    userGlobs: options.userGlobs,
    siblingExists: (name) => existsSync(join(dirname(path), name)),
    readText: () => sniff(path),
  });
}

function sniff(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function walk(
  dir: string,
  add: (path: string, kind: ImageFileKind, found: boolean) => void,
  warn: (message: string) => void,
  options: CollectOptions,
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
      if (!SKIPPED_DIRS.has(entry.name)) walk(path, add, warn, options);
    } else if (entry.isFile()) {
      const kind = kindOf(path, options);
      if (kind && kind !== 'policy') add(path, kind, true);
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
  // Invalid UTF-8 is read with replacement characters, and such a file is never rewritten.
  const decoded = bytes.toString('utf8');
  // One BOM is dropped, as BuildKit drops it; a second one is text and is kept.
  return { bytes, text: hasBom ? decoded.slice(1) : decoded, hasBom, validUtf8: isUtf8(bytes) };
}
