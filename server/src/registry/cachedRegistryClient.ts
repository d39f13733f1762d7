// The cache in front of the HTTP client: memory, then disk, then the registry. TTLs follow what can
// change: anything addressed by digest never does; a tag's digest does (often); tag lists grow;
// "not found" may stop being true soon after a push. Errors are never cached. Concurrent identical
// calls share one promise, so ten hovers over `nginx:1.27` make one request.
import { join } from 'node:path';
import { DiskCache } from '../net/diskCache';
import { BudgetExhausted, formatSeconds } from '../net/runBudget';
import { isDigest } from './mediaTypes';
import type {
  Descriptor,
  LayerStreamed,
  Manifest,
  ManifestHead,
  RegistryClient,
  RegistryResult,
  RepositoryName,
} from './types';

export interface CacheTtls {
  /** Tag → digest (HEAD and GET by tag). */
  tagDigestMs: number;
  tagListMs: number;
  referrersMs: number;
  notFoundMs: number;
}

export const DEFAULT_CACHE_TTLS: CacheTtls = {
  tagDigestMs: 15 * 60_000,
  tagListMs: 60 * 60_000,
  referrersMs: 30 * 60_000,
  notFoundMs: 5 * 60_000,
};

export interface CachedRegistryClientOptions {
  /** Disk cache folder; undefined: memory only. */
  cacheDir?: string;
  ttl?: Partial<CacheTtls>;
  now?: () => number;
  maxMemoryEntries?: number;
  /** When true every call answers `offline` without looking anywhere. */
  offline?: boolean;
  /**
   * Where a registry's answers come from (its mirror or its own base URL). Part of every cache
   * key, so answers cached from one mirror are never served when another is configured.
   */
  sourceOf?: (registry: string) => string;
}

interface CacheEntry {
  key: string;
  storedAt: number;
  /** null: never expires (content addressed by digest). */
  expiresAt: number | null;
  value: unknown;
}

/** The folder inside the cache root; a new format gets a new name, so old files are never misread. */
const DISK_FORMAT = 'registry-v1';

type Lifetime = number | null | undefined; // ms, forever, or do not cache

interface MemoryEntry {
  storedAt: number;
  expiresAt: number | null;
  result: RegistryResult<unknown>;
}

function offline(registry: string): RegistryResult<never> {
  return { ok: false, error: { kind: 'offline', registry, message: 'Offline mode: no registry is asked.' } };
}

function cancelled(registry: string, signal: AbortSignal | undefined): RegistryResult<never> {
  // The run's budget ran out: the registry failed to answer in time, which is a fact to report.
  const reason: unknown = signal?.reason;
  if (reason instanceof BudgetExhausted)
    return {
      ok: false,
      error: {
        kind: 'unreachable',
        registry,
        message: `${registry} had not answered when the network time budget (${formatSeconds(reason.budgetMs)}) ran out.`,
      },
    };
  return {
    ok: false,
    error: { kind: 'unreachable', registry, message: 'The request was cancelled.', cancelled: true },
  };
}

export class CachedRegistryClient implements RegistryClient {
  private readonly memory = new Map<string, MemoryEntry>();
  private readonly inFlight = new Map<string, Promise<RegistryResult<unknown>>>();
  private readonly disk: DiskCache<CacheEntry> | undefined;
  private readonly ttl: CacheTtls;
  private readonly now: () => number;
  private readonly maxMemoryEntries: number;
  private readonly pendingWrites = new Set<Promise<void>>();

  private key(kind: string, repo: RepositoryName, reference: string): string {
    const registry = repo.registry.toLowerCase();
    return [kind, registry, this.options.sourceOf?.(registry) ?? '', repo.repository, reference].join('\n');
  }

  constructor(
    private readonly inner: RegistryClient,
    private readonly options: CachedRegistryClientOptions = {},
  ) {
    this.disk = options.cacheDir ? new DiskCache<CacheEntry>(join(options.cacheDir, DISK_FORMAT)) : undefined;
    this.ttl = { ...DEFAULT_CACHE_TTLS, ...options.ttl };
    this.now = options.now ?? Date.now;
    this.maxMemoryEntries = options.maxMemoryEntries ?? 5000;
  }

