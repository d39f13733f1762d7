// The real client against Debian's docker-registry without auth: digests of single- and
// multi-platform images, verified manifests and blobs, 404s, paginated tag lists, a docker.io
// mirror, the referrers fallback tag, the disk cache, in-flight sharing, offline and http refusal.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultNetworkSettings, type NetworkSettings } from '../../server/src/core/settings';
import { createRegistryClient, type RegistryClientOptions, type RequestInfo } from '../../server/src/registry';
import { digestOf } from '../../server/src/registry/digests';
import {
  isPing,
  MEDIA_TYPES,
  pushImage,
  pushReferrer,
  sha256Digest,
  startCountingProxy,
  startRegistry,
  tagExisting,
  type PushedImage,
  type TestRegistry,
} from '../support/registry';

let registry: TestRegistry;
let single: PushedImage;
let multi: PushedImage;
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-client-'));
  tempDirs.push(dir);
  return dir;
}

function network(overrides: Partial<NetworkSettings> = {}): NetworkSettings {
  return { ...defaultNetworkSettings(), cacheDir: '', dockerConfigDir: tempDir(), ...overrides };
}

function client(overrides: Partial<NetworkSettings> = {}, options: RegistryClientOptions = {}) {
  const requests: RequestInfo[] = [];
  const handle = createRegistryClient(network(overrides), {
    retryBaseDelayMs: 10,
    ...options,
    // The one GET /v2/ per origin is tested in originPing.test.ts; these tests count the rest.
    onRequest: (info) => void (isPing(info) || requests.push(info)),
  });
  return { handle, requests };
}

const repo = (repository: string) => ({ registry: registry.host, repository });

before(async () => {
  registry = await startRegistry();
  single = await pushImage(registry, 'team/app', '1.0', { configCreated: '2024-05-01T10:00:00Z' });
  multi = await pushImage(registry, 'team/multi', '2.0', {
    platforms: ['linux/amd64', 'linux/arm64/v8'],
    attestation: true,
  });
  await pushImage(registry, 'library/nginx', '1.27', { platforms: ['linux/amd64', 'linux/arm/v7'] });
});

