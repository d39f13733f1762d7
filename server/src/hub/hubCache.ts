// A day of Docker Hub answers in memory and on disk. Hub metadata changes slowly (stars, pulls,
// publisher badges) and the Hub rate-limits its web API per IP (docs/registries.md §4.3), so an
// editor that hovers the same images all day should ask once. Entries keep when they were fetched:
// the hover says "as of" that time, and when Hub cannot be reached an older entry is still
// better than nothing (offline, the hover says when the data was last fetched).
import { join } from 'node:path';
import { DiskCache, defaultCacheDir } from '../net/diskCache';
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
  private readonly disk: DiskCache<CacheEntry<unknown>> | undefined;

  constructor(dir: string | undefined) {
    this.disk = dir ? new DiskCache<CacheEntry<unknown>>(dir) : undefined;
  }

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const inMemory = this.memory.get(key);
    if (inMemory) return inMemory as CacheEntry<T>;
    const stored = (await this.disk?.read(key)) as CacheEntry<T> | undefined;
    // A hand-edited file must not answer with something of another shape.
    if (!stored || typeof stored.fetchedAt !== 'number' || typeof stored.result?.ok !== 'boolean') return undefined;
    this.memory.set(key, stored);
    return stored;
  }

  async set<T>(entry: CacheEntry<T>): Promise<void> {
    this.memory.set(entry.key, entry);
    // Write then rename (DiskCache), so a second editor window never reads half a file.
    await this.disk?.write(entry);
  }

  async clear(): Promise<void> {
    this.memory.clear();
    await this.disk?.clear().catch(() => undefined);
  }

  flush(): Promise<void> {
    return this.disk?.flush() ?? Promise.resolve();
  }
}
