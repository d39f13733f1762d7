// One `GET /v2/` per registry origin before the first wave of requests (distribution spec, "API
// Version Check"): the client learns the origin's challenge once, so the concurrent first requests
// for many repositories carry their token and none of them is answered 401. Against the real
// docker-registry in token and htpasswd modes and with the tests' token server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultNetworkSettings } from '../../server/src/core/settings';
import { createRegistryClient } from '../../server/src/registry';
import { pushImage, startRegistry, type RequestRecord, type TestRegistry } from '../support/registry';

const REPOSITORIES = Array.from({ length: 8 }, (_, i) => `team/app${i}`);
const tempDirs: string[] = [];
/** What a failed assertion shows: no token or password. */
const summary = (log: RequestRecord[]) => JSON.stringify(log.map((r) => `${r.method} ${r.path} ${r.status}`));

function clientFor(registry: TestRegistry, withCredentials: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-ping-'));
  tempDirs.push(dir);
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ auths: withCredentials ? { [registry.host]: { auth } } : {} }),
  );
  return createRegistryClient(
    { ...defaultNetworkSettings(), cacheDir: '', dockerConfigDir: dir, connectionsPerRegistry: 12 },
    { retryBaseDelayMs: 10 },
  );
}

/** Every repository's tag resolved at once, as a document's first network pass does. */
async function firstWave(registry: TestRegistry, withCredentials: boolean) {
  const handle = clientFor(registry, withCredentials);
  registry.resetLog();
  const results = await Promise.all(
    REPOSITORIES.map((repository) => handle.resolveDigest({ registry: registry.host, repository }, '1.0')),
  );
  for (const r of results) assert.ok(r.ok, JSON.stringify(r));
  const registryRequests = registry.log.filter((r) => r.kind !== 'token');
  return { handle, registryRequests };
}

after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('bearer tokens (registry auth: token, anonymous pull)', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry({ auth: 'token', anonymousPull: true });
    for (const repo of REPOSITORIES) await pushImage(registry, repo, '1.0');
  });
  after(async () => {
    await registry?.stop();
  });

  test('one ping for the origin, then no manifest request answered 401', async () => {
    const { handle, registryRequests } = await firstWave(registry, false);
    const pings = registryRequests.filter((r) => r.kind === 'ping');
    assert.equal(pings.length, 1, summary(registryRequests));
    assert.equal(pings[0].status, 401, 'the registry challenges the ping');
    assert.equal(registryRequests[0].kind, 'ping', 'the ping went first');
    const manifests = registryRequests.filter((r) => r.kind !== 'ping');
    assert.equal(manifests.length, REPOSITORIES.length, summary(manifests));
    assert.deepEqual(
      manifests.filter((r) => r.status === 401).map((r) => r.path),
      [],
      'requests answered 401 for lack of a known challenge',
    );
    // One token per repository scope, each fetched before the repository's first request.
    assert.equal(registry.log.filter((r) => r.kind === 'token').length, REPOSITORIES.length);

    // The origin is known now: a second wave sends no ping.
    registry.resetLog();
    assert.ok((await handle.resolveDigest({ registry: registry.host, repository: REPOSITORIES[0] }, '1.0')).ok);
    assert.equal(registry.requestCount('ping'), 0);
    await handle.dispose();
  });
});

describe('htpasswd basic auth with credentials', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry({ auth: 'basic' });
    for (const repo of REPOSITORIES) await pushImage(registry, repo, '1.0');
  });
  after(async () => {
    await registry?.stop();
  });

  test('the basic challenge of the ping sends the credentials with every first request', async () => {
    const { handle, registryRequests } = await firstWave(registry, true);
    assert.equal(registryRequests.filter((r) => r.kind === 'ping').length, 1);
    const manifests = registryRequests.filter((r) => r.kind !== 'ping');
    assert.equal(manifests.length, REPOSITORIES.length, summary(manifests));
    assert.ok(manifests.every((r) => r.status === 200 && r.authorization?.startsWith('Basic ')));
    await handle.dispose();
  });
});

test('a registry without authentication: one ping answered 200, nothing else changes', async () => {
  const registry = await startRegistry();
  try {
    for (const repo of REPOSITORIES) await pushImage(registry, repo, '1.0');
    const { handle, registryRequests } = await firstWave(registry, false);
    const pings = registryRequests.filter((r) => r.kind === 'ping');
    assert.deepEqual(
      pings.map((r) => r.status),
      [200],
    );
    assert.ok(registryRequests.filter((r) => r.kind !== 'ping').every((r) => r.status === 200 && !r.authorization));
    await handle.dispose();
  } finally {
    await registry.stop();
  }
});
