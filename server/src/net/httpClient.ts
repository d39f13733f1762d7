// The one door every HTTP request of image-trust goes through (registries, token endpoints,
// Docker Hub's web API, end-of-life data, vulnerability data): undici loaded on the first request,
// a connection limit per origin, one retry policy (429 / 5xx / dropped connections, `Retry-After`
// honoured and capped), a cap on every body, an overall deadline per request on top of undici's
// idle timeouts, the run's budget, the plain-http rule, request counting and one User-Agent.
// Redirects are never followed here: a client that follows them decides what travels with them.
// API clients are thin adapters: they build URLs and headers and read the answer (docs/network.md).
import type { Agent, Dispatcher } from 'undici';
import { ConcurrencyLimit } from './concurrencyLimit';
import { isTransportAllowed } from './plainHttp';
import { USER_AGENT } from './productVersion';
import { retryWaitMs } from './retryAfter';
import { BudgetExhausted, DeadlinePassed, formatSeconds, unlimitedListeners, type RunBudget } from './runBudget';
import { undici } from './undici';

export interface HttpClientOptions {
  /** Default `image-trust/<version> (+…)`. */
  userAgent?: string;
  /** Requests in flight per origin (scheme://host:port); default 12. */
  connectionsPerOrigin?: number;
  /** Connect and response-headers timeout, ms (default 10 000). */
  connectTimeoutMs?: number;
  /** Longest pause inside a response body, ms (default 30 000). */
  bodyIdleTimeoutMs?: number;
  /** Overall deadline of one request, retries and waits for a connection slot included (default 30 000). */
  requestDeadlineMs?: number;
  /** Attempts per request on 429 / 5xx / dropped connections (default 3). */
  maxAttempts?: number;
  /** First backoff step, ms (default 500; doubles, plus jitter). */
  retryBaseDelayMs?: number;
  /** Longest wait before a retry, ms (default 10 000); a server that asks for longer gets no retry. */
  maxRetryWaitMs?: number;
  /** Hosts (host[:port]) that may be asked over plain http although not loopback. */
  insecureHosts?: readonly string[];
  /** Called before every attempt that goes out (retries included). */
  onRequest?: (info: RequestInfo) => void;
  now?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** A request body sent as is. */
  body?: string;
  /** A JSON request body (sets content-type); instead of `body`. */
  json?: unknown;
  /** Who the request is for, in messages and counts: a registry name, `hub.docker.com`, `api.osv.dev`. */
  service: string;
  /** What kind of request this is (counts and logs): `registry`, `token`, `hub`, `eol`, `osv`. */
  purpose: string;
  /** Bodies longer than this are refused unread (a `tooLarge` failure). Every request names its cap. */
  maxBodyBytes: number;
  signal?: AbortSignal;
  /** Overrides the client's overall deadline for this request. */
  deadlineMs?: number;
  /** Overrides the client's attempts (1: no retry). */
  maxAttempts?: number;
  /** Overrides the client's longest retry wait. */
  maxRetryWaitMs?: number;
  /**
   * Streams the body of the responses it accepts instead of buffering it (a layer blob): the
   * reader gets the chunks as they arrive, still under `maxBodyBytes`, the deadline and the
   * caller's signal. A reader that returns before the end closes the connection, so the rest is
   * never downloaded. Responses it declines (redirects, challenges, errors) are buffered as usual.
   * Once a body has started streaming the request is not retried (the reader has seen part of it).
   */
  streamBody?: (status: number, headers: Record<string, string>) => BodyReader | undefined;
}

/** Reads a streamed body; whatever it makes of the chunks it keeps itself. */
export type BodyReader = (chunks: AsyncIterable<Buffer>) => Promise<void>;

/** What happened to a streamed body. */
export interface StreamedBody {
  /** Bytes received (at most `maxBodyBytes`). */
  bytes: number;
  /** The body was read to its end (not stopped early by the reader). */
  complete: boolean;
  /** The reader's own failure (bad data), not the network's. */
  readerError?: unknown;
}

export interface HttpExchange {
  status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
  url: string;
  /** Set when the body went to `streamBody`'s reader (then `body` is empty). */
  streamed?: StreamedBody;
}

export type NetFailureKind =
  | 'unreachable' // DNS, refused, reset, TLS, idle timeout
  | 'timeout' // the request's overall deadline passed
  | 'budgetExhausted' // the run's network budget ran out
  | 'tooLarge' // the body is over the request's cap
  | 'insecureRefused' // plain http to a host that is neither loopback nor marked insecure
  | 'invalidUrl'
  | 'cancelled'; // the caller aborted, or the client was closed

