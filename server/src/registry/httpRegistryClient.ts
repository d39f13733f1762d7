// The RegistryClient that talks to registries over HTTP (OCI distribution spec, docs/registries.md §2-4).
// Authentication follows the registry's challenge; redirects are followed here so credentials never
// leave the registry's origin; every failure comes back as a RegistryError value.
import { createHash } from 'node:crypto';
import type { NetworkSettings } from '../core/settings';
import type { DockerCredentialStore, RegistryCredentials } from './credentials';
import { digestOf, matchesDigest } from './digests';
import { DOCKER_HUB, isTransportAllowed, resolveEndpoint, type RegistryEndpoint } from './endpoints';
import type { RegistryHealthTracker } from './health';
import {
  DIGEST_PATTERN,
  MANIFEST_ACCEPT,
  OCI_INDEX,
  bareMediaType,
  inferManifestMediaType,
  isDigest,
} from './mediaTypes';
import { parseRateLimit, parseRetryAfter } from './rateLimit';
import { walkPages } from './pagination';
import type { TokenCache } from './tokens';
import type { HttpExchange, RegistryTransport, SendRequest } from './transport';
import type {
  Descriptor,
  LayerStreamed,
  Manifest,
  ManifestHead,
  ManifestJson,
  Platform,
  RegistryClient,
  RegistryError,
  RegistryResult,
  RepositoryName,
} from './types';
import { realmScope } from './tokenRealmScope';
import { parseWwwAuthenticate, pickChallenge } from './wwwAuthenticate';
import { isLoopbackHost } from '../core/reference';

export interface HttpRegistryClientOptions {
  network: NetworkSettings;
  transport: RegistryTransport;
  credentials: DockerCredentialStore;
  tokens: TokenCache;
  health: RegistryHealthTracker;
  /** `n` for tags/list pages (default 1000: ECR refuses more). */
  tagPageSize?: number;
  /** Tags kept per repository across pages (default 10 000); the list is cut beyond and says so. */
  maxTags?: number;
  /** Tag-list bytes read per repository across pages (default 8 MiB). */
  maxTagListBytes?: number;
  now?: () => number;
  /** One `GET /v2/` per origin before its first request (default true). */
  pingOrigins?: boolean;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024; // the spec lets registries refuse bigger manifests
const MAX_BLOB_BYTES = 16 * 1024 * 1024; // image configs and attestation blobs; layers are streamed (streamLayer)
/** One tags/list page: 1000 tags of the longest legal length are about 130 KiB. */
export const MAX_TAG_PAGE_BYTES = 4 * 1024 * 1024;
/** Tags kept per repository, all pages together: the version model needs the versions, not every nightly. */
export const DEFAULT_MAX_TAGS = 10_000;
/** Tag-list bytes read per repository, all pages together. */
export const DEFAULT_MAX_TAG_LIST_BYTES = 8 * 1024 * 1024;
const MAX_REFERRERS = 1000;
const MAX_REFERRERS_BYTES = 8 * 1024 * 1024;
const MAX_REDIRECTS = 5;
/** `GET /v2/` answers `{}` or an error list. */
const MAX_PING_BYTES = 64 * 1024;
const MAX_PAGES = 100;
/** Statuses by which a registry without the referrers API answers ([DS] referrers, "if the registry does not support"). */
const NO_REFERRERS_API = new Set([404, 400, 405, 406, 501]);
/** A tag as the distribution reference grammar defines it. */
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface Outcome {
  response: HttpExchange;
  /** A 401 came back although the request carried a token fetched for this very request. */
  refusedFreshAuthorization: boolean;
  /** Why credentials that exist were not sent to the token endpoint (another host). */
  withheld?: string;
  credentials?: RegistryCredentials;
}

function errorCodeOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown }> };
    const code = parsed.errors?.[0]?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function repoLabel(repo: RepositoryName): string {
  return `${repo.registry}/${repo.repository}`;
}

function toPlatform(raw: unknown): Platform | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const p = raw as Record<string, unknown>;
  if (typeof p.os !== 'string' || typeof p.architecture !== 'string') return undefined;
  const platform: Platform = { os: p.os, architecture: p.architecture };
  if (typeof p.variant === 'string') platform.variant = p.variant;
  if (typeof p['os.version'] === 'string') platform.osVersion = p['os.version'];
  return platform;
}

