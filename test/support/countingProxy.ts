// A loopback HTTP proxy (reverse proxy: clients talk to it as if it were the registry) that logs
// every request by kind, so tests can count what a client really sent: "zero requests on the
// second run", "one request for ten concurrent calls". Optional delay to make a registry slow.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestKind =
  | 'ping'
  | 'manifestHead'
  | 'manifestGet'
  | 'manifestPut'
  | 'tags'
  | 'referrers'
  | 'blobHead'
  | 'blobGet'
  | 'blobUpload'
  | 'token'
  | 'other';

export interface RequestRecord {
  kind: RequestKind;
  method: string;
  /** Path and query as received. */
  path: string;
  /** The Authorization header as received (tests check where credentials went). */
  authorization?: string;
  /** Status the target answered, or 502 when it could not be reached. */
  status?: number;
  /** Body bytes the proxy passed on to the client (with what sat in socket buffers when it closed). */
  bytesSent?: number;
  /** The client closed the connection before the body ended (the proxy then closes its upstream too). */
  closedEarly?: boolean;
}

export interface CountingProxy {
  url: string;
  /** `127.0.0.1:PORT`, usable as a registry name in image references. */
  host: string;
  log: RequestRecord[];
  /** How many requests of a kind (or of all kinds) went through. */
  count(kind?: RequestKind): number;
  reset(): void;
  /** Milliseconds to wait before forwarding each request. */
  delayMs: number;
  /** The most requests that were open at the same time (concurrency-limit tests). */
  maxInFlight: number;
  stop(): Promise<void>;
}

export interface CountingProxyOptions {
  delayMs?: number;
  /** Picks the target per request path; default: always the target URL given. */
  route?: (path: string) => string;
  /**
   * Serve tags/list in pages (`n`, `last`) the way distribution v3 and the OCI spec do: Debian's
   * distribution 2.8 ignores `n` for tags and always answers the whole list. `link`: pages carry a
   * relative `Link: <...>; rel="next"`; `lastOnly`: no Link (older registries), the client must
   * continue with `last` itself.
   */
  paginateTags?: 'link' | 'lastOnly';
}

export function classifyRequest(method: string, path: string): RequestKind {
  const pathname = path.split('?')[0];
  if (pathname === '/v2/' || pathname === '/v2') return 'ping';
  if (!pathname.startsWith('/v2/')) return /token|auth/.test(pathname) ? 'token' : 'other';
  if (/^\/v2\/.+\/manifests\/[^/]+$/.test(pathname)) {
    if (method === 'HEAD') return 'manifestHead';
    if (method === 'GET') return 'manifestGet';
    if (method === 'PUT') return 'manifestPut';
    return 'other';
  }
  if (/^\/v2\/.+\/tags\/list$/.test(pathname)) return 'tags';
  if (/^\/v2\/.+\/referrers\/[^/]+$/.test(pathname)) return 'referrers';
  if (/^\/v2\/.+\/blobs\/uploads(\/|$)/.test(pathname)) return 'blobUpload';
  if (/^\/v2\/.+\/blobs\/[^/]+$/.test(pathname)) {
    if (method === 'HEAD') return 'blobHead';
    if (method === 'GET') return 'blobGet';
  }
  return 'other';
}

function servePaginatedTags(
  target: URL,
  path: string,
  requestHeaders: IncomingHttpHeaders,
  mode: 'link' | 'lastOnly',
  record: RequestRecord,
  res: import('node:http').ServerResponse,
): void {
  const asked = new URL(path, 'http://proxy.invalid');
  const upstream = httpRequest(
    { hostname: target.hostname, port: target.port, method: 'GET', path: asked.pathname, headers: requestHeaders },
    (upstreamRes) => {
      const chunks: Buffer[] = [];
      upstreamRes.on('data', (c: Buffer) => chunks.push(c));
      upstreamRes.on('end', () => {
        const body = Buffer.concat(chunks);
        record.status = upstreamRes.statusCode;
        if (upstreamRes.statusCode !== 200) {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          res.end(body);
          return;
        }
        const parsed = JSON.parse(body.toString('utf8')) as { name: string; tags: string[] | null };
        const all = [...(parsed.tags ?? [])].sort();
        const last = asked.searchParams.get('last');
        const n = asked.searchParams.has('n') ? Number(asked.searchParams.get('n')) : all.length;
        const after = last === null ? all : all.filter((t) => t > last);
        const page = after.slice(0, n);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (mode === 'link' && page.length > 0 && after.length > page.length) {
          headers.link = `<${asked.pathname}?n=${n}&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`;
        }
        res.writeHead(200, headers);
        res.end(JSON.stringify({ name: parsed.name, tags: page }));
      });
    },
  );
  upstream.on('error', () => {
    record.status = 502;
    res.writeHead(502);
    res.end();
  });
  upstream.end();
}

export async function startCountingProxy(
  targetUrl: string,
  options: CountingProxyOptions = {},
): Promise<CountingProxy> {
  const log: RequestRecord[] = [];
  const route = options.route ?? (() => targetUrl);
  let inFlight = 0;
  const proxy: CountingProxy = {
    url: '',
    host: '',
    log,
    delayMs: options.delayMs ?? 0,
    maxInFlight: 0,
    count: (kind) => (kind ? log.filter((r) => r.kind === kind).length : log.length),
    reset: () => void log.splice(0),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const record: RequestRecord = {
      kind: classifyRequest(method, path),
      method,
      path,
      authorization: req.headers.authorization,
    };
    log.push(record);
    inFlight++;
    proxy.maxInFlight = Math.max(proxy.maxInFlight, inFlight);
    res.once('close', () => inFlight--);
    const forward = () => {
      const target = new URL(route(path));
      if (options.paginateTags && record.kind === 'tags' && method === 'GET') {
        servePaginatedTags(target, path, req.headers, options.paginateTags, record, res);
        return;
      }
      // Keep the Host header so the registry builds Location URLs that point back at the proxy.
      const headers: IncomingHttpHeaders = { ...req.headers };
      const upstream = httpRequest(
        { hostname: target.hostname, port: target.port, method, path, headers },
        (upstreamRes) => {
          record.status = upstreamRes.statusCode;
          record.bytesSent = 0;
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.on('data', (chunk: Buffer) => (record.bytesSent! += chunk.length));
          res.once('close', () => {
            if (!upstreamRes.complete) {
              record.closedEarly = true;
              upstreamRes.destroy();
            }
          });
          upstreamRes.pipe(res);
        },
      );
      upstream.on('error', () => {
        record.status = 502;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('counting proxy: target unreachable');
      });
      req.pipe(upstream);
    };
    if (proxy.delayMs > 0) setTimeout(forward, proxy.delayMs);
    else forward();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.host = `127.0.0.1:${port}`;
  return proxy;
}
