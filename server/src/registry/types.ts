// What the rules, fixes and hover may ask of registries. Implementations: the undici client
// (httpRegistryClient.ts), wrapped by the cache (cachedRegistryClient.ts). Failures are values.

/** A repository in a registry, by canonical name: `{ registry: 'docker.io', repository: 'library/nginx' }`. */
export interface RepositoryName {
  registry: string;
  repository: string;
}

export type RegistryErrorKind =
  | 'offline' // the user asked for no network
  | 'notFound' // the registry says the repository, tag or digest does not exist
  | 'unauthorized' // credentials missing or refused (Docker Hub also says this for unknown repos)
  | 'rateLimited' // 429
  | 'unreachable' // DNS, connection, TLS, timeout
  | 'digestMismatch' // the body does not hash to the digest the registry claimed
  | 'insecureRefused' // plain http to a registry that is not loopback nor marked insecure
  | 'protocol'; // anything else the registry answered that makes no sense

export interface RegistryError {
  kind: RegistryErrorKind;
  /** A sentence for a person. Never contains credentials. */
  message: string;
  /** The registry host the error concerns (canonical, e.g. `docker.io`). */
  registry: string;
  /** For notFound: what does not exist, when the registry said so precisely. */
  missing?: 'repository' | 'manifest';
  /** For rateLimited: seconds until a retry makes sense, when the registry said. */
  retryAfterSeconds?: number;
  status?: number;
  /** The caller aborted (AbortSignal): not a fact about the registry, so never cached nor shown as health. */
  cancelled?: boolean;
  /** The answer was longer than the cap for its kind and was not read. */
  tooLarge?: boolean;
}

export type RegistryResult<T> =
  | {
      ok: true;
      value: T;
      fromCache?: boolean;
      fetchedAt?: number;
      /** The answer is usable but incomplete, and why (a tag list cut at its cap). */
      notice?: string;
    }
  | { ok: false; error: RegistryError };

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size?: number;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  /** The exact bytes the registry served; their sha256 is `digest`. */
  body: Uint8Array;
  /** Parsed JSON body. */
  json: ManifestJson;
}

export interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** What a streamed layer read came to. */
export interface LayerStreamed {
  /** Compressed bytes downloaded. */
  bytes: number;
  /** Read to the end (and so checked against the digest), not stopped early. */
  complete: boolean;
  /** The reader's own failure (the bytes were not a readable layer), if any. */
  readerError?: unknown;
}

/** Docker Hub's pull rate limit as last seen in `ratelimit-*` headers. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  windowSeconds?: number;
  observedAt: number;
}

export interface RegistryClient {
  /** The digest a tag (or digest) points to now: HEAD with the full Accept list. */
  resolveDigest(repo: RepositoryName, tagOrDigest: string, signal?: AbortSignal): Promise<RegistryResult<ManifestHead>>;
  /** The manifest or index, verified against its digest. */
  getManifest(repo: RepositoryName, tagOrDigest: string, signal?: AbortSignal): Promise<RegistryResult<Manifest>>;
  /** Every tag, following pagination. */
  listTags(repo: RepositoryName, signal?: AbortSignal): Promise<RegistryResult<string[]>>;
  /** A blob (image config), verified against its digest. */
  getBlob(repo: RepositoryName, digest: string, signal?: AbortSignal): Promise<RegistryResult<Uint8Array>>;
  /**
   * A layer blob, verified against its digest, refused beyond `maxBytes`. Never cached here: layers
   * are large, and callers cache what they read from them by the (immutable) layer digest.
   */
  getLayer(
    repo: RepositoryName,
    digest: string,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<RegistryResult<Uint8Array>>;
  /**
   * Streams a layer blob to `read`, at most `maxBytes` (past that the download is aborted and the
   * answer is a `tooLarge` protocol error). `read` may stop early: the connection is closed and the
   * rest is never downloaded. A layer read to its end is checked against its digest (a mismatch is
   * a `digestMismatch` error); one stopped early cannot be (`complete: false`).
   */
  streamLayer(
    repo: RepositoryName,
    digest: string,
    maxBytes: number,
    read: (chunks: AsyncIterable<Buffer>) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<RegistryResult<LayerStreamed>>;
  /** Referrers of a digest: the referrers API, or the `sha256-<hex>` fallback tag index. */
  listReferrers(repo: RepositoryName, digest: string, signal?: AbortSignal): Promise<RegistryResult<Descriptor[]>>;
}

/** What the server and CLI show about network health (the status bar reads this). */
export interface RegistryHealth {
  /** Registries whose last request failed to connect, time out, or was rate limited. */
  unreachable: Array<{ registry: string; message: string }>;
  /** Docker Hub's pull rate limit, when it sent one. */
  dockerHubRateLimit?: RateLimitState;
}
