// Docker Hub's web API (hub.docker.com, not the registry): who publishes a repository, its
// description and counts, and one tag's push date, size and platforms. Answers are cached for a
// day (hubCache.ts); offline nothing is requested and cached answers of any age are served.
import type { PublisherTier } from '../core/facts';
import { HttpClient } from '../net/httpClient';
import { BudgetExhausted, formatSeconds } from '../net/runBudget';
import type { RegistryError } from '../registry/types';
import { HubCache, hubCacheDir, type CacheEntry } from './hubCache';
import { HubHttp } from './hubHttp';
import { parseHubRepository, parseHubTag, tierFromSearch } from './normalize';
import type { HubRepository, HubResult, HubTag } from './types';

/** The tiers the Hub itself can tell; `other-registry`/`unverified` are decided by the caller. */
export type HubPublisherTier = Extract<PublisherTier, 'official' | 'verified' | 'sponsored-oss' | 'community'>;

export interface HubClient {
  /** `GET {hubUrl}/v2/namespaces/{ns}/repositories/{name}` (docs/registries.md §5.1). */
  getRepository(namespace: string, name: string, signal?: AbortSignal): Promise<HubResult<HubRepository>>;
  /** `GET .../repositories/{name}/tags/{tag}` (docs/registries.md §4.3); `unknown/unknown` images dropped. */
  getTag(namespace: string, name: string, tag: string, signal?: AbortSignal): Promise<HubResult<HubTag>>;
  /**
   * `library` is Official without asking (exact, docs/registries.md §5.2 option 1); any other namespace
   * by the search v4 `badge` of the result named exactly `namespace/name` (option 2). `notFound`
   * when search does not list the repository: the caller should say "could not be verified".
   */
  getPublisherTier(namespace: string, name: string, signal?: AbortSignal): Promise<HubResult<HubPublisherTier>>;
  /** Forget memory and disk answers (the "clear cache" command). */
  clearCache(): Promise<void>;
  /** Waits for disk writes; closes the client's own network door (a shared one is its owner's). */
  dispose(): Promise<void>;
}