after(async () => {
  await registry?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('digests', () => {
  test('a single-platform tag resolves to the sha256 of the manifest bytes pushed', async () => {
    const { handle } = client();
    const head = await handle.resolveDigest(repo('team/app'), '1.0');
    assert.ok(head.ok, JSON.stringify(head));
    assert.equal(head.value.digest, single.digest);
    assert.equal(head.value.digest, sha256Digest(single.body));
    assert.equal(head.value.mediaType, MEDIA_TYPES.ociManifest);
    assert.equal(head.value.size, single.body.length);
    await handle.dispose();
  });

  test('a multi-platform tag resolves to the index digest, not a platform manifest', async () => {
    const { handle, requests } = client();
    const head = await handle.resolveDigest(repo('team/multi'), '2.0');
    assert.ok(head.ok);
    assert.equal(head.value.digest, sha256Digest(multi.body));
    assert.equal(head.value.mediaType, MEDIA_TYPES.ociIndex);
    assert.ok(!Object.values(multi.manifestDigests).includes(head.value.digest));
    assert.deepEqual(
      requests.map((r) => r.method),
      ['HEAD'],
    );
    await handle.dispose();
  });

  test('the index lists each platform, with the attestation entry as unknown/unknown', async () => {
    const { handle } = client();
    const manifest = await handle.getManifest(repo('team/multi'), '2.0');
    assert.ok(manifest.ok);
    assert.equal(manifest.value.digest, multi.digest);
    assert.deepEqual(Buffer.from(manifest.value.body), multi.body);
    const platforms = manifest.value.json.manifests?.map(
      (m) => `${m.platform?.os}/${m.platform?.architecture}${m.platform?.variant ? `/${m.platform.variant}` : ''}`,
    );
    assert.deepEqual(platforms, ['linux/amd64', 'linux/arm64/v8', 'unknown/unknown']);
    assert.equal(manifest.value.json.manifests?.[2].annotations?.['vnd.docker.reference.type'], 'attestation-manifest');
    await handle.dispose();
  });

  test('a manifest fetched by digest is verified, and its config blob too', async () => {
    const { handle } = client();
    const digest = multi.manifestDigests['linux/arm64/v8'];
    const manifest = await handle.getManifest(repo('team/multi'), digest);
    assert.ok(manifest.ok);
    assert.equal(digestOf(manifest.value.body), digest);
    const configDigest = manifest.value.json.config?.digest;
    assert.equal(configDigest, multi.configDigests['linux/arm64/v8']);
    const blob = await handle.getBlob(repo('team/multi'), configDigest!);
    assert.ok(blob.ok);
    const config = JSON.parse(Buffer.from(blob.value).toString('utf8'));
    assert.equal(config.architecture, 'arm64');
    assert.equal(config.variant, 'v8');
    await handle.dispose();
  });

  test('resolving by digest confirms the digest exists', async () => {
    const { handle } = client();
    const head = await handle.resolveDigest(repo('team/app'), single.digest);
    assert.ok(head.ok);
    assert.equal(head.value.digest, single.digest);
    await handle.dispose();
  });
});

describe('not found', () => {
  test('an unknown tag of a known repository: notFound, missing manifest', async () => {
    const { handle } = client();
    const head = await handle.resolveDigest(repo('team/app'), 'no-such-tag');
    assert.ok(!head.ok);
    assert.equal(head.error.kind, 'notFound');
    assert.equal(head.error.missing, 'manifest');
    assert.equal(head.error.registry, registry.host);
    await handle.dispose();
  });

  test('an unknown repository: notFound, missing repository (HEAD, GET and tag list)', async () => {
    const { handle } = client();
    const head = await handle.resolveDigest(repo('team/nothing-here'), '1.0');
    assert.ok(!head.ok);
    assert.equal(head.error.kind, 'notFound');
    assert.equal(head.error.missing, 'repository');
    const manifest = await handle.getManifest(repo('team/nothing-here'), 'latest');
    assert.ok(!manifest.ok);
    assert.equal(manifest.error.missing, 'repository');
    const tags = await handle.listTags(repo('team/nothing-here'));
    assert.ok(!tags.ok);
    assert.equal(tags.error.kind, 'notFound');
    assert.equal(tags.error.missing, 'repository');
    await handle.dispose();
  });

  test('an unknown digest: notFound', async () => {
    const { handle } = client();
    const digest = sha256Digest('not a manifest');
    const head = await handle.resolveDigest(repo('team/app'), digest);
    assert.ok(!head.ok);
    assert.equal(head.error.kind, 'notFound');
    const blob = await handle.getBlob(repo('team/app'), digest);
    assert.ok(!blob.ok);
    assert.equal(blob.error.kind, 'notFound');
    await handle.dispose();
  });
});

describe('tag lists', () => {
  const tags = Array.from({ length: 130 }, (_, i) => `v1.${i}.0`);
  before(async () => {
    const first = await pushImage(registry, 'team/many', tags[0]);
    await tagExisting(registry, 'team/many', tags.slice(1), first.digest);
  });

  test('distribution 2.8 ignores n and sends all 130 tags at once: one request', async () => {
    registry.resetLog();
    const { handle } = client({}, { tagPageSize: 7 });
    const listed = await handle.listTags(repo('team/many'));
    assert.ok(listed.ok, JSON.stringify(listed));
    assert.deepEqual([...listed.value].sort(), [...tags].sort());
    assert.equal(registry.requestCount('tags'), 1);
    await handle.dispose();
  });

  for (const mode of ['link', 'lastOnly'] as const) {
    test(`more than 100 tags in pages of 7 (${mode === 'link' ? 'following Link' : 'no Link: continuing with last'})`, async () => {
      // The same registry storage, paged the way distribution v3 and the OCI spec do.
      const proxy = await startCountingProxy(registry.directUrl, { paginateTags: mode });
      try {
        const { handle } = client({}, { tagPageSize: 7 });
        const listed = await handle.listTags({ registry: proxy.host, repository: 'team/many' });
        assert.ok(listed.ok, JSON.stringify(listed));
        assert.deepEqual(listed.value, [...tags].sort());
        const pages = proxy.log.filter((r) => r.kind === 'tags');
        // 130 tags in pages of 7: 19 pages, the last one short (which also ends the no-Link walk).
        assert.equal(pages.length, 19);
        assert.ok(pages.every((p) => /[?&]n=7\b/.test(p.path)));
        assert.ok(pages.slice(1).every((p) => /[?&]last=/.test(p.path)));
        await handle.dispose();
      } finally {
        await proxy.stop();
      }
    });
  }
});

describe('mirrors and transport security', () => {
  test('docker.io through a mirror: library/nginx resolves against the mirror', async () => {
    const { handle, requests } = client({ registryMirrors: { 'docker.io': registry.url } });
    const head = await handle.resolveDigest({ registry: 'docker.io', repository: 'library/nginx' }, '1.27');
    assert.ok(head.ok, JSON.stringify(head));
    assert.equal(head.value.mediaType, MEDIA_TYPES.ociIndex);
    assert.ok(requests.every((r) => r.url.startsWith(`${registry.url}/v2/library/nginx/`)));
    await handle.dispose();
  });

  test('plain http to a host that is not loopback nor insecure is refused without a request', async () => {
    const { handle, requests } = client({ registryMirrors: { 'docker.io': 'http://mirror.example.internal:5000' } });
    const head = await handle.resolveDigest({ registry: 'docker.io', repository: 'library/nginx' }, '1.27');
    assert.ok(!head.ok);
    assert.equal(head.error.kind, 'insecureRefused');
    assert.match(head.error.message, /mirror\.example\.internal/);
    assert.equal(requests.length, 0);
    await handle.dispose();
  });

  test('offline: every call answers offline and nothing is sent', async () => {
    registry.resetLog();
    const { handle, requests } = client({ offline: true, cacheDir: tempDir() });
    const results = await Promise.all([
      handle.resolveDigest(repo('team/app'), '1.0'),
      handle.getManifest(repo('team/app'), '1.0'),
      handle.listTags(repo('team/app')),
      handle.getBlob(repo('team/app'), single.configDigests['linux/amd64']),
      handle.listReferrers(repo('team/app'), single.digest),
    ]);
    for (const result of results) {
      assert.ok(!result.ok);
      assert.equal(result.error.kind, 'offline');
    }
    assert.equal(requests.length, 0);
    assert.equal(registry.requestCount(), 0);
    await handle.dispose();
  });
});

describe('referrers', () => {
  test('without a referrers API the sha256-<hex> fallback tag lists them', async () => {
    const image = await pushImage(registry, 'team/signed', '1.0');
    const signature = await pushReferrer(
      registry,
      'team/signed',
      { digest: image.digest, mediaType: image.mediaType, size: image.size },
      'application/vnd.dev.sigstore.bundle.v0.3+json',
    );
    const { handle } = client();
    const referrers = await handle.listReferrers(repo('team/signed'), image.digest);
    assert.ok(referrers.ok, JSON.stringify(referrers));
    assert.deepEqual(
      referrers.value.map((d) => [d.digest, d.artifactType]),
      [[signature.digest, 'application/vnd.dev.sigstore.bundle.v0.3+json']],
    );
    const none = await handle.listReferrers(repo('team/app'), single.digest);
    assert.ok(none.ok);
    assert.deepEqual(none.value, []);
    await handle.dispose();
  });
});

describe('cache', () => {
  test('a second run served from the disk cache makes zero requests', async () => {
    const cacheDir = tempDir();
    const first = client({ cacheDir });
    const calls = async (handle: typeof first.handle) => [
      await handle.resolveDigest(repo('team/multi'), '2.0'),
      await handle.getManifest(repo('team/multi'), '2.0'),
      await handle.listTags(repo('team/app')),
      await handle.getBlob(repo('team/app'), single.configDigests['linux/amd64']),
      await handle.resolveDigest(repo('team/app'), 'no-such-tag'),
      await handle.listReferrers(repo('team/app'), single.digest),
    ];
    const fresh = await calls(first.handle);
    await first.handle.dispose();
    assert.ok(first.requests.length > 0);

    registry.resetLog();
    const second = client({ cacheDir });
    const cached = await calls(second.handle);
    assert.equal(second.requests.length, 0);
    assert.equal(registry.requestCount(), 0);
    assert.deepEqual(
      cached.map((r) => (r.ok ? JSON.stringify(r.value) : r.error.kind)),
      fresh.map((r) => (r.ok ? JSON.stringify(r.value) : r.error.kind)),
    );
    assert.ok(cached.slice(0, 4).every((r) => r.ok && r.fromCache === true));
    await second.handle.dispose();
  });

  test('a tag digest expires after its TTL; a digest never does', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const cacheDir = tempDir();
    const { handle, requests } = client({ cacheDir }, { now: () => now });
    assert.ok((await handle.resolveDigest(repo('team/app'), '1.0')).ok);
    assert.ok((await handle.getManifest(repo('team/app'), single.digest)).ok);
    const before = requests.length;
    now += 16 * 60_000;
    assert.ok((await handle.getManifest(repo('team/app'), single.digest)).ok);
    assert.equal(requests.length, before, 'by digest: still cached');
    assert.ok((await handle.resolveDigest(repo('team/app'), '1.0')).ok);
    assert.equal(requests.length, before + 1, 'by tag: asked again');
    await handle.dispose();
  });

  test('a corrupt cache file is ignored, not trusted', async () => {
    const cacheDir = tempDir();
    const first = client({ cacheDir });
    assert.ok((await first.handle.resolveDigest(repo('team/app'), '1.0')).ok);
    await first.handle.dispose();
    const { readdirSync, writeFileSync } = await import('node:fs');
    const root = join(cacheDir, 'registry-v1');
    for (const sub of readdirSync(root))
      for (const file of readdirSync(join(root, sub))) writeFileSync(join(root, sub, file), '{"key": broken');
    const second = client({ cacheDir });
    const head = await second.handle.resolveDigest(repo('team/app'), '1.0');
    assert.ok(head.ok);
    assert.equal(head.value.digest, single.digest);
    assert.equal(second.requests.length, 1);
    await second.handle.dispose();
  });

  test('concurrent identical calls share one request', async () => {
    registry.resetLog();
    const { handle, requests } = client();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => handle.resolveDigest(repo('team/multi'), '2.0')),
    );
    assert.ok(results.every((r) => r.ok && r.value.digest === multi.digest));
    assert.equal(requests.length, 1);
    assert.equal(registry.requestCount('manifestHead'), 1);
    await handle.dispose();
  });

  test('clearCache forgets disk answers', async () => {
    const cacheDir = tempDir();
    const { handle, requests } = client({ cacheDir });
    assert.ok((await handle.listTags(repo('team/app'))).ok);
    await handle.clearCache();
    assert.ok((await handle.listTags(repo('team/app'))).ok);
    assert.equal(requests.filter((r) => r.url.includes('/tags/list')).length, 2);
    await handle.dispose();
  });
});