function toDescriptor(raw: unknown): Descriptor | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const d = raw as Record<string, unknown>;
  if (typeof d.digest !== 'string' || typeof d.mediaType !== 'string') return undefined;
  const descriptor: Descriptor = {
    mediaType: d.mediaType,
    digest: d.digest,
    size: typeof d.size === 'number' ? d.size : 0,
  };
  const platform = toPlatform(d.platform);
  if (platform) descriptor.platform = platform;
  if (typeof d.artifactType === 'string') descriptor.artifactType = d.artifactType;
  if (d.annotations && typeof d.annotations === 'object')
    descriptor.annotations = d.annotations as Record<string, string>;
  return descriptor;
}

/** The parsed body with `os.version` also available as `platform.osVersion`. */
function toManifestJson(parsed: Record<string, unknown>): ManifestJson {
  const json = { ...parsed } as ManifestJson & Record<string, unknown>;
  if (Array.isArray(parsed.manifests)) {
    json.manifests = parsed.manifests.map((m) => ({ ...(m as object), ...toDescriptor(m) }) as Descriptor);
  }
  return json;
}

/**
 * One tags/list page ([DS] "Listing Tags"): `{"name": …, "tags": [...]}`. `"tags": null` is how
 * distribution answers for a repository whose tags were all deleted. Anything else (another
 * shape, entries that are not tags) is unusable: the caller reports it instead of seeing no tags.
 */
export function parseTagPage(body: Buffer, label: string): { items: string[] } | { unusable: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { unusable: `${label} is not JSON.` };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !('tags' in parsed))
    return { unusable: `${label} is not a tag list (no "tags").` };
  const tags = (parsed as { tags: unknown }).tags;
  if (tags === null) return { items: [] };
  if (!Array.isArray(tags)) return { unusable: `${label} is not a tag list ("tags" is not a list).` };
  const bad = tags.find((t) => typeof t !== 'string' || !TAG_PATTERN.test(t));
  if (bad !== undefined)
    return { unusable: `${label} holds entries that are not tags (${JSON.stringify(bad).slice(0, 40)}).` };
  return { items: tags as string[] };
}

function parseReferrersPage(body: Buffer, label: string): { items: Descriptor[] } | { unusable: string } {
  let manifests: unknown;
  try {
    manifests = (JSON.parse(body.toString('utf8')) as { manifests?: unknown } | null)?.manifests;
  } catch {
    return { unusable: `${label} is not JSON.` };
  }
  if (!Array.isArray(manifests)) return { unusable: `${label} is not an image index.` };
  return { items: manifests.map(toDescriptor).filter((d): d is Descriptor => d !== undefined) };
}

export class HttpRegistryClient implements RegistryClient {
  private readonly network: NetworkSettings;
  private readonly transport: RegistryTransport;
  private readonly credentials: DockerCredentialStore;
  private readonly tokens: TokenCache;
  private readonly health: RegistryHealthTracker;
  private readonly tagPageSize: number;
  private readonly maxTags: number;
  private readonly maxTagListBytes: number;
  private readonly now: () => number;
  /** `origin repository` → Authorization value that worked (or was issued) last. */
  private readonly authorizations = new Map<string, string>();
  /** The challenge each registry origin answered with, to fetch a new repository's token up front. */
  private readonly originChallenges = new Map<string, string>();
  /** One `GET /v2/` per origin before its first request, shared by every request that waits for it. */
  private readonly originPings = new Map<string, Promise<void>>();
  private readonly pingOrigins: boolean;

  constructor(options: HttpRegistryClientOptions) {
    this.network = options.network;
    this.transport = options.transport;
    this.credentials = options.credentials;
    this.tokens = options.tokens;
    this.health = options.health;
    this.tagPageSize = Math.max(1, options.tagPageSize ?? 1000);
    this.maxTags = Math.max(1, options.maxTags ?? DEFAULT_MAX_TAGS);
    this.maxTagListBytes = Math.max(1024, options.maxTagListBytes ?? DEFAULT_MAX_TAG_LIST_BYTES);
    this.now = options.now ?? Date.now;
    this.pingOrigins = options.pingOrigins ?? true;
  }

  clearAuthorizations(): void {
    this.authorizations.clear();
    this.originChallenges.clear();
    this.originPings.clear();
    this.tokens.clear();
    this.credentials.clear();
  }

  // -------------------------------------------------------------------------------------------
  // RegistryClient

