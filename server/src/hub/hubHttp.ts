// GET a JSON document from Docker Hub's web API with the registry client's network rules: a
// timeout per attempt, at most 3 attempts, backoff on 429 and 5xx that honours both `Retry-After`
// and Hub's own `X-Retry-After` (a unix timestamp, not seconds: registry-facts §4.3), and no
// credentials at all: Hub metadata is public and registry secrets must never reach another host.
import type { Dispatcher } from 'undici';
import { sleep } from '../registry/transport';
import { undici } from '../registry/undici';
import { isLoopbackHost } from '../core/reference';
import type { RegistryError } from '../registry/types';

export interface HubHttpOptions {
  /** Per attempt. */
  timeoutMs: number;
  maxAttempts: number;
  /** First backoff when the server gives no retry time; doubles per attempt. */
  backoffMs: number;
  /** A retry time further away than this is not waited for: the caller gets `rateLimited`. */
  maxWaitMs: number;
  onRequest?: (url: string) => void;
  now: () => number;
}

export type HubHttpOutcome = { ok: true; json: unknown } | { ok: false; error: RegistryError };

/** Hub sends READMEs of up to 25 000 characters; anything near this is not a metadata answer. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const USER_AGENT = 'image-trust (+https://hub.docker.com metadata lookup)';
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

export class HubHttp {
  /** After a 429, no request goes out before this time (ms): hammering only extends the ban. */
  private blockedUntil = 0;
  readonly host: string;

  constructor(
    private readonly baseUrl: URL,
    private readonly options: HubHttpOptions,
  ) {
    this.host = baseUrl.host;
  }

  /** Plain http only to loopback (test servers, local mirrors), as for registries (registry-facts §8). */
  static checkBaseUrl(base: URL): RegistryError | undefined {
    if (base.protocol === 'https:') return undefined;
    if (base.protocol === 'http:' && isLoopbackHost(base.host)) return undefined;
    return {
      kind: 'insecureRefused',
      message: `Docker Hub API URL ${base.origin} is not https; only loopback hosts may use plain http.`,
      registry: base.host,
    };
  }

  async getJson(url: string, signal?: AbortSignal): Promise<HubHttpOutcome> {
    let lastError: RegistryError | undefined;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      const blockedFor = this.blockedUntil - this.options.now();
      if (blockedFor > 0) {
        if (blockedFor > this.options.maxWaitMs) return { ok: false, error: this.rateLimited(blockedFor) };
        await sleep(blockedFor, signal);
      }
      if (signal?.aborted) return { ok: false, error: this.cancelled() };
      const outcome = await this.attempt(url, signal);
      if (outcome.done) return outcome.result;
      lastError = outcome.error;
      if (attempt === this.options.maxAttempts) break;
      const wait = outcome.waitMs ?? this.options.backoffMs * 2 ** (attempt - 1);
      if (wait > this.options.maxWaitMs) break;
      await sleep(wait, signal);
    }
    return { ok: false, error: lastError ?? this.cancelled() };
  }

  private async attempt(
    url: string,
    signal: AbortSignal | undefined,
  ): Promise<{ done: true; result: HubHttpOutcome } | { done: false; error: RegistryError; waitMs?: number }> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    this.options.onRequest?.(url);
    let response: Dispatcher.ResponseData;
    let body: Buffer | undefined;
    try {
      // No Authorization, no cookies: nothing here may carry a registry credential (CONTRACT, Credentials).
      response = await undici().request(url, {
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': USER_AGENT },
        signal: combined,
      });
      body = await readCapped(response.body);
    } catch (error) {
      if (signal?.aborted) return { done: true, result: { ok: false, error: this.cancelled() } };
      if (timeout.aborted) {
        const message = `Docker Hub (${this.host}) did not answer within ${Math.round(this.options.timeoutMs / 1000)} s.`;
        return { done: true, result: { ok: false, error: { kind: 'unreachable', message, registry: this.host } } };
      }
      const code = (error as { code?: string }).code ?? '';
      const error_: RegistryError = {
        kind: 'unreachable',
        message: `Docker Hub (${this.host}) could not be reached${code ? ` (${code})` : ''}.`,
        registry: this.host,
      };
      if (code === 'BODY_TOO_LARGE') {
        return {
          done: true,
          result: {
            ok: false,
            error: { ...error_, kind: 'protocol', message: `Docker Hub (${this.host}) sent an oversized answer.` },
          },
        };
      }
      return TRANSIENT_CODES.has(code)
        ? { done: false, error: error_ }
        : { done: true, result: { ok: false, error: error_ } };
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      try {
        return { done: true, result: { ok: true, json: JSON.parse(body.toString('utf8')) } };
      } catch {
        return {
          done: true,
          result: {
            ok: false,
            error: this.error(
              'protocol',
              status,
              `Docker Hub (${this.host}) answered ${status} with a body that is not JSON.`,
            ),
          },
        };
      }
    }
    if (status === 404) {
      return {
        done: true,
        result: {
          ok: false,
          error: this.error('notFound', status, `Docker Hub has no such repository or tag (${status}).`),
        },
      };
    }
    if (status === 401 || status === 403) {
      return {
        done: true,
        result: {
          ok: false,
          error: this.error(
            'unauthorized',
            status,
            `Docker Hub refused the anonymous request (${status}): private or not public.`,
          ),
        },
      };
    }
    const waitMs = retryWaitMs(response.headers, this.options.now());
    if (status === 429) {
      if (waitMs !== undefined) this.blockedUntil = Math.max(this.blockedUntil, this.options.now() + waitMs);
      return { done: false, error: this.rateLimited(waitMs), waitMs };
    }
    if (status >= 500) {
      return {
        done: false,
        error: this.error('unreachable', status, `Docker Hub (${this.host}) failed with ${status}.`),
        waitMs,
      };
    }
    return {
      done: true,
      result: {
        ok: false,
        error: this.error('protocol', status, `Docker Hub (${this.host}) answered ${status} unexpectedly.`),
      },
    };
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

  private cancelled(): RegistryError {
    return {
      kind: 'unreachable',
      message: 'The Docker Hub request was cancelled.',
      registry: this.host,
      cancelled: true,
    };
  }
}

/**
 * Milliseconds until a retry is welcome. `Retry-After` is seconds or an HTTP date (RFC 9110);
 * Hub's `X-Retry-After` is a unix timestamp in seconds (registry-facts §4.3). When both are
 * present the later one wins.
 */
export function retryWaitMs(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const candidates: number[] = [];
  const retryAfter = single(headers['retry-after']);
  if (retryAfter !== undefined) {
    if (/^\d+$/.test(retryAfter)) candidates.push(Number(retryAfter) * 1000);
    else {
      const at = Date.parse(retryAfter);
      if (!Number.isNaN(at)) candidates.push(at - now);
    }
  }
  const xRetryAfter = single(headers['x-retry-after']);
  if (xRetryAfter !== undefined && /^\d+(\.\d+)?$/.test(xRetryAfter)) {
    const value = Number(xRetryAfter);
    // A small number cannot be a timestamp (before 2001); some proxies send seconds here.
    candidates.push(value > 1e9 ? value * 1000 - now : value * 1000);
  }
  if (candidates.length === 0) return undefined;
  return Math.max(0, ...candidates);
}

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.trim() || undefined;
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw Object.assign(new Error('body too large'), { code: 'BODY_TOO_LARGE' });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
