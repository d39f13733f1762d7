// GET a JSON document from Docker Hub's web API through the network door (net/httpClient.ts): the
// door's deadline, retries (honouring both `Retry-After` and Hub's own `X-Retry-After`, a unix
// timestamp: docs/network.md) and body cap, and no credentials at all: Hub metadata is public and
// registry secrets must never reach another host.
import type { HttpClient, NetFailure } from '../net';
import { retryWaitMs } from '../net/retryAfter';
import type { RegistryError } from '../registry/types';

export interface HubHttpOptions {
  /** Overall deadline of one lookup, retries included (default: the door's). */
  timeoutMs?: number;
  maxAttempts: number;
  /** A retry time further away than this is not waited for: the caller gets `rateLimited`. */
  maxWaitMs: number;
  now: () => number;
}

export type HubHttpOutcome = { ok: true; json: unknown } | { ok: false; error: RegistryError };

/** Hub sends READMEs of up to 25 000 characters; anything near this is not a metadata answer. */
export const MAX_HUB_BODY_BYTES = 4 * 1024 * 1024;

export class HubHttp {
  /** After a 429, no request goes out before this time (ms): hammering only extends the ban. */
  private blockedUntil = 0;
  readonly host: string;

  constructor(
    private readonly http: HttpClient,
    baseUrl: URL,
    private readonly options: HubHttpOptions,
  ) {
    this.host = baseUrl.host;
  }

  /** Plain http only to loopback (test servers, local mirrors), as for registries (docs/network.md). */
  static checkBaseUrl(http: HttpClient, base: URL): RegistryError | undefined {
    if (http.allows(base)) return undefined;
    return {
      kind: 'insecureRefused',
      message: `Docker Hub API URL ${base.origin} is not https; only loopback hosts may use plain http.`,
      registry: base.host,
    };
  }

  async getJson(url: string, signal?: AbortSignal): Promise<HubHttpOutcome> {
    const blockedFor = this.blockedUntil - this.options.now();
    if (blockedFor > 0) return { ok: false, error: this.rateLimited(blockedFor) };
    // No Authorization, no cookies: nothing here may carry a registry credential (CONTRACT, Credentials).
    const sent = await this.http.send({
      method: 'GET',
      url,
      headers: { accept: 'application/json' },
      service: this.host,
      purpose: 'hub',
      maxBodyBytes: MAX_HUB_BODY_BYTES,
      signal,
      deadlineMs: this.options.timeoutMs,
      maxAttempts: this.options.maxAttempts,
      maxRetryWaitMs: this.options.maxWaitMs,
    });
    if (!sent.ok) return { ok: false, error: this.failure(sent.error) };
    const { status, headers, body } = sent.value;
    if (status >= 200 && status < 300) {
      try {
        return { ok: true, json: JSON.parse(body.toString('utf8')) };
      } catch {
        return {
          ok: false,
          error: this.error(
            'protocol',
            status,
            `Docker Hub (${this.host}) answered ${status} with a body that is not JSON.`,
          ),
        };
      }
    }
    if (status === 404)
      return {
        ok: false,
        error: this.error('notFound', status, `Docker Hub has no such repository or tag (${status}).`),
      };
    if (status === 401 || status === 403) {
      return {
        ok: false,
        error: this.error(
          'unauthorized',
          status,
          `Docker Hub refused the anonymous request (${status}): private or not public.`,
        ),
      };
    }
    if (status === 429) {
      const waitMs = retryWaitMs(headers, this.options.now());
      if (waitMs !== undefined) this.blockedUntil = Math.max(this.blockedUntil, this.options.now() + waitMs);
      return { ok: false, error: this.rateLimited(waitMs) };
    }
    if (status >= 500)
      return {
        ok: false,
        error: this.error('unreachable', status, `Docker Hub (${this.host}) failed with ${status}.`),
      };
    return {
      ok: false,
      error: this.error('protocol', status, `Docker Hub (${this.host}) answered ${status} unexpectedly.`),
    };
  }

  private failure(failure: NetFailure): RegistryError {
    switch (failure.kind) {
      case 'cancelled':
        return {
          kind: 'unreachable',
          message: 'The Docker Hub request was cancelled.',
          registry: this.host,
          cancelled: true,
        };
      case 'tooLarge':
        return {
          kind: 'protocol',
          message: `Docker Hub (${this.host}) sent an oversized answer.`,
          registry: this.host,
        };
      case 'insecureRefused':
        return { kind: 'insecureRefused', message: failure.message, registry: this.host };
      default:
        return { kind: 'unreachable', message: `Docker Hub: ${failure.message}`, registry: this.host };
    }
  }

  private error(kind: RegistryError['kind'], status: number, message: string): RegistryError {
    return { kind, message, registry: this.host, status };
  }

  private rateLimited(waitMs: number | undefined): RegistryError {
    const error: RegistryError = {
      kind: 'rateLimited',
      message: `Docker Hub (${this.host}) is rate limiting requests from this machine.`,
      registry: this.host,
      status: 429,
    };
    if (waitMs !== undefined) error.retryAfterSeconds = Math.max(0, Math.ceil(waitMs / 1000));
    return error;
  }
}
