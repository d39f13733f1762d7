// The one disk cache of every network client (registry answers, Docker Hub, end of life,
// vulnerability data): one JSON file per key under a folder of the OS cache folder, written
// atomically (temp file + rename) so a crash or a second process never leaves half a file; a file
// that does not parse, or that holds another key, is treated as absent.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';

/** What is stored: any JSON record that names its own key (bytes travel as base64). */
export interface KeyedRecord {
  key: string;
}

/** The OS cache folder for image-trust: XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows. */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32')
    return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'image-trust', 'Cache');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Caches', 'image-trust');
  return posix.join(env.XDG_CACHE_HOME || posix.join(home, '.cache'), 'image-trust');
}

// Bytes (manifest bodies, config blobs) travel as base64 inside the JSON.
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (original instanceof Uint8Array) return { $bytes: Buffer.from(original).toString('base64') };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && typeof record.$bytes === 'string')
      return new Uint8Array(Buffer.from(record.$bytes, 'base64'));
  }
  return value;
}

/**
 * Entries up to this size are read at once, without the thread pool: most are a manifest or a
 * config of a few kilobytes, and a warm run reads about a thousand of them, where fs/promises'
 * readFile (open, stat, read, close, each a trip through the pool) cost 5-10 times the read.
 * Bigger entries (layer listings, SBOMs) are read in the background as before.
 */
const READ_AT_ONCE_BYTES = 256 * 1024;

/**
 * A cache file's text: read at once when it is small (READ_AT_ONCE_BYTES), else in the background.
 * Rejects when the file cannot be read, as fs/promises' readFile does.
 */
export async function readCacheFile(path: string): Promise<string> {
  return readSmallFile(path) ?? (await readFile(path, 'utf8'));
}

/** The file's text when it is at most READ_AT_ONCE_BYTES, undefined when bigger; throws when absent. */
function readSmallFile(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > READ_AT_ONCE_BYTES) return undefined;
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export class DiskCache<T extends KeyedRecord = KeyedRecord> {
  private readonly pending = new Set<Promise<void>>();

  /** `root`: the folder of this cache (e.g. `<cacheDir>/hub`). */
  constructor(private readonly root: string) {}

  private pathFor(key: string): string {
    const hash = createHash('sha256').update(key).digest('hex');
    return join(this.root, hash.slice(0, 2), `${hash}.json`);
  }

  async read(key: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await readCacheFile(this.pathFor(key));
    } catch {
      return undefined;
    }
    try {
      // A reviver costs a call per value: only entries that hold bytes need one.
      const entry = (text.includes('"$bytes"') ? JSON.parse(text, reviver) : JSON.parse(text)) as T;
      // A hash collision or a file from elsewhere: not ours.
      if (!entry || typeof entry !== 'object' || entry.key !== key) return undefined;
      return entry;
    } catch {
      return undefined;
    }
  }

  /** Writes in the background; flush() waits for every write started so far. */
  write(entry: T): Promise<void> {
    const writing = this.writeNow(entry).finally(() => this.pending.delete(writing));
    this.pending.add(writing);
    return writing;
  }

  private async writeNow(entry: T): Promise<void> {
    const file = this.pathFor(entry.key);
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(temp, JSON.stringify(entry, replacer));
      await rename(temp, file);
    } catch {
      // A cache that cannot be written only costs requests.
      await unlink(temp).catch(() => undefined);
    }
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathFor(key)).catch(() => undefined);
  }

  async clear(): Promise<void> {
    await this.flush();
    await rm(this.root, { recursive: true, force: true });
  }

  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
