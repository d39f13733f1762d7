// Every answer is size-capped, and each cap has a test that fails when the cap is removed: the
// oversized answers here are otherwise valid (right digests, right shapes), so without the cap
// they would be accepted. Endless and garbage tag lists: cut and said, or a reported failure.
// Loopback fault servers only; bounded in requests and bytes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultNetworkSettings } from '../../server/src/core/settings';
import { createHubClient } from '../../server/src/hub/hubClient';
import { createRegistryClient, type RegistryClientOptions } from '../../server/src/registry';
import { EolRefresher } from '../../server/src/services/eolRefresh';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
let server: Server;
let host = '';
let route: Route = (_req, res) => res.writeHead(404).end();
const requests: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    // The client's one GET /v2/ per origin (test/registry/originPing.test.ts) is not counted here.
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    route(req, res, url);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const send = (res: ServerResponse, body: Buffer | string, headers: Record<string, string> = {}) => {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(data.length), ...headers });
  res.end(data);
};
/** Valid JSON of about `size` bytes: the object, then whitespace. */
const padded = (value: unknown, size: number) => {
  const text = JSON.stringify(value);
  return Buffer.concat([Buffer.from(text), Buffer.alloc(Math.max(0, size - text.length), 0x20)]);
};

function client(options: RegistryClientOptions = {}) {
  return createRegistryClient(
    { ...defaultNetworkSettings(), cacheDir: '', dockerConfigDir: '/nonexistent' },
    {
      retryBaseDelayMs: 1,
      ...options,
    },
  );
}
const repo = () => ({ registry: host, repository: 'team/app' });

