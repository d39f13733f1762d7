// `name:tag@digest` against the real registry: Docker pulls by the digest and ignores the tag
// (https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier),
// so only a missing digest fails the build.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubServer, type HubTestServer } from '../support/hubServer';
import { runCli } from '../support/runCli';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry';

let registry: TestRegistry;
let hub: HubTestServer;
let dir: string;
let current: string;
let older: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-tagdigest-'));
  [registry, hub] = await Promise.all([startRegistry(), startHubServer()]);
  current = (await pushImage(registry, 'library/nginx', '1.27.3', { created: '2026-10-01T00:00:00Z' })).digest;
  older = (await pushImage(registry, 'library/nginx', '1.27.2', { created: '2026-09-01T00:00:00Z' })).digest;
});

after(async () => {
  await Promise.all([registry?.stop(), hub?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

interface JsonFinding {
  rule: string;
  severity: string;
  line: number;
  message: string;
}

test('tag + digest: a missing digest is an error, a missing tag a warning, a moved tag stale-digest', async () => {
  const missing = `sha256:${'0'.repeat(64)}`;
  writeFileSync(
    join(dir, 'Dockerfile'),
    [
      `FROM nginx:1.27.3@${missing}`,
      `FROM nginx:1.99.9@${current}`,
      `FROM nginx:1.27.3@${older}`,
      `FROM nginx:latest@${current}`,
      '',
    ].join('\n'),
  );
  const r = await runCli(
    [
      'lint',
      'Dockerfile',
      '--format',
      'json',
      '--fail-on',
      'never',
      '--registry-mirror',
      `docker.io=${registry.url}`,
      '--hub-url',
      hub.url,
    ],
    { cwd: dir, env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(dir, 'no-docker-config') } },
  );
  assert.equal(r.code, 0, r.stderr);
  const findings = (JSON.parse(r.stdout) as { files: Array<{ findings: JsonFinding[] }> }).files[0].findings;
  const on = (line: number) => findings.filter((f) => f.line === line);
  // The rules that speak about whether the tag and the digest exist (eol-version and the others
  // are about the version, not this).
  const about = new Set(['unknown-tag', 'unknown-image', 'mismatched-tag', 'stale-digest']);
  const rules = (line: number) =>
    on(line)
      .filter((f) => about.has(f.rule))
      .map((f) => `${f.rule}:${f.severity}`)
      .sort();

  // Line 1: the registry does not have the digest: the pull fails; nothing says "re-pushed".
  assert.deepEqual(rules(1), ['unknown-tag:error']);
  assert.match(on(1).find((f) => f.rule === 'unknown-tag')!.message, /no digest sha256:000000000000/);
  // Line 2: the digest exists, the tag does not: the build works; a warning, never "will fail".
  assert.deepEqual(rules(2), ['mismatched-tag:warning']);
  for (const f of on(2)) assert.doesNotMatch(f.message, /will fail/);
  // Line 3: both exist and differ: the tag moved since the pin.
  assert.deepEqual(rules(3), ['stale-digest:info']);
  // Line 4: pinned latest is repeatable; the finding says what is true.
  const latest = on(4).find((f) => f.rule === 'latest-tag');
  assert.ok(latest);
  assert.doesNotMatch(latest!.message, /not repeatable/);
  assert.match(latest!.message, /tells readers nothing/);
});