describe('health', () => {
  test('an unreachable registry shows in health until it answers again', async () => {
    const { handle } = client({}, { maxAttempts: 1 });
    const changes: number[] = [];
    handle.onHealthChange(() => changes.push(handle.health().unreachable.length));
    const down = await handle.resolveDigest({ registry: '127.0.0.1:1', repository: 'x/y' }, '1.0');
    assert.ok(!down.ok);
    assert.equal(down.error.kind, 'unreachable');
    assert.deepEqual(
      handle.health().unreachable.map((u) => u.registry),
      ['127.0.0.1:1'],
    );
    assert.deepEqual(changes, [1]);
    await handle.dispose();
  });
});

describe('limits', () => {
  test('at most 12 requests in flight to one registry by default, fewer when configured', async () => {
    const slow = await startCountingProxy(registry.directUrl, { delayMs: 40 });
    try {
      const tags = Array.from({ length: 30 }, (_, i) => `missing-${i}`);
      const { handle } = client();
      const results = await Promise.all(
        tags.map((t) => handle.resolveDigest({ registry: slow.host, repository: 'team/app' }, t)),
      );
      assert.ok(results.every((r) => !r.ok && r.error.kind === 'notFound'));
      assert.ok(slow.maxInFlight <= 12, `max in flight ${slow.maxInFlight}`);
      assert.ok(slow.log.length >= 30);
      await handle.dispose();
      slow.maxInFlight = 0;
      const limited = client({ connectionsPerRegistry: 3 }).handle;
      await Promise.all(
        tags.map((t) => limited.resolveDigest({ registry: slow.host, repository: 'team/app' }, `${t}-b`)),
      );
      assert.ok(slow.maxInFlight <= 3, `max in flight ${slow.maxInFlight} with a limit of 3`);
      await limited.dispose();
    } finally {
      await slow.stop();
    }
  });

  test('a caller that aborts gets a cancelled answer; others sharing the request still get theirs', async () => {
    const slow = await startCountingProxy(registry.directUrl, { delayMs: 100 });
    try {
      const { handle } = client();
      const controller = new AbortController();
      const target = { registry: slow.host, repository: 'team/app' };
      const aborted = handle.resolveDigest(target, '1.0', controller.signal);
      const patient = handle.resolveDigest(target, '1.0');
      controller.abort();
      const [a, p] = await Promise.all([aborted, patient]);
      assert.ok(!a.ok && a.error.cancelled === true);
      assert.ok(p.ok && p.value.digest === single.digest);
      assert.equal(slow.count('manifestHead'), 1);
      assert.deepEqual(handle.health().unreachable, []);
      await handle.dispose();
    } finally {
      await slow.stop();
    }
  });
});
