// Registries that misbehave, played by small loopback servers written for each case (the real
// docker-registry never lies about digests nor redirects manifests): redirects to another host,
// bodies that do not match their digest, a missing Docker-Content-Digest, 503s and 429s.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultNetworkSettings, type NetworkSettings } from '../../server/src/core/settings';
import { createRegistryClient, type RegistryClientOptions, type RequestInfo } from '../../server/src/registry';
import { buildImage, sha256Digest } from '../support/ociImages';
import { isPing } from '../support/registry';

interface ScriptedServer {
  host: string;
  url: string;
  requests: Array<{ method: string; path: string; authorization?: string }>;
  stop(): Promise<void>;
}

async function scriptedServer(
  handler: (req: IncomingMessage, res: ServerResponse, self: ScriptedServer) => void,
): Promise<ScriptedServer> {
  const self: ScriptedServer = { host: '', url: '', requests: [], stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    // The client's one GET /v2/ per origin (test/registry/originPing.test.ts) is answered as a
    // registry without authentication answers it, and left out of the script and the counts.
    if (req.url === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    self.requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', authorization: req.headers.authorization });
    handler(req, res, self);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  self.host = `127.0.0.1:${port}`;
  self.url = `http://${self.host}`;
  self.stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  servers.push(self);
  return self;
}

const servers: ScriptedServer[] = [];
const tempDirs: string[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function clientFor(
  overrides: Partial<NetworkSettings> = {},
  options: RegistryClientOptions = {},
  config: unknown = {},
) {
  const configDir = mkdtempSync(join(tmpdir(), 'image-trust-faults-'));
  tempDirs.push(configDir);
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(config));
  const requests: RequestInfo[] = [];
  const handle = createRegistryClient(
    { ...defaultNetworkSettings(), cacheDir: '', dockerConfigDir: configDir, ...overrides },
    {
      retryBaseDelayMs: 5,
      maxRetryDelayMs: 2000,
      ...options,
      onRequest: (info) => void (isPing(info) || requests.push(info)),
    },
  );
  return { handle, requests };
}

const image = buildImage('linux/amd64', { created: '2025-02-02T00:00:00Z' });
const manifestBytes = image.manifest.bytes;
const manifestDigest = image.manifest.digest;
const basic = `Basic ${Buffer.from('alice:s3cret-alice').toString('base64')}`;

test('a redirect to another host does not carry the Authorization header there', async () => {
  const storage = await scriptedServer((req, res) => {
    res.writeHead(200, { 'content-type': image.manifest.mediaType, 'docker-content-digest': manifestDigest });
    res.end(req.method === 'HEAD' ? undefined : manifestBytes);
  });
  const front = await scriptedServer((req, res) => {
    if (req.headers.authorization !== basic) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="front"' });
      return res.end();
    }
    res.writeHead(307, { location: `${storage.url}/storage${req.url}` });
    res.end();
  });
  const { handle } = clientFor(
    {},
    {},
    { auths: { [front.host]: { auth: Buffer.from('alice:s3cret-alice').toString('base64') } } },
  );
  const manifest = await handle.getManifest({ registry: front.host, repository: 'team/app' }, 'v1');
  assert.ok(manifest.ok, JSON.stringify(manifest));
  assert.equal(manifest.value.digest, manifestDigest);
  assert.ok(
    front.requests.some((r) => r.authorization === basic),
    'the registry got its credentials',
  );
  assert.ok(storage.requests.length > 0);
  assert.ok(
    storage.requests.every((r) => r.authorization === undefined),
    'the other host got none',
  );
  await handle.dispose();
});

test('a redirected host that challenges gets an anonymous token from its own realm, never the credentials', async () => {
  const tokens = await scriptedServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: 'storage-token', expires_in: 300 }));
  });
  const storage = await scriptedServer((req, res) => {
    if (req.headers.authorization !== 'Bearer storage-token') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="storage"` });
      return res.end();
    }
    res.writeHead(200, { 'content-type': image.manifest.mediaType });
    res.end(manifestBytes);
  });
  const front = await scriptedServer((req, res) => {
    if (req.headers.authorization !== basic) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="front"' });
      return res.end();
    }
    res.writeHead(302, { location: `${storage.url}${req.url}` });
    res.end();
  });
  const { handle } = clientFor(
    {},
    {},
    { auths: { [front.host]: { auth: Buffer.from('alice:s3cret-alice').toString('base64') } } },
  );
  const manifest = await handle.getManifest({ registry: front.host, repository: 'team/app' }, 'v1');
  assert.ok(manifest.ok, JSON.stringify(manifest));
  assert.equal(manifest.value.digest, manifestDigest, 'no Docker-Content-Digest: the sha256 of the bytes');
  assert.equal(tokens.requests.length, 1);
  assert.equal(tokens.requests[0].authorization, undefined);
  assert.ok(storage.requests.every((r) => r.authorization === undefined || r.authorization === 'Bearer storage-token'));
  await handle.dispose();
});

test('a body that does not hash to the digest is digestMismatch, never a digest', async () => {
  const tampered = Buffer.from(manifestBytes.toString('utf8').replace('"schemaVersion": 2', '"schemaVersion":  2'));
  const liar = await scriptedServer((req, res) => {
    res.writeHead(200, { 'content-type': image.manifest.mediaType, 'docker-content-digest': manifestDigest });
    res.end(req.method === 'HEAD' ? undefined : tampered);
  });
  const { handle } = clientFor();
  const repo = { registry: liar.host, repository: 'team/app' };
  const byTag = await handle.getManifest(repo, 'v1');
  assert.ok(!byTag.ok);
  assert.equal(byTag.error.kind, 'digestMismatch');
  const byDigest = await handle.getManifest(repo, manifestDigest);
  assert.ok(!byDigest.ok);
  assert.equal(byDigest.error.kind, 'digestMismatch');
  const blob = await handle.getBlob(repo, image.config.digest);
  assert.ok(!blob.ok);
  assert.equal(blob.error.kind, 'digestMismatch');
  // Not cached either: asking again asks the registry again.
  const before = liar.requests.length;
  await handle.getManifest(repo, manifestDigest);
  assert.equal(liar.requests.length, before + 1);
  await handle.dispose();
});

test('no Docker-Content-Digest on HEAD: GET and hash the exact bytes', async () => {
  const quiet = await scriptedServer((req, res) => {
    res.writeHead(200, { 'content-type': image.manifest.mediaType });
    res.end(req.method === 'HEAD' ? undefined : manifestBytes);
  });
  const { handle, requests } = clientFor();
  const head = await handle.resolveDigest({ registry: quiet.host, repository: 'team/app' }, 'v1');
  assert.ok(head.ok);
  assert.equal(head.value.digest, sha256Digest(manifestBytes));
  assert.deepEqual(
    requests.map((r) => r.method),
    ['HEAD', 'GET'],
  );
  await handle.dispose();
});

test('503 then success: retried with backoff', async () => {
  let calls = 0;
  const flaky = await scriptedServer((req, res) => {
    calls++;
    if (calls < 3) {
      res.writeHead(503);
      return res.end();
    }
    res.writeHead(200, { 'content-type': image.manifest.mediaType, 'docker-content-digest': manifestDigest });
    res.end();
  });
  const { handle, requests } = clientFor();
  const head = await handle.resolveDigest({ registry: flaky.host, repository: 'team/app' }, 'v1');
  assert.ok(head.ok, JSON.stringify(head));
  assert.deepEqual(
    requests.map((r) => r.attempt),
    [1, 2, 3],
  );
  await handle.dispose();
});

test('429 with Retry-After: retried after it; a Retry-After beyond the cap ends in rateLimited', async () => {
  let calls = 0;
  const limited = await scriptedServer((req, res) => {
    calls++;
    if (req.url?.includes('/patient/') && calls === 1) {
      res.writeHead(429, { 'retry-after': '1' });
      return res.end();
    }
    if (req.url?.includes('/never/')) {
      res.writeHead(429, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() });
      return res.end('{"errors":[{"code":"TOOMANYREQUESTS"}]}');
    }
    res.writeHead(200, { 'content-type': image.manifest.mediaType, 'docker-content-digest': manifestDigest });
    res.end();
  });
  const { handle, requests } = clientFor({}, { maxRetryDelayMs: 2000 });
  const patient = await handle.resolveDigest({ registry: limited.host, repository: 'patient/app' }, 'v1');
  assert.ok(patient.ok, JSON.stringify(patient));
  assert.equal(requests.length, 2);
  const never = await handle.resolveDigest({ registry: limited.host, repository: 'never/app' }, 'v1');
  assert.ok(!never.ok);
  assert.equal(never.error.kind, 'rateLimited');
  assert.ok(never.error.retryAfterSeconds !== undefined && never.error.retryAfterSeconds > 3000);
  assert.equal(requests.length, 3, 'no retry when the registry asks for an hour');
  assert.deepEqual(
    handle.health().unreachable.map((u) => u.registry),
    [limited.host],
  );
  await handle.dispose();
});

test("Docker Hub's rate-limit headers reach health (through a docker.io mirror)", async () => {
  const hub = await scriptedServer((req, res) => {
    res.writeHead(200, {
      'content-type': image.manifest.mediaType,
      'docker-content-digest': manifestDigest,
      'ratelimit-limit': '100;w=21600',
      'ratelimit-remaining': '76;w=21600',
    });
    res.end();
  });
  const { handle } = clientFor({ registryMirrors: { 'docker.io': hub.url } });
  let changes = 0;
  handle.onHealthChange(() => changes++);
  assert.ok((await handle.resolveDigest({ registry: 'docker.io', repository: 'library/nginx' }, '1.27')).ok);
  const rateLimit = handle.health().dockerHubRateLimit;
  assert.equal(rateLimit?.limit, 100);
  assert.equal(rateLimit?.remaining, 76);
  assert.equal(rateLimit?.windowSeconds, 21600);
  assert.equal(changes, 1);
  await handle.dispose();
});

test('a tag list whose next page points at another host is refused', async () => {
  const elsewhere = await scriptedServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"tags":["stolen"]}');
  });
  const tricky = await scriptedServer((req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      link: `<${elsewhere.url}/v2/team/app/tags/list?n=2&last=b>; rel="next"`,
    });
    res.end('{"name":"team/app","tags":["a","b"]}');
  });
  const { handle } = clientFor({}, { tagPageSize: 2 });
  const tags = await handle.listTags({ registry: tricky.host, repository: 'team/app' });
  assert.ok(!tags.ok);
  assert.equal(tags.error.kind, 'protocol');
  assert.equal(elsewhere.requests.length, 0);
  await handle.dispose();
});

test('a slow registry times out as unreachable', async () => {
  const slow = await scriptedServer(() => {
    // never answers
  });
  const { handle } = clientFor({}, { timeoutMs: 200, maxAttempts: 1 });
  const head = await handle.resolveDigest({ registry: slow.host, repository: 'team/app' }, 'v1');
  assert.ok(!head.ok);
  assert.equal(head.error.kind, 'unreachable');
  assert.match(head.error.message, /did not answer in time/);
  await handle.dispose();
});
