// The network door against a loopback server: caps, the overall deadline against a slow drip, the
// run budget, retries with Retry-After, the plain-http rule, counting, the User-Agent, the
// per-origin connection limit and close(). No timing thresholds: only what happened.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, PRODUCT_VERSION, RunBudget, isTransportAllowed } from '../../server/src/net';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const routes = new Map<string, Handler>();
const seen: Array<{ path: string; headers: IncomingMessage['headers']; body: string }> = [];
let inFlight = 0;
let maxInFlight = 0;
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      seen.push({ path, headers: req.headers, body });
      const handler = routes.get(path);
      if (!handler) {
        res.writeHead(404);
        return res.end();
      }
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function drip(bytes: number, everyMs: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent++ >= bytes) {
        clearInterval(timer);
        return res.end();
      }
      res.write(' ');
    }, everyMs);
    res.once('close', () => clearInterval(timer));
  };
}

routes.set('/ok', (_req, res) => res.end('{"ok":true}'));
routes.set('/big-declared', (_req, res) => {
  res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) });
  res.end(Buffer.alloc(2 * 1024 * 1024, 0x20));
});
routes.set('/big-chunked', (_req, res) => {
  res.writeHead(200);
  for (let i = 0; i < 32; i++) res.write(Buffer.alloc(64 * 1024, 0x20));
  res.end();
});
routes.set('/drip', drip(10_000, 50));
routes.set('/echo', (req, res, body) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ contentType: req.headers['content-type'], body }));
});
let flaky = 0;
routes.set('/flaky', (_req, res) => {
  if (flaky++ % 2 === 0) {
    res.writeHead(503, { 'retry-after': '0' });
    return res.end();
  }
  res.end('{}');
});
routes.set('/banned', (_req, res) => {
  res.writeHead(429, { 'retry-after': '3600' });
  res.end();
});
routes.set('/slow', (_req, res) => {
  const timer = setTimeout(() => res.end('{}'), 60);
  res.once('close', () => clearTimeout(timer));
});
routes.set('/hang', () => undefined);

const get = (path: string, extra: Partial<Parameters<HttpClient['send']>[0]> = {}) => ({
  method: 'GET' as const,
  url: `${base}${path}`,
  service: 'test',
  purpose: 'test',
  maxBodyBytes: 1024 * 1024,
  ...extra,
});

test('every body is capped: a declared length over the cap and a chunked body over it are refused', async () => {
  const http = new HttpClient({ retryBaseDelayMs: 1 });
  const declared = await http.send(get('/big-declared'));
  assert.equal(!declared.ok && declared.error.kind, 'tooLarge');
  const chunked = await http.send(get('/big-chunked'));
  assert.equal(!chunked.ok && chunked.error.kind, 'tooLarge');
  const allowed = await http.send(get('/big-chunked', { maxBodyBytes: 4 * 1024 * 1024 }));
  assert.ok(allowed.ok && allowed.value.body.length === 2 * 1024 * 1024);
  await http.close();
});

test('a slow drip ends at the overall deadline although every byte comes before the idle timeout', async () => {
  const http = new HttpClient({ bodyIdleTimeoutMs: 30_000, requestDeadlineMs: 400 });
  const result = await http.send(get('/drip'));
  assert.ok(!result.ok);
  assert.equal(result.error.kind, 'timeout');
  assert.match(result.error.message, /no complete answer within 0\.4 s/);
  await http.close();
});

test('the run budget ends every request still running, and says so', async () => {
  const http = new HttpClient({ requestDeadlineMs: 60_000 });
  const budget = new RunBudget(300);
  const results = await Promise.all([
    http.send(get('/drip', { signal: budget.signal })),
    http.send(get('/hang', { signal: budget.signal })),
  ]);
  for (const r of results) assert.equal(!r.ok && r.error.kind, 'budgetExhausted');
  assert.ok(budget.exhausted);
  const later = await http.send(get('/ok', { signal: budget.signal }));
  assert.equal(!later.ok && later.error.kind, 'budgetExhausted', 'nothing new starts after the budget');
  budget.dispose();
  await http.close();
});