export interface HubClientOptions {
  /** Base URL of the web API, e.g. `https://hub.docker.com` (machine-scoped setting `imageTrust.hubUrl`). */
  hubUrl: string;
  offline: boolean;
  /** Cache root; answers go to `<cacheDir>/hub`. Default the OS cache folder; `''` memory only. */
  cacheDir?: string;
  /** The network door to send through; without one the client makes its own. */
  http?: HttpClient;
  /** Overall deadline of one lookup, retries included; default the door's. */
  fetchTimeoutMs?: number;
  /** Called before every HTTP attempt (tests count requests; the output channel logs them). */
  onRequest?: (url: string) => void;
  /** First retry delay when the server names none; default 500 ms, doubling. */
  retryBackoffMs?: number;
  /** Longest wait for a retry before giving up with `rateLimited`; default 5 s. */
  maxRetryWaitMs?: number;
  /** Clock, for tests of expiry. */
  now?: () => number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** A repository that does not exist yet may be created soon (a user typing a new name). */
const NOT_FOUND_MS = 60 * 60 * 1000;
/** Beyond this an answer is too old even to show when Hub cannot be reached. */
const STALE_LIMIT_MS = 30 * DAY_MS;

export function createHubClient(options: HubClientOptions): HubClient {
  const now = options.now ?? Date.now;
  const cache = new HubCache(hubCacheDir(options.cacheDir));
  const ownDoor = options.http
    ? undefined
    : new HttpClient({
        retryBaseDelayMs: options.retryBackoffMs,
        onRequest: options.onRequest ? (info) => options.onRequest!(info.url) : undefined,
        now,
      });
  const door = options.http ?? (ownDoor as HttpClient);
  if (options.http && options.onRequest) {
    const listener = options.onRequest;
    options.http.onRequest((info) => {
      if (info.purpose === 'hub') listener(info.url);
    });
  }
  let base: URL | undefined;
  let baseError: RegistryError | undefined;
  try {
    base = new URL(options.hubUrl.replace(/\/+$/, '') + '/');
    baseError = HubHttp.checkBaseUrl(door, base);
  } catch {
    baseError = {
      kind: 'protocol',
      message: `Docker Hub API URL "${options.hubUrl}" is not a URL.`,
      registry: options.hubUrl,
    };
  }
  const http =
    base && !baseError
      ? new HubHttp(door, base, {
          timeoutMs: options.fetchTimeoutMs,
          maxAttempts: 3,
          maxWaitMs: options.maxRetryWaitMs ?? 5_000,
          now,
        })
      : undefined;
  const registryLabel = base?.host ?? options.hubUrl;
  // The cache key includes the base URL: a test server or mirror never answers for the real Hub.
  const keyBase = base?.href ?? options.hubUrl;
  const inFlight = new Map<string, Promise<HubResult<unknown>>>();

  function url(path: string): string {
    return new URL(path, base).href;
  }

  async function lookup<T>(
    key: string,
    path: string,
    parse: (json: unknown) => T | { notFound: string } | undefined,
    signal: AbortSignal | undefined,
  ): Promise<HubResult<T>> {
    const fullKey = `${keyBase} ${key}`;
    const cached = await cache.get<T>(fullKey);
    const age = cached ? now() - cached.fetchedAt : Infinity;
    if (cached && age < (cached.result.ok ? DAY_MS : NOT_FOUND_MS)) return fromCache(cached);
    const stale = cached?.result.ok && age < STALE_LIMIT_MS ? cached : undefined;
    if (options.offline) {
      return stale
        ? fromCache(stale)
        : {
            ok: false,
            error: { kind: 'offline', message: 'Offline: Docker Hub was not asked.', registry: registryLabel },
          };
    }
    if (!http) return { ok: false, error: baseError as RegistryError };
    // Hover, diagnostics and code actions ask for the same repository at once: one request. It is
    // not tied to any caller's signal (the answer is cached for the others); each caller only
    // stops waiting when its own signal aborts.
    let shared = inFlight.get(fullKey) as Promise<HubResult<T>> | undefined;
    if (!shared) {
      shared = fetchAndStore(fullKey, path, parse, stale);
      inFlight.set(fullKey, shared);
      void shared.finally(() => inFlight.delete(fullKey));
    }
    return raceAbort(shared, signal, registryLabel);
  }

  async function fetchAndStore<T>(
    fullKey: string,
    path: string,
    parse: (json: unknown) => T | { notFound: string } | undefined,
    stale: CacheEntry<T> | undefined,
  ): Promise<HubResult<T>> {
    const outcome = await (http as HubHttp).getJson(url(path));
    const fetchedAt = now();
    if (outcome.ok) {
      const parsed = parse(outcome.json);
      if (parsed === undefined) {
        const error: RegistryError = {
          kind: 'protocol',
          message: `Docker Hub (${registryLabel}) sent an answer of an unknown shape.`,
          registry: registryLabel,
        };
        return stale ? fromCache(stale) : { ok: false, error };
      }
      if (isNotFound(parsed)) {
        const error: RegistryError = {
          kind: 'notFound',
          message: parsed.notFound,
          registry: registryLabel,
          missing: 'repository',
        };
        await cache.set<T>({ key: fullKey, fetchedAt, result: { ok: false, error } });
        return { ok: false, error };
      }
      await cache.set<T>({ key: fullKey, fetchedAt, result: { ok: true, value: parsed } });
      return { ok: true, value: parsed, fetchedAt };
    }
    if (outcome.error.kind === 'notFound') {
      await cache.set<T>({ key: fullKey, fetchedAt, result: { ok: false, error: outcome.error } });
      return { ok: false, error: outcome.error };
    }
    // Hub down, rate limited or refusing: yesterday's answer, labelled with its age, beats none.
    return stale ? fromCache(stale) : { ok: false, error: outcome.error };
  }

  const segment = encodeURIComponent;
  return {
    getRepository(namespace, name, signal) {
      return lookup(
        `repository ${namespace}/${name}`,
        `v2/namespaces/${segment(namespace)}/repositories/${segment(name)}`,
        (json) => parseHubRepository(json, namespace, name),
        signal,
      );
    },
    async getTag(namespace, name, tag, signal) {
      const result = await lookup(
        `tag ${namespace}/${name}:${tag}`,
        `v2/namespaces/${segment(namespace)}/repositories/${segment(name)}/tags/${segment(tag)}`,
        (json) => parseHubTag(json, tag),
        signal,
      );
      // The endpoint answers 404 for a missing tag and for a missing repository alike.
      if (!result.ok && result.error.kind === 'notFound')
        return { ok: false, error: { ...result.error, missing: 'manifest' } };
      return result;
    },
    async getPublisherTier(namespace, name, signal) {
      if (namespace === 'library') return { ok: true, value: 'official' };
      const query = new URLSearchParams({ query: `${namespace}/${name}`, from: '0', size: '25' });
      return lookup<HubPublisherTier>(
        `tier ${namespace}/${name}`,
        `api/search/v4?${query}`,
        (json) => {
          const match = tierFromSearch(json, namespace, name);
          if (!match) return undefined;
          return match.found ? match.tier : { notFound: `Docker Hub search does not list ${namespace}/${name}.` };
        },
        signal,
      );
    },
    clearCache: () => cache.clear(),
    dispose: async () => {
      await cache.flush();
      await ownDoor?.close();
    },
  };
}

function isNotFound(value: unknown): value is { notFound: string } {
  return typeof value === 'object' && value !== null && 'notFound' in value;
}

function fromCache<T>(entry: CacheEntry<T>): HubResult<T> {
  return entry.result.ok
    ? { ok: true, value: entry.result.value, fetchedAt: entry.fetchedAt, fromCache: true }
    : { ok: false, error: entry.result.error };
}

function raceAbort<T>(
  work: Promise<HubResult<T>>,
  signal: AbortSignal | undefined,
  registry: string,
): Promise<HubResult<T>> {
  if (!signal) return work;
  const cancelled = (): HubResult<T> => {
    const reason: unknown = signal.reason;
    // The run's budget ran out: Docker Hub failed to answer in time, which is a fact to report.
    if (reason instanceof BudgetExhausted) {
      const message = `Docker Hub (${registry}) had not answered when the network time budget (${formatSeconds(reason.budgetMs)}) ran out.`;
      return { ok: false, error: { kind: 'unreachable', message, registry } };
    }
    return {
      ok: false,
      error: { kind: 'unreachable', message: 'The Docker Hub request was cancelled.', registry, cancelled: true },
    };
  };
  if (signal.aborted) return Promise.resolve(cancelled());
  return new Promise((resolve) => {
    const onAbort = () => resolve(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then((result) => {
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    });
  });
}
