// Answers cached from one mirror are never served when another mirror is configured.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultNetworkSettings } from '../../server/src/core/settings';
import { createRegistryClient } from '../../server/src/registry';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry';

let a: TestRegistry;
let b: TestRegistry;
let cacheDir: string;
before(async () => {
  [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  cacheDir = mkdtempSync(join(tmpdir(), 'it-scope-'));
});
after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  rmSync(cacheDir, { recursive: true, force: true });
});

test('the disk cache is keyed by the mirror that answered', async () => {
  const fromA = await pushImage(a, 'library/nginx', '1.31', { salt: 'a' });
  const fromB = await pushImage(b, 'library/nginx', '1.31', { salt: 'b' });
  assert.notEqual(fromA.digest, fromB.digest);
  const repo = { registry: 'docker.io', repository: 'library/nginx' };
  const clientA = createRegistryClient({
    ...defaultNetworkSettings(),
    cacheDir,
    registryMirrors: { 'docker.io': a.url },
  });
  const first = await clientA.resolveDigest(repo, '1.31');
  await clientA.dispose();
  assert.ok(first.ok && first.value.digest === fromA.digest);
  const clientB = createRegistryClient({
    ...defaultNetworkSettings(),
    cacheDir,
    registryMirrors: { 'docker.io': b.url },
  });
  const second = await clientB.resolveDigest(repo, '1.31');
  await clientB.dispose();
  assert.ok(second.ok);
  assert.equal(second.value.digest, fromB.digest);
  assert.equal(second.fromCache, undefined);
});