  async resolveDigest(
    repo: RepositoryName,
    tagOrDigest: string,
    signal?: AbortSignal,
  ): Promise<RegistryResult<ManifestHead>> {
    const offline = this.offline(repo);
    if (offline) return offline;
    const endpoint = resolveEndpoint(repo.registry, this.network);
    if (!endpoint.ok) return endpoint;
    const url = this.manifestUrl(endpoint.value, repo, tagOrDigest);
    const sent = await this.exchange(repo, endpoint.value, 'HEAD', url, MANIFEST_ACCEPT, 0, signal);
    if (!sent.ok) return sent;
    const { response } = sent.value;
    if (response.status === 200) {
      const digest = response.headers['docker-content-digest']?.trim();
      if (digest && DIGEST_PATTERN.test(digest)) {
        if (isDigest(tagOrDigest) && digest !== tagOrDigest)
          return this.mismatch(repo, tagOrDigest, `the registry answered ${digest}`);
        const size = Number(response.headers['content-length']);
        const head: ManifestHead = { digest, mediaType: bareMediaType(response.headers['content-type']) ?? '' };
        if (Number.isFinite(size) && size > 0) head.size = size;
        return { ok: true, value: head };
      }
      // No (usable) Docker-Content-Digest: the digest is the sha256 of the exact bytes a GET serves.
    } else if (response.status !== 405 && response.status !== 400) {
      return { ok: false, error: await this.failure(repo, endpoint.value, sent.value, 'manifest', signal) };
    }
    const manifest = await this.getManifest(repo, tagOrDigest, signal);
    if (!manifest.ok) return manifest;
    return {
      ok: true,
      value: { digest: manifest.value.digest, mediaType: manifest.value.mediaType, size: manifest.value.body.length },
    };
  }

  async getManifest(
    repo: RepositoryName,
    tagOrDigest: string,
    signal?: AbortSignal,
  ): Promise<RegistryResult<Manifest>> {
    const offline = this.offline(repo);
    if (offline) return offline;
    const endpoint = resolveEndpoint(repo.registry, this.network);
    if (!endpoint.ok) return endpoint;
    const url = this.manifestUrl(endpoint.value, repo, tagOrDigest);
    const sent = await this.exchange(repo, endpoint.value, 'GET', url, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, signal);
    if (!sent.ok) return sent;
    const { response } = sent.value;
    if (response.status !== 200)
      return { ok: false, error: await this.failure(repo, endpoint.value, sent.value, 'manifest', signal) };
    const body = response.body;
    const claimed = response.headers['docker-content-digest']?.trim();
    if (isDigest(tagOrDigest) && !matchesDigest(body, tagOrDigest))
      return this.mismatch(repo, tagOrDigest, 'the bytes served hash to something else');
    if (claimed && DIGEST_PATTERN.test(claimed) && !matchesDigest(body, claimed)) {
      return this.mismatch(repo, claimed, 'the bytes served do not hash to the Docker-Content-Digest header');
    }
    const digest = isDigest(tagOrDigest)
      ? tagOrDigest
      : claimed && DIGEST_PATTERN.test(claimed)
        ? claimed
        : digestOf(body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return {
        ok: false,
        error: {
          kind: 'protocol',
          registry: repo.registry,
          message: `The manifest of ${repoLabel(repo)}:${tagOrDigest} is not JSON.`,
        },
      };
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return {
        ok: false,
        error: {
          kind: 'protocol',
          registry: repo.registry,
          message: `The manifest of ${repoLabel(repo)}:${tagOrDigest} is not a JSON object.`,
        },
      };
    }
    const json = toManifestJson(parsed as Record<string, unknown>);
    const contentType = bareMediaType(response.headers['content-type']);
    const mediaType =
      contentType && contentType !== 'application/json' && contentType !== 'text/plain'
        ? contentType
        : (inferManifestMediaType(json) ?? contentType ?? '');
    return { ok: true, value: { digest, mediaType, body: new Uint8Array(body), json } };
  }

