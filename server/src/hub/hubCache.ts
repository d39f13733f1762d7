// A day of Docker Hub answers in memory and on disk. Hub metadata changes slowly (stars, pulls,
// publisher badges) and the Hub rate-limits its web API per IP (registry-facts §4.3), so an
// editor that hovers the same images all day should ask once. Entries keep when they were fetched:
// the hover says "as of" that time, and when Hub cannot be reached an older entry is still
// better than nothing (issue 5: offline shows when the data was last fetched).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir } from '../registry/diskCache';
import type { RegistryError } from '../registry/types';

export type CachedResult<T> = { ok: true; value: T } | { ok: false; error: RegistryError };

export interface CacheEntry<T> {
  key: string;
  fetchedAt: number;
  result: CachedResult<T>;
}

/**
 * The Hub cache folder: `<cacheDir>/hub`, by default inside the registry client's OS cache folder
 * (`$XDG_CACHE_HOME/image-trust` or `~/.cache/image-trust` on Linux); `''` means memory only.
 */
export function hubCacheDir(cacheDir: string | undefined): string | undefined {
  if (cacheDir === '') return undefined;
  return join(cacheDir ?? defaultCacheDir(), 'hub');
}

export class HubCache {
  private readonly memory = new Map<string, CacheEntry<unknown>>();

  constructor(private readonly dir: string | undefined) {}

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const inMemory = this.memory.get(key);
    if (inMemory) return inMemory as CacheEntry<T>;
    if (!this.dir) return undefined;
    try {
      const stored = JSON.parse(await readFile(this.fileOf(key), 'utf8')) as CacheEntry<T>;
      // A hash collision or a hand-edited file must not answer for another key.
      if (stored?.key !== key || typeof stored.fetchedAt !== 'number' || typeof stored.result?.ok !== 'boolean')
        return undefined;
      this.memory.set(key, stored);
      return stored;
    } catch {
      return undefined; // missing or unreadable: a cache miss, never an error
    }
  }

  async set<T>(entry: CacheEntry<T>): Promise<void> {
    this.memory.set(entry.key, entry);
    if (!this.dir) return;
    const file = this.fileOf(entry.key);
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      // Write then rename, so a second editor window never reads half a file.
      await writeFile(temp, JSON.stringify(entry));
      await rename(temp, file);
    } catch {
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }

  async clear(): Promise<void> {
    this.memory.clear();
    if (this.dir) await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  private fileOf(key: string): string {
    return join(this.dir as string, `${createHash('sha256').update(key).digest('hex')}.json`);
  }
}
