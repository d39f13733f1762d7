// Builds the registry client the server and CLI use, from the machine's NetworkSettings:
// the network door (shared with the other clients, or its own) → registry protocol → cache
// (memory + disk) → health for the status bar.
import type { NetworkSettings } from '../core/settings';
import { CachedRegistryClient, type CacheTtls } from './cachedRegistryClient';
import { DockerCredentialStore } from './credentials';
import { defaultCacheDir } from '../net/diskCache';
import { HttpClient } from '../net/httpClient';
import { RegistryHealthTracker } from './health';
import { HttpRegistryClient } from './httpRegistryClient';
import { resolveEndpoint } from './endpoints';
import { TokenCache } from './tokens';
import { RegistryTransport, type RequestInfo } from './transport';
import type { RegistryClient, RegistryHealth } from './types';

export type { RequestInfo } from './transport';

export interface RegistryClientOptions {
  /**
   * The network door to send through (services/network.ts shares one among all clients). Without
   * one the client makes its own from the options below and closes it on dispose().
   */
  http?: HttpClient;
  /** Called for every HTTP request sent (registry and token endpoints), each retry included. */
  onRequest?: (info: RequestInfo) => void;
  userAgent?: string;
  /** Connect and response-headers timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** Longest pause inside a response body, ms (default 30 000). */
  bodyTimeoutMs?: number;
  /** Attempts per request on 429 / 5xx / dropped connections (default 3). */
  maxAttempts?: number;
  /** First backoff step, ms (default 500; doubles, plus jitter). */
  retryBaseDelayMs?: number;
  /** Cap on any wait before a retry, ms (default 10 000); a longer Retry-After ends the retries. */
  maxRetryDelayMs?: number;
  /** Requests in flight per origin (default 12). */
  concurrencyPerRegistry?: number;
  /** Overall deadline of one request, retries included, ms (default 30 000). */
  requestDeadlineMs?: number;
  /** `n` for tag-list pages (default 1000). */
  tagPageSize?: number;
  /** Credential helper timeout, ms (default 5 000). */
  helperTimeoutMs?: number;
  /** Environment for DOCKER_CONFIG, XDG_CACHE_HOME/LOCALAPPDATA and the helpers' PATH (default process.env). */
  env?: NodeJS.ProcessEnv;
  ttl?: Partial<CacheTtls>;
  now?: () => number;
  /** One `GET /v2/` per origin before its first request (default true; false measures what it saves, bench/network.ts). */
  pingOrigins?: boolean;
}

/** A RegistryClient itself (the cached one), plus what the server and CLI need around it. */
export interface RegistryClientHandle extends RegistryClient {
  /** The cached client: what rules, fixes and hovers call (the same methods as the handle's own). */
  client: RegistryClient;
  health(): RegistryHealth;
  /** Returns a function that removes the listener. */
  onHealthChange(listener: () => void): () => void;
  /** Forgets cached answers (memory and disk), tokens and credential lookups. */
  clearCache(): Promise<void>;
  /** Resolves when pending disk-cache writes are done. */
  flush(): Promise<void>;
  /** The disk cache folder in use, or undefined when there is none. */
  cacheDir: string | undefined;
  dispose(): Promise<void>;
}

export function createRegistryClient(
  network: NetworkSettings,
  options: RegistryClientOptions = {},
): RegistryClientHandle {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const health = new RegistryHealthTracker();
  const ownHttp = options.http
    ? undefined
    : new HttpClient({
        connectTimeoutMs: options.timeoutMs,
        bodyIdleTimeoutMs: options.bodyTimeoutMs,
        requestDeadlineMs: options.requestDeadlineMs ?? network.requestDeadlineMs,
        maxAttempts: options.maxAttempts,
        retryBaseDelayMs: options.retryBaseDelayMs,
        maxRetryWaitMs: options.maxRetryDelayMs,
        connectionsPerOrigin: options.concurrencyPerRegistry ?? network.connectionsPerRegistry,
        userAgent: options.userAgent,
        insecureHosts: network.insecureRegistries,
        onRequest: options.onRequest,
        now: options.now,
      });
  const httpClient = options.http ?? (ownHttp as HttpClient);
  if (options.http && options.onRequest) options.http.onRequest(options.onRequest);
  const transport = new RegistryTransport(httpClient);
  const credentials = new DockerCredentialStore({
    configDir: network.dockerConfigDir,
    env,
    helperTimeoutMs: options.helperTimeoutMs,
    now,
  });
  const tokens = new TokenCache(transport, network, now);
  const http = new HttpRegistryClient({
    network,
    transport,
    credentials,
    tokens,
    health,
    tagPageSize: options.tagPageSize,
    now,
    pingOrigins: options.pingOrigins,
  });
  const cacheDir = network.cacheDir === '' ? undefined : (network.cacheDir ?? defaultCacheDir(env));
  const cached = new CachedRegistryClient(http, {
    cacheDir,
    ttl: options.ttl,
    now,
    offline: network.offline,
    sourceOf: (registry) => {
      const endpoint = resolveEndpoint(registry, network);
      return endpoint.ok ? endpoint.value.baseUrl : '';
    },
  });
  return {
    resolveDigest: (repo, ref, signal) => cached.resolveDigest(repo, ref, signal),
    getManifest: (repo, ref, signal) => cached.getManifest(repo, ref, signal),
    listTags: (repo, signal) => cached.listTags(repo, signal),
    getBlob: (repo, digest, signal) => cached.getBlob(repo, digest, signal),
    getLayer: (repo, digest, maxBytes, signal) => cached.getLayer(repo, digest, maxBytes, signal),
    streamLayer: (repo, digest, maxBytes, read, signal) => cached.streamLayer(repo, digest, maxBytes, read, signal),
    listReferrers: (repo, digest, signal) => cached.listReferrers(repo, digest, signal),
    client: cached,
    health: () => health.snapshot(),
    onHealthChange: (listener) => health.onChange(listener),
    clearCache: async () => {
      http.clearAuthorizations();
      health.clear();
      await cached.clear();
    },
    flush: () => cached.flush(),
    cacheDir,
    dispose: async () => {
      await cached.flush();
      await ownHttp?.close();
    },
  };
}
