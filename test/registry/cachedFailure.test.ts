// A lookup the cache shares between callers can fail by throwing (a bug in a client below, a disk
// error): every caller then gets the failure, also a caller that passed its own AbortSignal, instead
// of waiting forever while the rejection goes unhandled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CachedRegistryClient } from '../../server/src/registry/cachedRegistryClient';
import type { RegistryClient } from '../../server/src/registry/types';

function throwingClient(): RegistryClient {
  return new Proxy({} as RegistryClient, {
    get: () => () => Promise.reject(new Error('the client below threw')),
  });
}

test('a shared lookup that throws reaches callers with and without a signal', async () => {
  const cached = new CachedRegistryClient(throwingClient());
  const repo = { registry: 'registry.example', repository: 'team/app' };
  const withSignal = cached.resolveDigest(repo, '1.0', new AbortController().signal);
  const without = cached.resolveDigest(repo, '1.0');
  await assert.rejects(withSignal, /the client below threw/);
  await assert.rejects(without, /the client below threw/);
});