  resolveDigest(
    repo: RepositoryName,
    tagOrDigest: string,
    signal?: AbortSignal,
  ): Promise<RegistryResult<ManifestHead>> {
    const byDigest = isDigest(tagOrDigest);
    return this.cached(
      repo,
      this.key('head', repo, tagOrDigest),
      async () => {
        // A manifest already fetched by digest answers a HEAD by that digest.
        if (byDigest) {
          const manifest = await this.lookup<Manifest>(this.key('manifest', repo, tagOrDigest));
          if (manifest?.ok)
            return {
              ok: true,
              value: {
                digest: manifest.value.digest,
                mediaType: manifest.value.mediaType,
                size: manifest.value.body.length,
              },
            };
        }
        return this.inner.resolveDigest(repo, tagOrDigest);
      },
      (result) => this.lifetime(result, byDigest ? null : this.ttl.tagDigestMs),
      signal,
    );
  }

  getManifest(repo: RepositoryName, tagOrDigest: string, signal?: AbortSignal): Promise<RegistryResult<Manifest>> {
    const byDigest = isDigest(tagOrDigest);
    return this.cached(
      repo,
      this.key('manifest', repo, tagOrDigest),
      () => this.inner.getManifest(repo, tagOrDigest),
      (result) => this.lifetime(result, byDigest ? null : this.ttl.tagDigestMs),
      signal,
      async (result) => {
        if (!result.ok) return;
        const manifest = result.value;
        const head: ManifestHead = {
          digest: manifest.digest,
          mediaType: manifest.mediaType,
          size: manifest.body.length,
        };
        // What a GET by tag learnt also answers "which digest is this tag" and "the manifest of that digest".
        if (!byDigest) {
          await this.store(this.key('manifest', repo, manifest.digest), { ok: true, value: manifest }, null);
          await this.store(this.key('head', repo, tagOrDigest), { ok: true, value: head }, this.ttl.tagDigestMs);
        }
        await this.store(this.key('head', repo, manifest.digest), { ok: true, value: head }, null);
      },
    );
  }

  listTags(repo: RepositoryName, signal?: AbortSignal): Promise<RegistryResult<string[]>> {
    return this.cached(
      repo,
      this.key('tags', repo, ''),
      () => this.inner.listTags(repo),
      (r) => this.lifetime(r, this.ttl.tagListMs),
      signal,
    );
  }

  getBlob(repo: RepositoryName, digest: string, signal?: AbortSignal): Promise<RegistryResult<Uint8Array>> {
    return this.cached(
      repo,
      this.key('blob', repo, digest),
      () => this.inner.getBlob(repo, digest),
      (r) => this.lifetime(r, null),
      signal,
    );
  }

