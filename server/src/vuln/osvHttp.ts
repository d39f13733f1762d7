// The OSV API's HTTP exchanges as JSON, through the network door (docs/network.md): the door
// times out, retries, refuses plain http off loopback and caps every answer; this adapter only
// turns answers into JSON or a sentence.
import type { HttpClient } from '../net';

export type JsonResult = { ok: true; status: number; json: unknown } | { ok: false; message: string };

export class OsvHttp {
  constructor(private readonly http: HttpClient) {}

  async request(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<JsonResult> {
    const host = new URL(url).host;
    const result = await this.http.send({
      method,
      url,
      ...(body !== undefined ? { json: body } : {}),
      headers: { accept: 'application/json' },
      service: host,
      purpose: 'osv',
      maxBodyBytes: maxBytes,
      signal,
    });
    if (!result.ok) {
      if (result.error.kind === 'tooLarge')
        return {
          ok: false,
          message: `${host} sent more than ${Math.round(maxBytes / 1048576)} MiB; refusing to read it`,
        };
      return { ok: false, message: result.error.message };
    }
    const text = result.value.body.toString('utf8');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      if (result.value.status === 200) return { ok: false, message: `${host} answered something that is not JSON` };
    }
    return { ok: true, status: result.value.status, json };
  }
}
