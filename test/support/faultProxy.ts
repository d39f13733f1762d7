// A loopback reverse proxy that injects faults between a client and a real server (the registry
// or the Docker Hub fixture): latency, error statuses, 429 with Retry-After, dropped connections,
// truncated or garbled bodies, headers that never come, a lying Docker-Content-Digest, redirects.
// Which fault applies is decided per request, so one proxy can fail some requests and pass others.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'pass' }
  | { kind: 'latency'; ms: number }
  /** Answer with this status and no upstream request (500, 502, 503, 429 with `retry-after` in headers). */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Close the connection without a byte of answer. */
  | { kind: 'reset' }
  /** Forward the status and headers (Content-Length included), then half the body, then close. */
  | { kind: 'truncate' }
  /** Forward the status, replace the body with text that is not JSON (and drop the digest header, whose check would catch it first). */
  | { kind: 'invalidJson' }
  /** Read the request and never answer. */
  | { kind: 'hangHeaders' }
  /** Forward, but claim another Docker-Content-Digest (a mirror that lies). */
  | { kind: 'wrongDigest'; digest: string }
  /** 307 to the same path on another origin. */
  | { kind: 'redirect'; toOrigin: string }
  /** Forward status and headers at once, then the body one byte per `everyMs` (a slow drip). */
  | { kind: 'drip'; everyMs: number }
  /** Answer 200 with this body and headers, without asking the target. */
  | { kind: 'answer'; body: string | Buffer; headers?: Record<string, string> };

export interface FaultRecord {
  method: string;
  path: string;
  authorization?: string;
  fault: Fault['kind'];
  at: number;
}

export interface FaultProxy {
  url: string;
  /** `127.0.0.1:PORT`, usable as a registry name in image references. */
  host: string;
  log: FaultRecord[];
  /** Requests whose path matches, or all. */
  count(match?: RegExp): number;
  /** Replaces the fault plan. */
  plan: (req: { method: string; path: string; n: number }) => Fault;
  stop(): Promise<void>;
}

export async function startFaultProxy(
  targetUrl: string,
  plan: FaultProxy['plan'] = () => ({ kind: 'pass' }),
): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const log: FaultRecord[] = [];
  const proxy: FaultProxy = {
    url: '',
    host: '',
    log,
    plan,
    count: (match) => (match ? log.filter((r) => match.test(r.path)).length : log.length),
    stop: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    shape: (status: number, headers: Record<string, string | string[] | undefined>, body: Buffer) => void,
  ) => {
    const upstream = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (upstreamRes) => {
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (c: Buffer) => chunks.push(c));
        upstreamRes.on('end', () =>
          shape(upstreamRes.statusCode ?? 502, { ...upstreamRes.headers }, Buffer.concat(chunks)),
        );
        upstreamRes.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('fault proxy: target unreachable');
    });
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const fault = proxy.plan({ method, path, n: log.length });
      log.push({ method, path, authorization: req.headers.authorization, fault: fault.kind, at: Date.now() });
      const body = Buffer.concat(chunks);
      const plain = (status: number, headers: Record<string, string | string[] | undefined>, data: Buffer) => {
        res.writeHead(status, headers);
        res.end(method === 'HEAD' ? undefined : data);
      };
      switch (fault.kind) {
        case 'pass':
          return forward(req, res, body, plain);
        case 'latency': {
          const timer = setTimeout(() => forward(req, res, body, plain), fault.ms);
          res.once('close', () => clearTimeout(timer));
          return;
        }
        case 'status': {
          const text =
            fault.body ?? JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: `injected ${fault.status}` }] });
          res.writeHead(fault.status, {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(text)),
            ...fault.headers,
          });
          return res.end(method === 'HEAD' ? undefined : text);
        }
        case 'reset':
          return req.socket.destroy();
        case 'hangHeaders':
          return; // the socket stays open until the client gives up or the proxy stops
        case 'truncate':
          return forward(req, res, body, (status, headers, data) => {
            if (method === 'HEAD' || data.length < 2) return req.socket.destroy();
            res.writeHead(status, { ...headers, 'content-length': String(data.length) });
            res.write(data.subarray(0, Math.floor(data.length / 2)), () => req.socket.destroy());
          });
        case 'invalidJson':
          return forward(req, res, body, (status, headers, data) => {
            const garbage = Buffer.from('<html>this is not json {"schemaVersion": 2, [</html>');
            const h: Record<string, string | string[] | undefined> = {
              ...headers,
              'content-length': String(
                method === 'HEAD' || data.length === 0 ? (headers['content-length'] ?? 0) : garbage.length,
              ),
            };
            delete h['docker-content-digest'];
            res.writeHead(status, h);
            res.end(method === 'HEAD' || data.length === 0 ? undefined : garbage);
          });
        case 'wrongDigest':
          return forward(req, res, body, (status, headers, data) => {
            if (headers['docker-content-digest']) headers['docker-content-digest'] = fault.digest;
            plain(status, headers, data);
          });
        case 'drip':
          return forward(req, res, body, (status, headers, data) => {
            res.writeHead(status, headers);
            if (method === 'HEAD') return res.end();
            let at = 0;
            const timer = setInterval(() => {
              if (at >= data.length) {
                clearInterval(timer);
                return res.end();
              }
              res.write(data.subarray(at, ++at));
            }, fault.everyMs);
            res.once('close', () => clearInterval(timer));
          });
        case 'answer': {
          const data = typeof fault.body === 'string' ? Buffer.from(fault.body) : fault.body;
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-length': String(data.length),
            ...fault.headers,
          });
          return res.end(method === 'HEAD' ? undefined : data);
        }
        case 'redirect':
          res.writeHead(307, { location: `${fault.toOrigin}${path}`, 'content-length': '0' });
          return res.end();
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
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