  async listTags(repo: RepositoryName, signal?: AbortSignal): Promise<RegistryResult<string[]>> {
    const offline = this.offline(repo);
    if (offline) return offline;
    const endpoint = resolveEndpoint(repo.registry, this.network);
    if (!endpoint.ok) return endpoint;
    const first = new URL(`${endpoint.value.baseUrl}/v2/${repo.repository}/tags/list`);
    first.searchParams.set('n', String(this.tagPageSize));
    const label = `The tag list of ${repoLabel(repo)}`;
    const walked = await walkPages<string>({
      first,
      registry: repo.registry,
      label,
      limits: {
        maxPages: MAX_PAGES,
        maxItems: this.maxTags,
        maxBytes: this.maxTagListBytes,
        maxPageBytes: MAX_TAG_PAGE_BYTES,
      },
      fetchPage: async (url, maxBodyBytes) => {
        const sent = await this.exchange(
          repo,
          endpoint.value,
          'GET',
          url.href,
          'application/json',
          maxBodyBytes,
          signal,
        );
        if (!sent.ok) return sent;
        if (sent.value.response.status !== 200)
          return { ok: false, error: await this.failure(repo, endpoint.value, sent.value, 'tags', signal) };
        return { ok: true, value: sent.value.response };
      },
      parsePage: (body) => parseTagPage(body, label),
      keyOf: (tag) => tag,
      continueWithout: ({ url, items, added }) => {
        // More than asked for and no next page: the registry ignores `n` (distribution 2.x) and sent everything.
        if (items.length > this.tagPageSize) return undefined;
        // A full page and no Link: older registries expect the client to continue after the last tag.
        if (items.length < this.tagPageSize || added === 0) return undefined;
        const next = new URL(first.href);
        next.searchParams.set('last', items[items.length - 1]);
        return next.href === url.href ? undefined : next;
      },
    });
    if (!walked.ok) return { ok: false, error: walked.error };
    return walked.cut ? { ok: true, value: walked.items, notice: walked.cut } : { ok: true, value: walked.items };
  }

  getBlob(repo: RepositoryName, digest: string, signal?: AbortSignal): Promise<RegistryResult<Uint8Array>> {
    return this.getLayer(repo, digest, MAX_BLOB_BYTES, signal);
  }