  getLayer(
    repo: RepositoryName,
    digest: string,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<RegistryResult<Uint8Array>> {
    if (this.options.offline) return Promise.resolve(offline(repo.registry));
    return this.inner.getLayer(repo, digest, maxBytes, signal);
  }

  /** Never cached here: callers cache what they read from a layer by its (immutable) digest. */
  streamLayer(
    repo: RepositoryName,
    digest: string,
    maxBytes: number,
    read: (chunks: AsyncIterable<Buffer>) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<RegistryResult<LayerStreamed>> {
    if (this.options.offline) return Promise.resolve(offline(repo.registry));
    return this.inner.streamLayer(repo, digest, maxBytes, read, signal);
  }

  listReferrers(repo: RepositoryName, digest: string, signal?: AbortSignal): Promise<RegistryResult<Descriptor[]>> {
    return this.cached(
      repo,
      this.key('referrers', repo, digest),
      () => this.inner.listReferrers(repo, digest),
      (r) => this.lifetime(r, this.ttl.referrersMs),
      signal,
    );
  }

  /** Forgets everything, in memory and on disk. */
  async clear(): Promise<void> {
    this.memory.clear();
    await Promise.all([...this.pendingWrites]);
    await this.disk?.clear();
  }

  /** Resolves when every disk write started so far has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.pendingWrites]);
  }

  // -------------------------------------------------------------------------------------------

  private lifetime(result: RegistryResult<unknown>, okLifetime: number | null): Lifetime {
    if (result.ok) return okLifetime;
    if (result.error.kind === 'notFound') return this.ttl.notFoundMs;
    return undefined;
  }

  private async cached<T>(
    repo: RepositoryName,
    cacheKey: string,
    load: () => Promise<RegistryResult<T>>,
    lifetime: (result: RegistryResult<T>) => Lifetime,
    signal: AbortSignal | undefined,
    alsoStore?: (result: RegistryResult<T>) => Promise<void>,
  ): Promise<RegistryResult<T>> {
    if (this.options.offline) return offline(repo.registry);
    if (signal?.aborted) return cancelled(repo.registry, signal);
    const fromMemory = this.fromMemory<T>(cacheKey);
    if (fromMemory) return fromMemory;
    let shared = this.inFlight.get(cacheKey) as Promise<RegistryResult<T>> | undefined;
    if (!shared) {
      shared = (async () => {
        const fromDisk = await this.fromDisk<T>(cacheKey);
        if (fromDisk) return fromDisk;
        // The shared request runs without any one caller's signal: others may still want it.
        const result = await load();
        const life = lifetime(result);
        if (life !== undefined) await this.store(cacheKey, result, life);
        if (alsoStore) await alsoStore(result);
        return result;
      })().finally(() => this.inFlight.delete(cacheKey));
      this.inFlight.set(cacheKey, shared);
    }
    if (!signal) return shared;
    return new Promise((resolve, reject) => {
      const onAbort = () => resolve(cancelled(repo.registry, signal));
      signal.addEventListener('abort', onAbort, { once: true });
      // A failure of the shared lookup reaches this caller too (an unhandled rejection otherwise).
      shared.then(
        (result) => {
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private fromMemory<T>(cacheKey: string): RegistryResult<T> | undefined {
    const entry = this.memory.get(cacheKey);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.memory.delete(cacheKey);
      return undefined;
    }
    // Re-insert: Map order is the eviction order (least recently used first).
    this.memory.delete(cacheKey);
    this.memory.set(cacheKey, entry);
    return withCacheMark(entry.result as RegistryResult<T>, entry.storedAt);
  }

  private async fromDisk<T>(cacheKey: string): Promise<RegistryResult<T> | undefined> {
    if (!this.disk) return undefined;
    const entry = await this.disk.read(cacheKey);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) return undefined;
    const result = entry.value as RegistryResult<T>;
    if (!result || typeof result !== 'object' || typeof result.ok !== 'boolean') return undefined;
    this.remember(cacheKey, { storedAt: entry.storedAt, expiresAt: entry.expiresAt, result });
    return withCacheMark(result, entry.storedAt);
  }

  /** An answer already known (memory or disk), without asking the registry. */
  private async lookup<T>(cacheKey: string): Promise<RegistryResult<T> | undefined> {
    return this.fromMemory<T>(cacheKey) ?? (await this.fromDisk<T>(cacheKey));
  }

  private remember(cacheKey: string, entry: MemoryEntry): void {
    this.memory.delete(cacheKey);
    this.memory.set(cacheKey, entry);
    while (this.memory.size > this.maxMemoryEntries) {
      const oldest = this.memory.keys().next().value;
      if (oldest === undefined) break;
      this.memory.delete(oldest);
    }
  }

  private async store(cacheKey: string, result: RegistryResult<unknown>, life: number | null): Promise<void> {
    const storedAt = this.now();
    const expiresAt = life === null ? null : storedAt + life;
    const plain: RegistryResult<unknown> = result.ok
      ? { ok: true, value: result.value, ...(result.notice ? { notice: result.notice } : {}) }
      : { ok: false, error: result.error };
    this.remember(cacheKey, { storedAt, expiresAt, result: plain });
    if (!this.disk) return;
    const entry: CacheEntry = { key: cacheKey, storedAt, expiresAt, value: plain };
    const write = this.disk.write(entry);
    this.pendingWrites.add(write);
    await write;
    this.pendingWrites.delete(write);
  }
}

function withCacheMark<T>(result: RegistryResult<T>, storedAt: number): RegistryResult<T> {
  return result.ok ? { ...result, fromCache: true, fetchedAt: storedAt } : result;
}
