import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultNetworkSettings, type NetworkSettings } from '../../server/src/core/settings';
import { defaultCacheDir } from '../../server/src/net/diskCache';
import { canonicalRegistry, resolveEndpoint } from '../../server/src/registry/endpoints';

const settings = (overrides: Partial<NetworkSettings> = {}): NetworkSettings => ({
  ...defaultNetworkSettings(),
  ...overrides,
});

test('docker.io and its aliases go to registry-1.docker.io over https', () => {
  for (const name of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
    const endpoint = resolveEndpoint(name, settings());
    assert.ok(endpoint.ok);
    assert.equal(endpoint.value.registry, 'docker.io');
    assert.equal(endpoint.value.baseUrl, 'https://registry-1.docker.io');
  }
  assert.equal(canonicalRegistry('Index.Docker.IO'), 'docker.io');
});

test('other registries over https; loopback and insecure-marked ones over http', () => {
  assert.equal(
    (resolveEndpoint('ghcr.io', settings()) as { value: { baseUrl: string } }).value.baseUrl,
    'https://ghcr.io',
  );
  assert.equal(
    (resolveEndpoint('localhost:5000', settings()) as { value: { baseUrl: string } }).value.baseUrl,
    'http://localhost:5000',
  );
  assert.equal(
    (resolveEndpoint('127.0.0.1:5000', settings()) as { value: { baseUrl: string } }).value.baseUrl,
    'http://127.0.0.1:5000',
  );
  assert.equal(
    (resolveEndpoint('[::1]:5000', settings()) as { value: { baseUrl: string } }).value.baseUrl,
    'http://[::1]:5000',
  );
  const insecure = resolveEndpoint(
    'registry.lan:5000',
    settings({ insecureRegistries: ['http://registry.lan:5000/'] }),
  );
  assert.ok(insecure.ok);
  assert.equal(insecure.value.baseUrl, 'http://registry.lan:5000');
});

test('mirrors: http only to loopback or insecure hosts, userinfo dropped', () => {
  const local = resolveEndpoint('docker.io', settings({ registryMirrors: { 'docker.io': 'http://127.0.0.1:5000' } }));
  assert.ok(local.ok);
  assert.equal(local.value.baseUrl, 'http://127.0.0.1:5000');
  assert.ok(local.value.mirror);
  const refused = resolveEndpoint(
    'docker.io',
    settings({ registryMirrors: { 'docker.io': 'http://mirror.corp:5000' } }),
  );
  assert.ok(!refused.ok);
  assert.equal(refused.error.kind, 'insecureRefused');
  const allowed = resolveEndpoint(
    'docker.io',
    settings({ registryMirrors: { 'docker.io': 'http://mirror.corp:5000' }, insecureRegistries: ['mirror.corp:5000'] }),
  );
  assert.ok(allowed.ok);
  const https = resolveEndpoint(
    'index.docker.io',
    settings({ registryMirrors: { 'docker.io': 'https://user:pw@mirror.corp/prefix/' } }),
  );
  assert.ok(https.ok);
  assert.equal(https.value.baseUrl, 'https://mirror.corp/prefix');
  assert.equal(https.value.host, 'mirror.corp');
  const bad = resolveEndpoint('docker.io', settings({ registryMirrors: { 'docker.io': 'ftp://mirror.corp' } }));
  assert.ok(!bad.ok);
});

test('the OS cache folder per platform', () => {
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), '/xdg/image-trust');
  assert.equal(defaultCacheDir({}, 'linux', '/home/u'), '/home/u/.cache/image-trust');
  assert.equal(defaultCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/image-trust');
  assert.equal(
    defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'),
    'C:\\Users\\u\\AppData\\Local\\image-trust\\Cache',
  );
});
