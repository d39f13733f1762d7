// The bearer-token flow of distribution's token spec ([DIST] auth/token.md, docs/registries.md §2.3-2.5):
// GET <realm>?service=..&scope=repository:<path>:pull, Basic credentials only to the realm host,
// OAuth2 POST with a refresh (identity) token, tokens cached until issued_at + expires_in.
import type { NetworkSettings } from '../core/settings';
import type { RegistryCredentials } from './credentials';
import { isTransportAllowed } from './endpoints';
import type { HttpExchange, RegistryTransport } from './transport';
import type { RegistryResult } from './types';

export interface TokenRequest {
  realm: string;
  service?: string;
  scope: string;
  /** Registry the token is for (messages and health). */
  registry: string;
  credentials?: RegistryCredentials;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

const DEFAULT_EXPIRES_IN_SECONDS = 60;
// Renew a little early so a token does not expire between cache lookup and use.
const EXPIRY_MARGIN_MS = 5_000;

function credentialIdentity(credentials: RegistryCredentials | undefined): string {
  if (!credentials) return 'anonymous';
  if (credentials.identityToken) return `identity:${credentials.source}`;
  return `user:${credentials.username ?? ''}@${credentials.source}`;
}

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<RegistryResult<string>>>();

  constructor(
    private readonly transport: RegistryTransport,
    private readonly network: NetworkSettings,
    private readonly now: () => number = Date.now,
  ) {}

  clear(): void {
    this.tokens.clear();
  }

  /** Forgets a token the registry refused, so the next request fetches a fresh one. */
  invalidate(token: string): void {
    for (const [key, cached] of this.tokens) if (cached.token === token) this.tokens.delete(key);
  }

  async token(req: TokenRequest, signal?: AbortSignal): Promise<RegistryResult<string>> {
    const key = JSON.stringify([req.realm, req.service ?? '', req.scope, credentialIdentity(req.credentials)]);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.now()) return { ok: true, value: cached.token };
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const fetching = this.fetch(req, signal).then((result) => {
      this.inFlight.delete(key);
      if (result.ok) this.tokens.set(key, result.value);
      return result.ok ? { ok: true as const, value: result.value.token } : result;
    });
    this.inFlight.set(key, fetching);
    return fetching;
  }

  private async fetch(req: TokenRequest, signal?: AbortSignal): Promise<RegistryResult<CachedToken>> {
    let realm: URL;
    try {
      realm = new URL(req.realm);
    } catch {
      return {
        ok: false,
        error: {
          kind: 'protocol',
          registry: req.registry,
          message: `The registry named a token endpoint that is not a URL.`,
        },
      };
    }
    if (!isTransportAllowed(realm, this.network)) {
      return {
        ok: false,
        error: {
          kind: 'insecureRefused',
          registry: req.registry,
          message: `Refusing to ask ${realm.host} for a token over plain http: it is not a loopback address.`,
        },
      };
    }
    const started = this.now();
    const credentials = req.credentials;
    let answer: RegistryResult<HttpExchange>;
    if (credentials?.identityToken) {
      answer = await this.postRefreshToken(realm, req, credentials.identityToken, signal);
      // Not every token server implements the OAuth2 POST ([DIST] oauth.md): fall back to GET.
      if (answer.ok && (answer.value.status === 404 || answer.value.status === 405))
        answer = await this.getToken(realm, req, undefined, signal);
    } else {
      const basic =
        credentials?.username !== undefined
          ? Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')
          : undefined;
      answer = await this.getToken(realm, req, basic, signal);
    }
    if (!answer.ok) return answer;
    const response = answer.value;
    if (response.status === 401 || response.status === 403) {
      const who = credentials ? `the credentials from ${credentials.source}` : 'anonymous access';
      return {
        ok: false,
        error: {
          kind: 'unauthorized',
          registry: req.registry,
          status: response.status,
          message: `${realm.host} refused a token for ${who}.`,
        },
      };
    }
    if (response.status === 429) {
      return {
        ok: false,
        error: {
          kind: 'rateLimited',
          registry: req.registry,
          status: 429,
          message: `${realm.host} is rate limiting token requests.`,
        },
      };
    }
    if (response.status !== 200) {
      return {
        ok: false,
        error: {
          kind: response.status >= 500 ? 'unreachable' : 'protocol',
          registry: req.registry,
          status: response.status,
          message: `${realm.host} answered the token request with HTTP ${response.status}.`,
        },
      };
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      body = JSON.parse(response.body.toString('utf8')) as typeof body;
    } catch {
      return {
        ok: false,
        error: {
          kind: 'protocol',
          registry: req.registry,
          message: `${realm.host} answered the token request with something that is not JSON.`,
        },
      };
    }
    // Some servers only set the OAuth2 name ([GGCR] bearer.go).
    const token =
      typeof body.token === 'string' && body.token
        ? body.token
        : typeof body.access_token === 'string'
          ? body.access_token
          : undefined;
    if (!token)
      return {
        ok: false,
        error: {
          kind: 'protocol',
          registry: req.registry,
          message: `${realm.host} answered the token request without a token.`,
        },
      };
    const expiresIn =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_EXPIRES_IN_SECONDS;
    const issuedAt = typeof body.issued_at === 'string' ? Date.parse(body.issued_at) : Number.NaN;
    // A server clock far off ours would make the token look expired at once; count from our clock then.
    const base = Number.isFinite(issuedAt) && Math.abs(issuedAt - started) < 10 * 60_000 ? issuedAt : started;
    return { ok: true, value: { token, expiresAt: base + expiresIn * 1000 } };
  }

  private getToken(
    realm: URL,
    req: TokenRequest,
    basic: string | undefined,
    signal?: AbortSignal,
  ): Promise<RegistryResult<HttpExchange>> {
    // The realm may carry its own query: append, never replace ([GGCR] bearer.go).
    const url = new URL(realm.href);
    if (req.service) url.searchParams.set('service', req.service);
    url.searchParams.append('scope', req.scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (basic) headers.authorization = `Basic ${basic}`;
    return this.transport.send({
      method: 'GET',
      url: url.href,
      headers,
      registry: req.registry,
      purpose: 'token',
      maxBodyBytes: 1024 * 1024,
      signal,
    });
  }

  private postRefreshToken(
    realm: URL,
    req: TokenRequest,
    refreshToken: string,
    signal?: AbortSignal,
  ): Promise<RegistryResult<HttpExchange>> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: 'image-trust',
      refresh_token: refreshToken,
      scope: req.scope,
    });
    if (req.service) form.set('service', req.service);
    return this.transport.send({
      method: 'POST',
      url: realm.href,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      registry: req.registry,
      purpose: 'token',
      maxBodyBytes: 1024 * 1024,
      signal,
    });
  }
}
