// The OSV API's HTTP exchanges: JSON in and out, with deadlines and a cap on every answer. Plain
// http only to loopback (a test fixture); the answer's size is refused beyond the cap, never read.
import { isLoopbackHost } from '../core/reference';
import { undici } from '../registry/undici';

export interface OsvHttpOptions {
  timeoutMs?: number;
  onRequest?: (info: { url: string; method: string }) => void;
}

export type JsonResult = { ok: true; status: number; json: unknown } | { ok: false; message: string };

export class OsvHttp {
  constructor(private readonly options: OsvHttpOptions = {}) {}

  async request(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<JsonResult> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)))
      return { ok: false, message: `${parsed.host}: plain http is allowed only to this machine` };
    this.options.onRequest?.({ url, method });
    const timeout = this.options.timeoutMs ?? 30_000;
    try {
      const response = await undici().request(url, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal,
      });
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.body.destroy();
        return {
          ok: false,
          message: `${parsed.host} sent more than ${Math.round(maxBytes / 1048576)} MiB; refusing to read it`,
        };
      }
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of response.body) {
        total += (chunk as Buffer).length;
        if (total > maxBytes) {
          response.body.destroy();
          return {
            ok: false,
            message: `${parsed.host} sent more than ${Math.round(maxBytes / 1048576)} MiB; refusing to read it`,
          };
        }
        chunks.push(chunk as Buffer);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        if (response.statusCode === 200)
          return { ok: false, message: `${parsed.host} answered something that is not JSON` };
      }
      return { ok: true, status: response.statusCode, json };
    } catch (error) {
      if (signal?.aborted) return { ok: false, message: 'cancelled' };
      const code = (error as { code?: string }).code;
      return { ok: false, message: `${parsed.host} could not be reached${code ? ` (${code})` : ''}` };
    }
  }
}