export interface NetFailure {
  kind: NetFailureKind;
  /** A sentence for a person; never contains credentials. */
  message: string;
  service: string;
}

export type HttpOutcome = { ok: true; value: HttpExchange } | { ok: false; error: NetFailure };

export interface RequestInfo {
  method: string;
  /** The URL requested (no credentials are ever in URLs the adapters build). */
  url: string;
  service: string;
  /** Same as `service` (the registry's canonical name for registry and token requests). */
  registry: string;
  purpose: string;
  attempt: number;
}

export interface RequestCounts {
  total: number;
  /** Body bytes received, buffered and streamed (what actually came over the wire, decoded). */
  bytesReceived: number;
  byService: Record<string, number>;
  byPurpose: Record<string, number>;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
// Dropped connections are worth another try; refused connections and timeouts are not (they
// would only multiply the wait of someone who is offline).
const RETRY_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

class BodyTooLarge extends Error {}

/** A failure of the connection while a reader was consuming the body. */
class StreamBroken extends Error {
  constructor(readonly original: unknown) {
    super('the connection failed while the body was read');
  }
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
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

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Reads a body up to `maxBytes`; one byte more and it stops reading and throws. */
async function readCappedBody(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  received: (bytes: number) => void,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    received((chunk as Buffer).length);
    if (total > maxBytes) {
      body.destroy();
      throw new BodyTooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Hands a body to a reader chunk by chunk (pulled, so a slow reader slows the download instead of
 * piling it up in memory), at most `maxBytes`; a reader that stops early closes the connection.
 * Throws BodyTooLarge past the cap and StreamBroken when the connection fails under the reader.
 */
async function streamCappedBody(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  reader: BodyReader,
  received: (bytes: number) => void,
): Promise<StreamedBody> {
  const state: StreamedBody & { tooLarge: boolean; broken?: unknown } = { bytes: 0, complete: false, tooLarge: false };
  async function* chunks(): AsyncGenerator<Buffer> {
    const iterator = body[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = await iterator.next();
        } catch (error) {
          state.broken = error;
          throw new StreamBroken(error);
        }
        if (next.done) break;
        const chunk = next.value as Buffer;
        state.bytes += chunk.length;
        received(chunk.length);
        if (state.bytes > maxBytes) {
          state.tooLarge = true;
          throw new BodyTooLarge();
        }
        yield chunk;
      }
      state.complete = true;
    } finally {
      // Stopped early, over the cap or failed: nothing more is read, the connection is closed.
      if (!state.complete) body.destroy();
    }
  }
  try {
    await reader(chunks());
  } catch (error) {
    if (!state.tooLarge && state.broken === undefined) state.readerError = error;
  } finally {
    if (!state.complete) body.destroy();
  }
  if (state.tooLarge) throw new BodyTooLarge();
  if (state.broken !== undefined) throw state.broken;
  const { bytes, complete, readerError } = state;
  return readerError === undefined ? { bytes, complete } : { bytes, complete, readerError };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

type Attempt = { kind: 'response'; response: HttpExchange } | { kind: 'error'; error: NetFailure; retryable: boolean };

export class HttpClient {
  private agentInstance: Agent | undefined;
  private readonly limit: ConcurrencyLimit;
  /** Aborted by close(): every request still running ends. */
  private readonly lifetime = new AbortController();
  private readonly listeners = new Set<(info: RequestInfo) => void>();
  private readonly counts: RequestCounts = { total: 0, bytesReceived: 0, byService: {}, byPurpose: {} };
  private readonly settings: Required<Omit<HttpClientOptions, 'onRequest' | 'now'>>;
  private readonly now: () => number;
  private runSignal: AbortSignal | undefined;

  constructor(options: HttpClientOptions = {}) {
    // Every request in flight listens to the door's lifetime (close() ends them all).
    unlimitedListeners(this.lifetime.signal);
    this.settings = {
      userAgent: options.userAgent ?? USER_AGENT,
      connectionsPerOrigin: Math.max(1, Math.floor(options.connectionsPerOrigin ?? 12)),
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      bodyIdleTimeoutMs: options.bodyIdleTimeoutMs ?? 30_000,
      requestDeadlineMs: options.requestDeadlineMs ?? 30_000,
      maxAttempts: Math.max(1, options.maxAttempts ?? 3),
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      maxRetryWaitMs: options.maxRetryWaitMs ?? 10_000,
      insecureHosts: options.insecureHosts ?? [],
    };
    this.now = options.now ?? Date.now;
    this.limit = new ConcurrencyLimit(this.settings.connectionsPerOrigin);
    if (options.onRequest) this.listeners.add(options.onRequest);
  }

  get connectionsPerOrigin(): number {
    return this.settings.connectionsPerOrigin;
  }

  /**
   * From now on every request also ends when the budget runs out (a CLI run: one budget for the
   * whole run, so requests shared between callers end too). Undefined: no run budget.
   */
  useRunBudget(budget: RunBudget | undefined): void {
    this.runSignal = budget?.signal;
  }

  /** Whether `url` may be requested under the plain-http rule. */
  allows(url: URL): boolean {
    return isTransportAllowed(url, this.settings.insecureHosts);
  }

  /** Hears every attempt that goes out; returns a function that stops listening. */
  onRequest(listener: (info: RequestInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Attempts sent so far, in total and per service and purpose. */
  requestCounts(): RequestCounts {
    return {
      total: this.counts.total,
      bytesReceived: this.counts.bytesReceived,
      byService: { ...this.counts.byService },
      byPurpose: { ...this.counts.byPurpose },
    };
  }

  /** Ends every request still running and closes every connection; later requests fail as cancelled. */
  async close(): Promise<void> {
    this.lifetime.abort();
    const agent = this.agentInstance;
    this.agentInstance = undefined;
    await agent?.close().catch(() => undefined);
  }

  private get agent(): Agent {
    this.agentInstance ??= new (undici().Agent)({
      connect: { timeout: this.settings.connectTimeoutMs },
      headersTimeout: this.settings.connectTimeoutMs,
      bodyTimeout: this.settings.bodyIdleTimeoutMs,
      keepAliveTimeout: 10_000,
    });
    return this.agentInstance;
  }

  async send(req: HttpRequest): Promise<HttpOutcome> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return { ok: false, error: { kind: 'invalidUrl', service: req.service, message: `"${req.url}" is not a URL.` } };
    }
    if (url.username || url.password) {
      return {
        ok: false,
        error: { kind: 'invalidUrl', service: req.service, message: `A URL for ${url.host} carries credentials.` },
      };
    }
    if (!this.allows(url)) {
      return {
        ok: false,
        error: {
          kind: 'insecureRefused',
          service: req.service,
          message:
            url.protocol === 'http:'
              ? `Refusing plain http to ${url.host}: it is not a loopback address nor marked insecure.`
              : `Only https and http are supported (${url.protocol} for ${url.host}).`,
        },
      };
    }
    if (this.lifetime.signal.aborted) return { ok: false, error: this.cancelled(req) };
    const deadlineMs = req.deadlineMs ?? this.settings.requestDeadlineMs;
    // One controller per request, fed by the deadline, the caller and close(); its listeners are
    // removed when the request ends (AbortSignal.any on a long-lived signal keeps them around).
    const combined = new AbortController();
    const timer = setTimeout(() => combined.abort(new DeadlinePassed(deadlineMs)), deadlineMs);
    timer.unref?.();
    const sources = [this.lifetime.signal];
    if (this.runSignal) sources.push(this.runSignal);
    if (req.signal) sources.push(req.signal);
    const forward = (event: Event) => combined.abort((event.target as AbortSignal).reason);
    for (const source of sources) {
      if (source.aborted) combined.abort(source.reason);
      else source.addEventListener('abort', forward, { once: true });
    }
    try {
      return await this.sendWithRetries(req, url, combined.signal);
    } finally {
      clearTimeout(timer);
      for (const source of sources) source.removeEventListener('abort', forward);
    }
  }

  private async sendWithRetries(req: HttpRequest, url: URL, signal: AbortSignal): Promise<HttpOutcome> {
    const maxAttempts = Math.max(1, req.maxAttempts ?? this.settings.maxAttempts);
    const maxWait = req.maxRetryWaitMs ?? this.settings.maxRetryWaitMs;
    let last: HttpOutcome | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (signal.aborted) return { ok: false, error: this.aborted(req, url, signal) };
      const outcome = await this.limit.run(url.origin, () => this.once(req, url, attempt, signal), signal);
      if (!outcome) return { ok: false, error: this.aborted(req, url, signal) };
      const isLast = attempt === maxAttempts;
      if (outcome.kind === 'response') {
        const response = outcome.response;
        last = { ok: true, value: response };
        if (!RETRY_STATUSES.has(response.status) || isLast) return last;
        const serverWait = retryWaitMs(response.headers, this.now());
        // A server that wants a long pause gets it from the caller (who may report it), not from us.
        if (serverWait !== undefined && serverWait > maxWait) return last;
        await sleep(this.backoff(attempt, serverWait, maxWait), signal);
        continue;
      }
      last = { ok: false, error: outcome.error };
      if (!outcome.retryable || isLast) return last;
      await sleep(this.backoff(attempt, undefined, maxWait), signal);
    }
    return last ?? { ok: false, error: this.aborted(req, url, signal) };
  }

  private backoff(attempt: number, serverWaitMs: number | undefined, maxWait: number): number {
    const base = this.settings.retryBaseDelayMs;
    const exponential = base * 2 ** (attempt - 1);
    const wanted =
      serverWaitMs !== undefined ? Math.max(serverWaitMs, exponential) : exponential + Math.random() * base;
    return Math.min(wanted, maxWait);
  }

  private count(req: HttpRequest, url: URL, attempt: number): void {
    this.counts.total++;
    this.counts.byService[req.service] = (this.counts.byService[req.service] ?? 0) + 1;
    this.counts.byPurpose[req.purpose] = (this.counts.byPurpose[req.purpose] ?? 0) + 1;
    const info: RequestInfo = {
      method: req.method,
      url: url.href,
      service: req.service,
      registry: req.service,
      purpose: req.purpose,
      attempt,
    };
    for (const listener of this.listeners) {
      try {
        listener(info);
      } catch {
        // a listener's failure is not the request's
      }
    }
  }

  private async once(req: HttpRequest, url: URL, attempt: number, signal: AbortSignal): Promise<Attempt> {
    if (signal.aborted) return { kind: 'error', error: this.aborted(req, url, signal), retryable: false };
    this.count(req, url, attempt);
    const headers: Record<string, string> = { 'user-agent': this.settings.userAgent, ...req.headers };
    let body = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    let streaming = false;
    const received = (bytes: number) => {
      this.counts.bytesReceived += bytes;
    };
    try {
      const response = await undici().request(url, {
        method: req.method,
        headers,
        body,
        dispatcher: this.agent,
        signal,
      });
      const responseHeaders = flattenHeaders(response.headers);
      let responseBody: Buffer;
      let streamed: StreamedBody | undefined;
      const reader = req.method === 'HEAD' ? undefined : req.streamBody?.(response.statusCode, responseHeaders);
      if (req.method === 'HEAD') {
        await response.body.dump();
        responseBody = Buffer.alloc(0);
      } else if (reader) {
        // No refusal on a declared length here: a reader may find what it needs before the cap.
        streaming = true;
        streamed = await streamCappedBody(response.body, req.maxBodyBytes, reader, received);
        responseBody = Buffer.alloc(0);
      } else {
        const declared = Number(responseHeaders['content-length']);
        if (Number.isFinite(declared) && declared > req.maxBodyBytes) {
          response.body.destroy();
          throw new BodyTooLarge();
        }
        responseBody = await readCappedBody(response.body, req.maxBodyBytes, received);
      }
      const exchange: HttpExchange = {
        status: response.statusCode,
        headers: responseHeaders,
        body: responseBody,
        url: url.href,
      };
      if (streamed) exchange.streamed = streamed;
      return { kind: 'response', response: exchange };
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        return {
          kind: 'error',
          retryable: false,
          error: {
            kind: 'tooLarge',
            service: req.service,
            message: `${url.host} sent more than ${formatBytes(req.maxBodyBytes)}; refusing to read it.`,
          },
        };
      }
      if (signal.aborted) return { kind: 'error', retryable: false, error: this.aborted(req, url, signal) };
      const code = errorCode(err);
      return {
        kind: 'error',
        retryable: !streaming && code !== undefined && RETRY_ERROR_CODES.has(code),
        error: { kind: 'unreachable', service: req.service, message: describeNetworkError(err, url.host) },
      };
    }
  }

  private aborted(req: HttpRequest, url: URL, signal: AbortSignal): NetFailure {
    const reason: unknown = signal.reason;
    if (reason instanceof BudgetExhausted) {
      return {
        kind: 'budgetExhausted',
        service: req.service,
        message: `${url.host} had not answered when the network time budget (${formatSeconds(reason.budgetMs)}) ran out.`,
      };
    }
    if (reason instanceof DeadlinePassed) {
      return {
        kind: 'timeout',
        service: req.service,
        message: `${url.host} gave no complete answer within ${formatSeconds(reason.deadlineMs)}.`,
      };
    }
    return this.cancelled(req);
  }

  private cancelled(req: HttpRequest): NetFailure {
    return { kind: 'cancelled', service: req.service, message: 'The request was cancelled.' };
  }
}