describe('registry answers', () => {
  test('manifest: a valid 5 MiB manifest is refused (cap 4 MiB)', async () => {
    const manifest = padded(
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] },
      5 * MiB,
    );
    route = (_req, res) => send(res, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
    const handle = client();
    const result = await handle.getManifest(repo(), '1.0');
    assert.ok(!result.ok);
    assert.equal(result.error.kind, 'protocol');
    assert.match(result.error.message, /more than 4 MiB/);
    await handle.dispose();
  });

  test('blob: a 17 MiB config blob with the right digest is refused (cap 16 MiB)', async () => {
    const blob = padded({ architecture: 'amd64', os: 'linux' }, 17 * MiB);
    const digest = sha256(blob);
    route = (_req, res) => send(res, blob);
    const handle = client();
    const result = await handle.getBlob(repo(), digest);
    assert.ok(!result.ok);
    assert.match(result.error.message, /more than 16 MiB/);
    await handle.dispose();
  });

  test('tags page: a valid 5 MiB page is refused (cap 4 MiB per page)', async () => {
    route = (_req, res) => send(res, padded({ name: 'team/app', tags: ['1.0'] }, 5 * MiB));
    const handle = client();
    const result = await handle.listTags(repo());
    assert.ok(!result.ok);
    assert.match(result.error.message, /more than 4 MiB/);
    await handle.dispose();
  });

  test('tags total: an endless list is cut at 10 000 tags, early, and says so', async () => {
    requests.length = 0;
    route = (_req, res, url) => {
      const page = Number(url.searchParams.get('page') ?? '0');
      const tags = Array.from({ length: 1000 }, (_, i) => `${page}.${i}.0`);
      send(res, JSON.stringify({ name: 'team/app', tags }), {
        link: `</v2/team/app/tags/list?n=1000&page=${page + 1}>; rel="next"`,
      });
    };
    const handle = client();
    const result = await handle.listTags(repo());
    assert.ok(result.ok);
    assert.equal(result.value.length, 10_000);
    assert.match(result.notice ?? '', /more than 10000 entries; cut there/);
    assert.equal(requests.length, 11, 'stopped at the page that passed the cap');
    await handle.dispose();
  });

  test('tags total: pages that add up past 8 MiB are cut there', async () => {
    requests.length = 0;
    route = (_req, res, url) => {
      const page = Number(url.searchParams.get('page') ?? '0');
      send(res, padded({ name: 'team/app', tags: [`${page}.0.0`] }, 3 * MiB), {
        link: `</v2/team/app/tags/list?page=${page + 1}>; rel="next"`,
      });
    };
    const handle = client();
    const result = await handle.listTags(repo());
    assert.ok(result.ok);
    assert.deepEqual(result.value, ['0.0.0', '1.0.0']);
    assert.match(result.notice ?? '', /longer than 8192 KiB; cut there/);
    assert.equal(requests.length, 3);
    await handle.dispose();
  });

  test('a next page on another host is not followed', async () => {
    route = (_req, res) =>
      send(res, JSON.stringify({ tags: ['1.0'] }), { link: '<http://127.0.0.2:9/v2/team/app/tags/list>; rel="next"' });
    const handle = client();
    const result = await handle.listTags(repo());
    assert.ok(!result.ok);
    assert.match(result.error.message, /next page at another host/);
    await handle.dispose();
  });

  test('garbage tag lists are failures, never an empty list', async () => {
    const handle = client();
    for (const body of [
      '{"name":"team/app"}',
      '{"tags":"1.0"}',
      '{"tags":[{"name":"1.0"}]}',
      '{"tags":["1.0","not a tag!"]}',
      '["1.0"]',
      'null',
    ]) {
      route = (_req, res) => send(res, body);
      const result = await handle.listTags({ registry: host, repository: `team/app${requests.length}` });
      assert.ok(!result.ok, `${body} was taken as a tag list`);
      assert.equal(result.error.kind, 'protocol');
    }
    route = (_req, res) => send(res, '{"name":"team/app","tags":null}');
    const deleted = await handle.listTags({ registry: host, repository: 'team/deleted' });
    assert.ok(deleted.ok && deleted.value.length === 0, 'tags: null is a repository whose tags were deleted');
    await handle.dispose();
  });

  test('token: a 2 MiB token answer is refused (cap 1 MiB)', async () => {
    const token = padded({ token: 'x'.repeat(64), expires_in: 300 }, 2 * MiB);
    route = (req, res, url) => {
      if (url.pathname === '/token') return send(res, token);
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="test"` }).end();
    };
    const handle = client();
    const result = await handle.resolveDigest(repo(), '1.0');
    assert.ok(!result.ok);
    assert.match(result.error.message, /more than 1 MiB/);
    await handle.dispose();
  });
});

test('Docker Hub: a valid 5 MiB repository answer is refused (cap 4 MiB)', async () => {
  route = (_req, res) => send(res, padded({ name: 'app', namespace: 'team', star_count: 1, pull_count: 2 }, 5 * MiB));
  const hub = createHubClient({ hubUrl: `http://${host}`, offline: false, cacheDir: '', retryBackoffMs: 1 });
  const result = await hub.getRepository('team', 'app');
  assert.ok(!result.ok);
  assert.equal(result.error.kind, 'protocol');
  assert.match(result.error.message, /oversized/);
  await hub.dispose();
});

test('end of life: a valid 300 KiB answer is refused (cap 256 KiB), and the failure is said', async () => {
  const cycles = Array.from({ length: 5000 }, (_, i) => ({ cycle: `${i}`, eol: '2020-01-01', latest: `${i}.0.0` }));
  const body = Buffer.from(JSON.stringify(cycles));
  assert.ok(body.length > 256 * 1024 && body.length < 400 * 1024);
  route = (_req, res) => send(res, body);
  const recorded: string[] = [];
  const refresher = new EolRefresher({
    baseUrl: `http://${host}/api`,
    offline: false,
    losses: { record: (_service, message) => recorded.push(message), succeeded: () => undefined },
  });
  const redis = { registry: 'docker.io', repository: 'library/redis' };
  await refresher.refresh(redis);
  assert.equal(refresher.cyclesFor(redis), undefined);
  assert.equal(recorded.length, 1);
  assert.match(recorded[0], /more than 256 KiB/);
  await refresher.dispose();
});

test('end of life: plain http to a host that is not loopback is refused before a byte is sent', async () => {
  const recorded: string[] = [];
  const refresher = new EolRefresher({
    baseUrl: 'http://eol.example.com/api',
    offline: false,
    losses: { record: (_service, message) => recorded.push(message), succeeded: () => undefined },
  });
  await refresher.refresh({ registry: 'docker.io', repository: 'library/redis' });
  assert.match(recorded[0] ?? '', /Refusing plain http to eol\.example\.com/);
  await refresher.dispose();
});
