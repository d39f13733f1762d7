// Once a registry has challenged, a new repository's token is fetched before its first request,
// so each repository costs no 401 round trip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultNetworkSettings } from '../../server/src/core/settings';
import { createRegistryClient } from '../../server/src/registry';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry';

let registry: TestRegistry;
before(async () => {
  registry = await startRegistry({ auth: 'token', anonymousPull: true });
  for (const repo of ['team/a', 'team/b', 'team/c']) await pushImage(registry, repo, '1.0', { salt: repo });
});
after(() => registry?.stop());

test('only the first repository of a registry is answered 401', async () => {
  registry.resetLog();
  const client = createRegistryClient({ ...defaultNetworkSettings(), cacheDir: '' });
  for (const repository of ['team/a', 'team/b', 'team/c']) {
    const r = await client.resolveDigest({ registry: registry.host, repository }, '1.0');
    assert.ok(r.ok, r.ok ? '' : r.error.message);
  }
  await client.dispose();
  const unauthorized = registry.log.filter((l) => l.kind !== 'token' && l.status === 401);
  assert.equal(unauthorized.length, 1, JSON.stringify(registry.log));
  assert.equal(registry.requestCount('token'), 3);
});
