// Registry requests through the network door (net/httpClient.ts): what the door reports as a
// failure becomes a RegistryError value. Redirects are NOT followed by the door: the registry
// client follows them itself so it can drop credentials when the host changes.
import type { BodyReader, HttpClient, HttpExchange, NetFailure } from '../net';
import type { RegistryError, RegistryResult } from './types';

export type { HttpExchange, RequestInfo } from '../net';

export interface SendRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Canonical registry, for error values and counts. */
  registry: string;
  purpose: 'registry' | 'token';
  maxBodyBytes: number;
  signal?: AbortSignal;
  /** Streams the bodies it accepts (HttpRequest.streamBody). */
  streamBody?: (status: number, headers: Record<string, string>) => BodyReader | undefined;
}

export function registryErrorOf(failure: NetFailure, registry: string): RegistryError {
  switch (failure.kind) {
    case 'cancelled':
      return { kind: 'unreachable', registry, message: failure.message, cancelled: true };
    case 'tooLarge':
      return { kind: 'protocol', registry, message: failure.message, tooLarge: true };
    case 'invalidUrl':
      return { kind: 'protocol', registry, message: failure.message };
    case 'insecureRefused':
      return { kind: 'insecureRefused', registry, message: failure.message };
    default:
      // unreachable, timeout, budgetExhausted: the registry did not give a usable answer in time.
      return { kind: 'unreachable', registry, message: failure.message };
  }
}

export class RegistryTransport {
  constructor(readonly http: HttpClient) {}

  async send(req: SendRequest): Promise<RegistryResult<HttpExchange>> {
    const sent = await this.http.send({
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: req.body,
      service: req.registry,
      purpose: req.purpose,
      maxBodyBytes: req.maxBodyBytes,
      signal: req.signal,
      streamBody: req.streamBody,
    });
    return sent.ok ? sent : { ok: false, error: registryErrorOf(sent.error, req.registry) };
  }
}
