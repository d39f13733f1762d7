// One HTTP exchange with a registry or token endpoint (undici): timeouts, a per-origin concurrency
// limit, retries with exponential backoff and jitter on 429 / 5xx / dropped connections honouring
// `Retry-After` (capped), and a cap on body size. Redirects are NOT followed here: the registry
// client follows them itself so it can drop credentials when the host changes.
import type { Agent, Dispatcher } from 'undici';
import { undici } from './undici';
import { ConcurrencyLimit } from './concurrencyLimit';
import { parseRetryAfter } from './rateLimit';
import type { RegistryError, RegistryResult } from './types';

export interface HttpExchange {
  status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
  url: string;
}

export interface RequestInfo {
  method: string;
  /** The URL requested (no credentials are ever in URLs this client builds). */
  url: string;
  registry: string;
  purpose: 'registry' | 'token';
  attempt: number;
}

export interface TransportOptions {
  /** Connect and response-headers timeout (ms). */
  timeoutMs: number;
  /** Timeout between body chunks (ms). */
  bodyTimeoutMs: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  /** Longest wait before a retry; a longer `Retry-After` ends the retries. */
  maxRetryDelayMs: number;
  concurrencyPerOrigin: number;
  userAgent: string;
  onRequest?: (info: RequestInfo) => void;
}

export interface SendRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Canonical registry, for error values. */
  registry: string;
  purpose: 'registry' | 'token';
  maxBodyBytes: number;
  signal?: AbortSignal;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
// Dropped connections are worth another try; refused connections and timeouts are not (they
// would only multiply the wait of someone who is offline).
const RETRY_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

class BodyTooLarge extends Error {}

function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkError(err: unknown, host: string): string {
  const code = errorCode(err);
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Could not resolve ${host}.`;
    case 'ECONNREFUSED':
      return `${host} refused the connection.`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `Connecting to ${host} timed out.`;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `${host} did not answer in time.`;
    case 'UND_ERR_BODY_TIMEOUT':
      return `${host} stopped sending its answer.`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `${host} closed the connection.`;
    default:
      if (code && /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code))
        return `TLS with ${host} failed (${code}).`;
      return `Could not reach ${host}${code ? ` (${code})` : ''}.`;
  }
}

/** Waits `ms`, or less if `signal` aborts; never rejects. Shared with the Docker Hub client. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      body.destroy();
      throw new BodyTooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export class RegistryTransport {
  private agentInstance: Agent | undefined;
  private readonly limit: ConcurrencyLimit;

  constructor(private readonly options: TransportOptions) {
    this.limit = new ConcurrencyLimit(options.concurrencyPerOrigin);
  }

  private get agent(): Agent {
    this.agentInstance ??= new (undici().Agent)({
      connect: { timeout: this.options.timeoutMs },
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
      keepAliveTimeout: 10_000,
    });
    return this.agentInstance;
  }

  async close(): Promise<void> {
    await this.agentInstance?.close();
  }

  async send(req: SendRequest): Promise<RegistryResult<HttpExchange>> {
    const url = new URL(req.url);
    const origin = url.origin;
    let lastError: RegistryError | undefined;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      if (req.signal?.aborted)
        return {
          ok: false,
          error: {
            kind: 'unreachable',
            registry: req.registry,
            message: 'The request was cancelled.',
            cancelled: true,
          },
        };
      const outcome = await this.limit.run(origin, () => this.once(req, url, attempt));
      const isLast = attempt === this.options.maxAttempts;
      if (outcome.kind === 'response') {
        const response = outcome.response;
        if (!RETRY_STATUSES.has(response.status) || isLast) return { ok: true, value: response };
        const retryAfter = parseRetryAfter(response.headers['retry-after'], Date.now());
        if (retryAfter !== undefined && retryAfter * 1000 > this.options.maxRetryDelayMs)
          return { ok: true, value: response };
        await sleep(this.backoff(attempt, retryAfter), req.signal);
        continue;
      }
      lastError = outcome.error;
      if (!outcome.retryable || isLast) return { ok: false, error: outcome.error };
      await sleep(this.backoff(attempt, undefined), req.signal);
    }
    return {
      ok: false,
      error: lastError ?? { kind: 'unreachable', registry: req.registry, message: `Could not reach ${url.host}.` },
    };
  }

  private backoff(attempt: number, retryAfterSeconds: number | undefined): number {
    const exponential = this.options.retryBaseDelayMs * 2 ** (attempt - 1);
    const jitter = Math.random() * this.options.retryBaseDelayMs;
    const wanted =
      retryAfterSeconds !== undefined ? Math.max(retryAfterSeconds * 1000, exponential) : exponential + jitter;
    return Math.min(wanted, this.options.maxRetryDelayMs);
  }

  private async once(
    req: SendRequest,
    url: URL,
    attempt: number,
  ): Promise<
    { kind: 'response'; response: HttpExchange } | { kind: 'error'; error: RegistryError; retryable: boolean }
  > {
    this.options.onRequest?.({
      method: req.method,
      url: url.href,
      registry: req.registry,
      purpose: req.purpose,
      attempt,
    });
    try {
      const response = await undici().request(url, {
        method: req.method,
        headers: { 'user-agent': this.options.userAgent, ...req.headers },
        body: req.body,
        dispatcher: this.agent,
        signal: req.signal,
      });
      const headers = flattenHeaders(response.headers);
      const body =
        req.method === 'HEAD'
          ? (await response.body.dump(), Buffer.alloc(0))
          : await readBody(response.body, req.maxBodyBytes);
      return { kind: 'response', response: { status: response.statusCode, headers, body, url: url.href } };
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        return {
          kind: 'error',
          retryable: false,
          error: {
            kind: 'protocol',
            registry: req.registry,
            message: `${url.host} sent more than ${Math.round(req.maxBodyBytes / 1024)} KiB; refusing to read it.`,
          },
        };
      }
      if (req.signal?.aborted) {
        return {
          kind: 'error',
          retryable: false,
          error: {
            kind: 'unreachable',
            registry: req.registry,
            message: 'The request was cancelled.',
            cancelled: true,
          },
        };
      }
      const code = errorCode(err);
      return {
        kind: 'error',
        retryable: code !== undefined && RETRY_ERROR_CODES.has(code),
        error: { kind: 'unreachable', registry: req.registry, message: describeNetworkError(err, url.host) },
      };
    }
  }
}
