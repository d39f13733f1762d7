import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost, parseImageReference, withTagAndDigest } from '../../server/src/core/reference';

const HEX = 'a'.repeat(64);

// Worked examples of docs/registries.md §1.3 (distribution/reference normalize_test.go).
const valid: Array<[string, string, string, string | undefined, string | undefined, string]> = [
  ['nginx', 'docker.io', 'library/nginx', undefined, undefined, 'nginx'],
  ['nginx:1.27-alpine', 'docker.io', 'library/nginx', '1.27-alpine', undefined, 'nginx'],
  ['library/nginx', 'docker.io', 'library/nginx', undefined, undefined, 'nginx'],
  ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined, 'nginx'],
  ['index.docker.io/library/nginx', 'docker.io', 'library/nginx', undefined, undefined, 'nginx'],
  ['registry-1.docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined, 'nginx'],
  ['bitnami/redis', 'docker.io', 'bitnami/redis', undefined, undefined, 'bitnami/redis'],
  ['localhost:5000/x', 'localhost:5000', 'x', undefined, undefined, 'localhost:5000/x'],
  ['localhost/x', 'localhost', 'x', undefined, undefined, 'localhost/x'],
  ['myhost/x', 'docker.io', 'myhost/x', undefined, undefined, 'myhost/x'],
  ['Myhost/x', 'Myhost', 'x', undefined, undefined, 'Myhost/x'],
  ['localhost:5000', 'docker.io', 'library/localhost', '5000', undefined, 'localhost'],
  ['192.168.0.1:5000/app', '192.168.0.1:5000', 'app', undefined, undefined, '192.168.0.1:5000/app'],
  ['[fc00::1]:5000/docker', '[fc00::1]:5000', 'docker', undefined, undefined, '[fc00::1]:5000/docker'],
  [`ghcr.io/o/r:tag@sha256:${HEX}`, 'ghcr.io', 'o/r', 'tag', `sha256:${HEX}`, 'ghcr.io/o/r'],
  [
    'mcr.microsoft.com/dotnet/aspnet:8.0',
    'mcr.microsoft.com',
    'dotnet/aspnet',
    '8.0',
    undefined,
    'mcr.microsoft.com/dotnet/aspnet',
  ],
  ['a__b/c-----d.e:T_1.x-y', 'docker.io', 'a__b/c-----d.e', 'T_1.x-y', undefined, 'a__b/c-----d.e'],
];

for (const [input, registry, repository, tag, digest, familiar] of valid) {
  test(`parses ${input}`, () => {
    const r = parseImageReference(input);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.reference.registry, registry);
    assert.equal(r.reference.repository, repository);
    assert.equal(r.reference.tag, tag);
    assert.equal(r.reference.digest, digest);
    assert.equal(r.reference.familiarName, familiar);
  });
}

const invalid: Array<[string, RegExp]> = [
  ['docker/Docker', /lowercase/],
  ['Nginx', /lowercase/],
  ['docker///docker', /not a valid repository/],
  ['-docker/x', /not a valid repository/],
  ['dock..er/x', /not a valid/],
  ['nginx:-bad', /not a valid tag/],
  ['nginx:.bad', /not a valid tag/],
  [`nginx:${'a'.repeat(129)}`, /129 characters/],
  ['nginx@sha256:abc', /not a valid digest/],
  [`nginx@sha256:${'A'.repeat(64)}`, /lower-case/],
  [`nginx@sha256:${'a'.repeat(63)}`, /64/],
  [HEX, /image ID/],
  ['', /empty/],
  ['nginx 1.27', /white space/],
  ['[fc00::1]', /not a valid/],
  ['ex ample.com/x', /white space/],
];
for (const [input, error] of invalid) {
  test(`rejects ${JSON.stringify(input).slice(0, 40)}`, () => {
    const r = parseImageReference(input);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, error);
  });
}

test('withTagAndDigest keeps the name as written and changes only tag and digest', () => {
  assert.equal(
    withTagAndDigest('docker.io/library/nginx:1.27', '1.27', `sha256:${HEX}`),
    `docker.io/library/nginx:1.27@sha256:${HEX}`,
  );
  assert.equal(
    withTagAndDigest('localhost:5000/app', 'latest', `sha256:${HEX}`),
    `localhost:5000/app:latest@sha256:${HEX}`,
  );
  assert.equal(withTagAndDigest(`nginx:1.25@sha256:${HEX}`, '1.27', undefined), 'nginx:1.27');
});

test('loopback hosts', () => {
  for (const h of ['localhost', 'localhost:5000', '127.0.0.1', '127.1.2.3:80', '[::1]:5000'])
    assert.ok(isLoopbackHost(h), h);
  for (const h of ['example.com', '10.0.0.1:5000', 'localhost.example.com', '128.0.0.1'])
    assert.ok(!isLoopbackHost(h), h);
});