  async getLayer(
    repo: RepositoryName,
    digest: string,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<RegistryResult<Uint8Array>> {
    const offline = this.offline(repo);
    if (offline) return offline;
    if (!isDigest(digest))
      return { ok: false, error: { kind: 'protocol', registry: repo.registry, message: `${digest} is not a digest.` } };
    const endpoint = resolveEndpoint(repo.registry, this.network);
    if (!endpoint.ok) return endpoint;
    const url = `${endpoint.value.baseUrl}/v2/${repo.repository}/blobs/${digest}`;
    const sent = await this.exchange(repo, endpoint.value, 'GET', url, '*/*', maxBytes, signal);
    if (!sent.ok) return sent;
    const { response } = sent.value;
    if (response.status !== 200)
      return { ok: false, error: await this.failure(repo, endpoint.value, sent.value, 'blob', signal) };
    if (!matchesDigest(response.body, digest))
      return this.mismatch(repo, digest, 'the blob served hashes to something else');
    return { ok: true, value: new Uint8Array(response.body) };
  }

  async streamLayer(
    repo: RepositoryName,
    digest: string,
    maxBytes: number,
    read: (chunks: AsyncIterable<Buffer>) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<RegistryResult<LayerStreamed>> {
    const offline = this.offline(repo);
    if (offline) return offline;
    const algorithm = digest.startsWith('sha512:') ? 'sha512' : digest.startsWith('sha256:') ? 'sha256' : undefined;
    if (!isDigest(digest) || !algorithm)
      return { ok: false, error: { kind: 'protocol', registry: repo.registry, message: `${digest} is not a digest.` } };
    const endpoint = resolveEndpoint(repo.registry, this.network);
    if (!endpoint.ok) return endpoint;
    const url = `${endpoint.value.baseUrl}/v2/${repo.repository}/blobs/${digest}`;
    let mismatch = false;
    // The bytes are hashed as they pass; at their end a wrong digest fails the reader before it
    // can finish, so nothing read from a forged layer is taken.
    const verified = async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      const hash = createHash(algorithm);
      for await (const chunk of chunks) {
        hash.update(chunk);
        yield chunk;
      }
      if (`${algorithm}:${hash.digest('hex')}` !== digest) {
        mismatch = true;
        throw new Error('digest mismatch');
      }
    };
    const sent = await this.exchange(repo, endpoint.value, 'GET', url, '*/*', maxBytes, signal, (status) =>
      status === 200 ? (chunks) => read(verified(chunks)) : undefined,
    );
    if (!sent.ok) return sent;
    const { response } = sent.value;
    if (response.status !== 200 || !response.streamed)
      return { ok: false, error: await this.failure(repo, endpoint.value, sent.value, 'blob', signal) };
    if (mismatch) return this.mismatch(repo, digest, 'the blob served hashes to something else');
    const { bytes, complete, readerError } = response.streamed;
    return { ok: true, value: readerError === undefined ? { bytes, complete } : { bytes, complete, readerError } };
  }

  async listReferrers(
    repo: RepositoryName,
    digest: string,
    signal?: AbortSignal,
  ): Promise<RegistryResult<Descriptor[]>> {
    const offline = this.offline(repo);
    if (offline) return offline;
    if (!isDigest(digest))
      return { ok: false, error: { kind: 'protocol', registry: repo.registry, message: `${digest} is not a digest.` } };
    const endpoint = resolveEndpoint(repo.registry, this.network);
    if (!endpoint.ok) return endpoint;
    const label = `The referrers of ${repoLabel(repo)}@${digest}`;
    // The referrers index may come in pages linked with `Link: <...>; rel="next"` ([DS] referrers).
    const walked = await walkPages<Descriptor>({
      first: new URL(`${endpoint.value.baseUrl}/v2/${repo.repository}/referrers/${digest}`),
      registry: repo.registry,
      label,
      limits: {
        maxPages: MAX_PAGES,
        maxItems: MAX_REFERRERS,
        maxBytes: MAX_REFERRERS_BYTES,
        maxPageBytes: MAX_MANIFEST_BYTES,
      },
      fetchPage: async (url, maxBodyBytes) => {
        const sent = await this.exchange(repo, endpoint.value, 'GET', url.href, OCI_INDEX, maxBodyBytes, signal);
        if (!sent.ok) return sent;
        const { response } = sent.value;
        if (response.status === 200) return { ok: true, value: response };
        // Kept as a bare status for the fallback below; other answers are the registry's failure.
        if (NO_REFERRERS_API.has(response.status))
          return {
            ok: false,
            error: { kind: 'notFound', registry: repo.registry, status: response.status, message: '' },
          };
        return { ok: false, error: await this.failure(repo, endpoint.value, sent.value, 'referrers', signal) };
      },
      parsePage: (body) => parseReferrersPage(body, label),
      keyOf: (d) => `${d.digest} ${d.artifactType ?? ''}`,
    });
    if (walked.ok) return { ok: true, value: walked.items };
    // A first answer that is no index, or a status that means "no such API": the registry has none.
    const noApi =
      walked.page === 0 && (walked.unusable === true || (walked.error.kind === 'notFound' && !walked.error.message));
    if (!noApi) {
      if (walked.error.message) return { ok: false, error: walked.error };
      const message = `${label}: a later page answered HTTP ${walked.error.status}.`;
      return { ok: false, error: { ...walked.error, kind: 'protocol', message } };
    }
    // No referrers API: the OCI 1.1 fallback is an index tagged `sha256-<hex>` ([DS] referrers tag schema).
    const fallback = await this.getManifest(repo, digest.replace(':', '-'), signal);
    if (!fallback.ok) return fallback.error.kind === 'notFound' ? { ok: true, value: [] } : fallback;
    const manifests = fallback.value.json.manifests ?? [];
    return { ok: true, value: manifests.map(toDescriptor).filter((d): d is Descriptor => d !== undefined) };
  }

  // -------------------------------------------------------------------------------------------
  // HTTP with authentication and redirects

  private offline(repo: RepositoryName): RegistryResult<never> | undefined {
    if (!this.network.offline) return undefined;
    return {
      ok: false,
      error: { kind: 'offline', registry: repo.registry, message: 'Offline mode: no registry is asked.' },
    };
  }

  private manifestUrl(endpoint: RegistryEndpoint, repo: RepositoryName, reference: string): string {
    return `${endpoint.baseUrl}/v2/${repo.repository}/manifests/${encodeURIComponent(reference).replace(/%3A/gi, ':')}`;
  }

  private mismatch(repo: RepositoryName, digest: string, why: string): RegistryResult<never> {
    return {
      ok: false,
      error: {
        kind: 'digestMismatch',
        registry: repo.registry,
        message: `${repoLabel(repo)}@${digest} failed verification: ${why}. Not trusting it.`,
      },
    };
  }

  private async exchange(
    repo: RepositoryName,
    endpoint: RegistryEndpoint,
    method: 'GET' | 'HEAD',
    url: string,
    accept: string,
    maxBodyBytes: number,
    signal?: AbortSignal,
    streamBody?: SendRequest['streamBody'],
  ): Promise<RegistryResult<Outcome>> {
    let current = new URL(url);
    const registryKey = `${endpoint.origin} ${repo.repository}`;
    // Authorization for hosts a redirect led to: anonymous tokens from their own challenge only.
    const hopAuthorizations = new Map<string, string>();
    const challenged = new Set<string>();
    let freshAuthorization: string | undefined;
    let credentials: RegistryCredentials | undefined;
    let withheld: string | undefined;
    // Before the first wave to an origin, one `GET /v2/` learns its challenge (distribution spec,
    // "API Version Check": a registry that wants authentication answers it 401 with
    // WWW-Authenticate), so no request of the wave goes out without the token it would be refused for.
    await this.ping(repo, endpoint, signal);
    // A registry that challenged once will challenge for this repository too: fetch its token
    // before the first request instead of after a 401 (one round trip less per repository).
    const knownChallenge = this.originChallenges.get(endpoint.origin);
    if (knownChallenge && !this.authorizations.has(registryKey)) {
      const early = await this.answerChallenge(
        repo,
        endpoint,
        current,
        { status: 401, headers: { 'www-authenticate': knownChallenge }, body: Buffer.alloc(0), url: current.href },
        true,
        signal,
      );
      // Not marked fresh: if the registry refuses it, the usual challenge path asks again.
      if (early.ok && early.value.authorization) {
        if (early.value.credentials) credentials = early.value.credentials;
        withheld = early.value.withheld;
        this.authorizations.set(registryKey, early.value.authorization);
      }
    }
    for (let redirects = 0; ;) {
      const atRegistry = current.origin === endpoint.origin;
      const authorization = atRegistry ? this.authorizations.get(registryKey) : hopAuthorizations.get(current.origin);
      const headers: Record<string, string> = { accept };
      if (authorization) headers.authorization = authorization;
      const sent = await this.transport.send({
        method,
        url: current.href,
        headers,
        registry: repo.registry,
        purpose: 'registry',
        maxBodyBytes,
        signal,
        streamBody,
      });
      if (!sent.ok) {
        if (!sent.error.cancelled && sent.error.kind === 'unreachable')
          this.health.failed(repo.registry, sent.error.message);
        return sent;
      }
      const response = sent.value;
      this.observe(repo, endpoint, response);

      if (REDIRECT_STATUSES.has(response.status) && response.headers.location) {
        if (++redirects > MAX_REDIRECTS) {
          return {
            ok: false,
            error: {
              kind: 'protocol',
              registry: repo.registry,
              message: `${current.host} redirected more than ${MAX_REDIRECTS} times.`,
            },
          };
        }
        let next: URL;
        try {
          next = new URL(response.headers.location, current);
        } catch {
          return {
            ok: false,
            error: {
              kind: 'protocol',
              registry: repo.registry,
              message: `${current.host} redirected to something that is not a URL.`,
            },
          };
        }
        if (!isTransportAllowed(next, this.network)) {
          return {
            ok: false,
            error: {
              kind: 'insecureRefused',
              registry: repo.registry,
              message: `${current.host} redirected to plain http on ${next.host}; refused.`,
            },
          };
        }
        current = next;
        continue;
      }

      if (response.status === 401) {
        if (authorization && authorization === freshAuthorization) {
          return { ok: true, value: { response, refusedFreshAuthorization: true, credentials, withheld } };
        }
        if (challenged.has(current.origin))
          return { ok: true, value: { response, refusedFreshAuthorization: false, credentials, withheld } };
        challenged.add(current.origin);
        if (authorization) {
          // A cached token the registry no longer takes: forget it and ask again.
          if (authorization.startsWith('Bearer ')) this.tokens.invalidate(authorization.slice(7));
          if (atRegistry) this.authorizations.delete(registryKey);
        }
        if (atRegistry) this.rememberChallenge(endpoint, response.headers['www-authenticate']);
        const answered = await this.answerChallenge(repo, endpoint, current, response, atRegistry, signal);
        if (!answered.ok) return answered;
        if (answered.value.credentials) credentials = answered.value.credentials;
        if (answered.value.withheld) withheld = answered.value.withheld;
        if (!answered.value.authorization)
          return { ok: true, value: { response, refusedFreshAuthorization: false, credentials, withheld } };
        freshAuthorization = answered.value.authorization;
        if (atRegistry) this.authorizations.set(registryKey, freshAuthorization);
        else hopAuthorizations.set(current.origin, freshAuthorization);
        continue;
      }
      return { ok: true, value: { response, refusedFreshAuthorization: false, credentials, withheld } };
    }
  }

  private rememberChallenge(endpoint: RegistryEndpoint, header: string | undefined): void {
    if (typeof header === 'string' && /^\s*(bearer|basic)\b/i.test(header))
      this.originChallenges.set(endpoint.origin, header);
  }

  /**
   * The origin's challenge, asked once per origin and shared: the ping is not tied to one caller's
   * signal (the door's request timeout bounds it), but a caller that gives up stops waiting for it.
   * A failed ping costs nothing more: the requests then learn the challenge from their own 401.
   */
  private async ping(repo: RepositoryName, endpoint: RegistryEndpoint, signal?: AbortSignal): Promise<void> {
    if (!this.pingOrigins || this.originChallenges.has(endpoint.origin)) return;
    let pinging = this.originPings.get(endpoint.origin);
    if (!pinging) {
      pinging = this.transport
        .send({
          method: 'GET',
          url: `${endpoint.baseUrl}/v2/`,
          headers: { accept: 'application/json' },
          registry: repo.registry,
          purpose: 'registry',
          maxBodyBytes: MAX_PING_BYTES,
        })
        .then((sent) => {
          if (sent.ok && sent.value.status === 401)
            this.rememberChallenge(endpoint, sent.value.headers['www-authenticate']);
        })
        .catch(() => undefined);
      this.originPings.set(endpoint.origin, pinging);
    }
    await untilAborted(pinging, signal);
  }

  private async answerChallenge(
    repo: RepositoryName,
    endpoint: RegistryEndpoint,
    at: URL,
    response: HttpExchange,
    atRegistry: boolean,
    signal?: AbortSignal,
  ): Promise<RegistryResult<{ authorization?: string; credentials?: RegistryCredentials; withheld?: string }>> {
    const challenge = pickChallenge(parseWwwAuthenticate(response.headers['www-authenticate']));
    if (!challenge) return { ok: true, value: {} };
    let credentials: RegistryCredentials | undefined;
    // Credentials belong to the host that answers (a mirror is a different host than docker.io);
    // a host a redirect led to gets none.
    if (atRegistry) {
      const lookup = await this.credentials.lookup(endpoint.host);
      if (!lookup.ok) {
        return {
          ok: false,
          error: {
            kind: 'unauthorized',
            registry: repo.registry,
            message: `${repoLabel(repo)} needs credentials, but looking them up failed: ${lookup.message}`,
          },
        };
      }
      credentials = lookup.credentials;
      if (credentials?.registryToken)
        return { ok: true, value: { authorization: `Bearer ${credentials.registryToken}`, credentials } };
    }
    if (challenge.scheme === 'bearer') {
      const realmText = challenge.params.realm;
      if (!realmText)
        return {
          ok: false,
          error: {
            kind: 'protocol',
            registry: repo.registry,
            message: `${at.host} asked for a bearer token without saying where to get one.`,
          },
        };
      let realm: URL;
      try {
        realm = new URL(realmText, at);
      } catch {
        return {
          ok: false,
          error: {
            kind: 'protocol',
            registry: repo.registry,
            message: `${at.host} named a token endpoint that is not a URL.`,
          },
        };
      }
      // Never send a password in clear text across a network: plain-http realms get none unless loopback.
      let sendable =
        credentials && (realm.protocol === 'https:' || isLoopbackHost(realm.host)) ? credentials : undefined;
      let withheld: string | undefined;
      if (sendable) {
        const scope = realmScope(endpoint.host, realm, this.network.trustedTokenRealms);
        if (!scope.send) {
          sendable = undefined;
          withheld = scope.why;
        }
      }
      const token = await this.tokens.token(
        {
          realm: realm.href,
          service: challenge.params.service,
          scope: `repository:${repo.repository}:pull`,
          registry: repo.registry,
          credentials: sendable,
        },
        signal,
      );
      if (!token.ok) {
        if (token.error.kind === 'rateLimited' || token.error.kind === 'unreachable')
          this.health.failed(repo.registry, token.error.message);
        return token;
      }
      return { ok: true, value: { authorization: `Bearer ${token.value}`, credentials: sendable, withheld } };
    }
    if (challenge.scheme === 'basic' && credentials?.username !== undefined) {
      const basic = Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64');
      return { ok: true, value: { authorization: `Basic ${basic}`, credentials } };
    }
    return { ok: true, value: { credentials } };
  }

  private observe(repo: RepositoryName, endpoint: RegistryEndpoint, response: HttpExchange): void {
    if (repo.registry === DOCKER_HUB) {
      const rateLimit = parseRateLimit(response.headers, this.now());
      if (rateLimit) this.health.dockerHubRateLimit(rateLimit);
    }
    if (response.status === 429) this.health.failed(repo.registry, `${endpoint.host} is rate limiting requests.`);
    else if (response.status >= 500)
      this.health.failed(repo.registry, `${endpoint.host} answered HTTP ${response.status}.`);
    else this.health.reachable(repo.registry);
  }

  /** Turns a non-success answer into an error value. */
  private async failure(
    repo: RepositoryName,
    endpoint: RegistryEndpoint,
    outcome: Outcome,
    what: 'manifest' | 'tags' | 'blob' | 'referrers',
    signal?: AbortSignal,
  ): Promise<RegistryError> {
    const { response } = outcome;
    const status = response.status;
    const label = repoLabel(repo);
    if (status === 404) {
      const code = errorCodeOf(response.body);
      let missing: RegistryError['missing'];
      if (code === 'NAME_UNKNOWN' || what === 'tags') missing = 'repository';
      else if (what === 'manifest') missing = await this.manifestOrRepositoryMissing(repo, endpoint, signal);
      else missing = 'manifest';
      const message =
        missing === 'repository'
          ? `${label} does not exist.`
          : what === 'blob'
            ? `${label} has no blob with that digest.`
            : `${label} has no such tag or digest.`;
      return { kind: 'notFound', registry: repo.registry, status, message, ...(missing ? { missing } : {}) };
    }
    if (status === 401 || status === 403) {
      // Docker Hub issues anonymous tokens for any name and then refuses them: for a repository
      // that does not exist as well as for a private one (docs/registries.md §3.6).
      // Mirrors of Docker Hub behave the same way when they front it with token auth.
      if (repo.registry === DOCKER_HUB && outcome.refusedFreshAuthorization) {
        const who = endpoint.mirror ? `The Docker Hub mirror ${endpoint.host}` : 'Docker Hub';
        return {
          kind: 'notFound',
          registry: repo.registry,
          status,
          missing: 'repository',
          message: `${who} refused ${repo.repository}: it does not exist, or it is private and ${outcome.credentials ? `the credentials from ${outcome.credentials.source} do not give access` : outcome.withheld ? `no credentials were sent: ${outcome.withheld}` : `no credentials were found for ${endpoint.host}`}.`,
        };
      }
      const withWhat = outcome.credentials
        ? `with the credentials from ${outcome.credentials.source}`
        : outcome.withheld
          ? `without credentials: ${outcome.withheld}`
          : 'without credentials (none found for this registry)';
      return {
        kind: 'unauthorized',
        registry: repo.registry,
        status,
        message: `${endpoint.host} refused access to ${repo.repository} ${withWhat}.`,
      };
    }
    if (status === 429) {
      const retryAfter = parseRetryAfter(response.headers['retry-after'], this.now());
      return {
        kind: 'rateLimited',
        registry: repo.registry,
        status,
        message: `${endpoint.host} is rate limiting requests${retryAfter !== undefined ? `; retry in ${retryAfter} s` : ''}.`,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      };
    }
    if (status >= 500)
      return {
        kind: 'unreachable',
        registry: repo.registry,
        status,
        message: `${endpoint.host} answered HTTP ${status}.`,
      };
    const code = errorCodeOf(response.body);
    return {
      kind: 'protocol',
      registry: repo.registry,
      status,
      message: `${endpoint.host} answered HTTP ${status}${code ? ` (${code})` : ''} for ${label}.`,
    };
  }

  /**
   * distribution answers MANIFEST_UNKNOWN for a tag of a repository that does not exist too, and a
   * HEAD has no body at all: the tag list tells the two apart.
   */
  private async manifestOrRepositoryMissing(
    repo: RepositoryName,
    endpoint: RegistryEndpoint,
    signal?: AbortSignal,
  ): Promise<'repository' | 'manifest' | undefined> {
    const url = new URL(`${endpoint.baseUrl}/v2/${repo.repository}/tags/list`);
    url.searchParams.set('n', '1');
    const sent = await this.exchange(repo, endpoint, 'GET', url.href, 'application/json', MAX_MANIFEST_BYTES, signal);
    if (!sent.ok) return undefined;
    if (sent.value.response.status === 404) return 'repository';
    if (sent.value.response.status === 200) return 'manifest';
    return undefined;
  }
}

/** `promise`, or earlier when `signal` aborts (the work behind `promise` goes on for others). */
function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = () => resolve();
    signal.addEventListener('abort', stop, { once: true });
    void promise.finally(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    });
  });
}
