// A team-wide cache on a real engine: Debian's docker-registry run as Docker's pull-through cache
// (`proxy.remoteurl`, https://distribution.github.io/distribution/recipes/mirror/) in front of an
// upstream registry, used by several image-trust clients as their docker.io mirror. Each client
// keeps its own disk cache (per machine); the shared cache is the proxy registry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubServer, type HubTestServer } from '../support/hubServer';
import { runCli } from '../support/runCli';
import { pushImage, startRegistry, tagExisting, type TestRegistry } from '../support/registry';

let upstream: TestRegistry;
let pullThrough: TestRegistry;
let hub: HubTestServer;
let dir: string;
const cacheDirs: string[] = [];
const digests: Record<string, string> = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-ptc-'));
  [upstream, hub] = await Promise.all([startRegistry(), startHubServer()]);
  // Distinct push dates give each image a config blob of its own: distribution links a blob to a
  // repository when it fetched it for that repository, and two repositories asking for the same
  // blob at once leave the second unlinked (it is fetched again later), which is the proxy's
  // business, not what this test measures.
  let day = 1;
  const seed = async (repo: string, tag: string, extra: string[] = []) => {
    const created = `2026-10-${String(day++).padStart(2, '0')}T00:00:00Z`;
    // The same goes for layers (vulnerable-image reads them when an image has no SBOM): a salt
    // gives each image a layer of its own.
    const pushed = await pushImage(upstream, repo, tag, { created, salt: `${repo}:${tag}` });
    if (extra.length) await tagExisting(upstream, repo, extra, pushed.digest);
    digests[`${repo}:${tag}`] = pushed.digest;
  };
  await seed('library/nginx', '1.27.3', ['1.27', 'latest']);
  await seed('library/nginx', '1.27.2');
  await seed('library/redis', '7.4.1', ['7.4']);
  // The proxy reaches the upstream through its counting proxy, so every request that leaves the
  // team's cache is counted.
  pullThrough = await startRegistry({ proxyRemoteUrl: upstream.url });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM nginx:1.27.2\nFROM nginx:latest\nFROM redis:7.4\n');
});

after(async () => {
  await Promise.all([pullThrough?.stop(), upstream?.stop(), hub?.close()]);
  rmSync(dir, { recursive: true, force: true });
  for (const d of cacheDirs) rmSync(d, { recursive: true, force: true });
});

interface JsonFinding {
  rule: string;
  line: number;
  fixes: Array<{ replacement: string }>;
}

function lintThrough(mirrorUrl: string) {
  const cache = mkdtempSync(join(tmpdir(), 'image-trust-ptc-cache-'));
  cacheDirs.push(cache);
  return runCli(
    [
      'lint',
      '--format',
      'json',
      '--fail-on',
      'never',
      '--registry-mirror',
      `docker.io=${mirrorUrl}`,
      '--hub-url',
      hub.url,
      'Dockerfile',
    ],
    { cwd: dir, env: { IMAGE_TRUST_CACHE_DIR: cache, DOCKER_CONFIG: join(dir, 'no-docker-config') } },
  );
}

function summary(stdout: string): string[] {
  const files = (JSON.parse(stdout) as { files: Array<{ findings: JsonFinding[] }> }).files;
  return files
    .flatMap((f) => f.findings)
    .map((f) => `${f.line} ${f.rule} ${f.fixes.map((x) => x.replacement).join(',')}`)
    .sort();
}

describe('behind a pull-through cache', () => {
  test('clients see what the upstream serves, and blobs and manifests by digest come from the shared cache', async () => {
    const direct = await lintThrough(upstream.url);
    assert.equal(direct.code, 0, direct.stderr);
    const expected = summary(direct.stdout);
    assert.ok(
      expected.some((f) => f.startsWith('1 unpinned-digest') && f.includes(digests['library/nginx:1.27.2'])),
      expected.join('\n'),
    );
    assert.ok(
      expected.some((f) => f.startsWith('1 outdated-version')),
      expected.join('\n'),
    );

    // The first client through the cache fills it; the rest, each with an empty disk cache of its
    // own, find manifests by digest and blobs (config: push dates, platforms) in the proxy.
    upstream.resetLog();
    const first = await lintThrough(pullThrough.url);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(summary(first.stdout), expected, 'the pull-through cache answers as the upstream does');
    const afterFirst = upstream.log.length;
    assert.ok(afterFirst > 0, 'the first client through the cache reaches the upstream');

    const rest = 4;
    for (let i = 0; i < rest; i++) {
      const r = await lintThrough(pullThrough.url);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(summary(r.stdout), expected);
    }
    const later = upstream.log.slice(afterFirst);
    if (process.env.PTC_DEBUG)
      console.log(JSON.stringify(upstream.log.map((r) => [r.kind, r.method, r.path.slice(0, 70), r.status])));
    const blobGets = later.filter((r) => r.kind === 'blobGet');
    assert.deepEqual(blobGets, [], 'blobs are served from the shared cache');
    const byDigest = later.filter((r) => r.kind === 'manifestGet' && /\/manifests\/sha256:/.test(r.path));
    assert.deepEqual(byDigest, [], 'manifests by digest are served from the shared cache');
    // What still reaches the upstream: the proxy checks each tag (it must, tags move) and passes
    // tag lists through. Strictly fewer requests than the first client made.
    assert.ok(
      later.length / rest < afterFirst,
      `upstream per later client ${later.length / rest} vs first ${afterFirst}`,
    );
  });
});