test('one retry policy: 503 with Retry-After 0 is retried; a Retry-After longer than the cap is not', async () => {
  const http = new HttpClient({ retryBaseDelayMs: 1, maxRetryWaitMs: 1000 });
  const before = seen.length;
  const retried = await http.send(get('/flaky'));
  assert.ok(retried.ok && retried.value.status === 200);
  assert.equal(seen.slice(before).filter((s) => s.path === '/flaky').length, 2);
  const banned = await http.send(get('/banned'));
  assert.ok(banned.ok && banned.value.status === 429, 'the 429 goes back to the caller');
  assert.equal(seen.filter((s) => s.path === '/banned').length, 1, 'no retry when asked to wait an hour');
  await http.close();
});

test('plain http only to loopback or insecure-marked hosts; nothing is sent otherwise', async () => {
  const counted: string[] = [];
  const http = new HttpClient({ onRequest: (i) => counted.push(i.url) });
  const refused = await http.send({ ...get('/ok'), url: 'http://registry.example.com/v2/' });
  assert.equal(!refused.ok && refused.error.kind, 'insecureRefused');
  assert.deepEqual(counted, []);
  assert.ok(isTransportAllowed(new URL('http://registry.example.com/'), ['registry.example.com']));
  assert.ok(isTransportAllowed(new URL('http://[::1]:5000/'), []));
  assert.ok(!isTransportAllowed(new URL('http://10.0.0.1:5000/'), []));
  assert.ok(!isTransportAllowed(new URL('ftp://127.0.0.1/'), []));
  const withCredentials = await http.send({ ...get('/ok'), url: `http://user:pw@${new URL(base).host}/ok` });
  assert.equal(!withCredentials.ok && withCredentials.error.kind, 'invalidUrl');
  await http.close();
});

test('counts every attempt per service and purpose, and names the product and version', async () => {
  const http = new HttpClient({ retryBaseDelayMs: 1 });
  const before = seen.length;
  await http.send(get('/ok', { service: 'registry.test', purpose: 'registry' }));
  await http.send(get('/flaky', { service: 'hub.test', purpose: 'hub' }));
  const counts = http.requestCounts();
  assert.equal(counts.byService['registry.test'], 1);
  assert.equal(counts.byPurpose.registry, 1);
  assert.equal(counts.total, seen.length - before);
  assert.equal(seen[before].headers['user-agent']?.startsWith(`image-trust/${PRODUCT_VERSION} `), true);
  await http.close();
});

test('POSTs JSON (the shape an OSV query takes)', async () => {
  const http = new HttpClient();
  const result = await http.send({ ...get('/echo'), method: 'POST', json: { package: { name: 'x' } } });
  assert.ok(result.ok);
  const echoed = JSON.parse(result.value.body.toString('utf8')) as { contentType: string; body: string };
  assert.equal(echoed.contentType, 'application/json');
  assert.deepEqual(JSON.parse(echoed.body), { package: { name: 'x' } });
  await http.close();
});

test('at most N requests in flight per origin', async () => {
  const http = new HttpClient({ connectionsPerOrigin: 2 });
  maxInFlight = 0;
  const results = await Promise.all(Array.from({ length: 8 }, () => http.send(get('/slow'))));
  assert.ok(results.every((r) => r.ok));
  assert.ok(maxInFlight <= 2, `max in flight ${maxInFlight}`);
  await http.close();
});

test('close() ends what is running and refuses what comes after', async () => {
  const http = new HttpClient({ requestDeadlineMs: 60_000 });
  const pending = http.send(get('/hang'));
  await new Promise((r) => setTimeout(r, 50));
  await http.close();
  const ended = await pending;
  assert.equal(!ended.ok && ended.error.kind, 'cancelled');
  const later = await http.send(get('/ok'));
  assert.equal(!later.ok && later.error.kind, 'cancelled');
});
