// The injection grammar's patterns, checked with JS regular expressions (they use only features
// that Oniguruma and JS share).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const grammar = JSON.parse(readFileSync(join(__dirname, '..', '..', 'syntaxes', 'image-reference.injection.tmLanguage.json'), 'utf8'));
const re = (name: string) => new RegExp(grammar.repository[name].match.replace('(?i)', ''), grammar.repository[name].match.startsWith('(?i)') ? 'i' : '');
const H = 'a'.repeat(64);

function parts(reference: string) {
  const m = re('reference').exec(reference);
  return m && { registry: m[1], repository: m[3], tag: m[5], digest: m[7] };
}

test('splits registry, repository, tag and digest', () => {
  assert.deepEqual(parts(`ghcr.io/acme/api:1.4@sha256:${H}`), { registry: 'ghcr.io', repository: 'acme/api', tag: '1.4', digest: `sha256:${H}` });
  assert.deepEqual(parts('nginx:1.27'), { registry: undefined, repository: 'nginx', tag: '1.27', digest: undefined });
  assert.deepEqual(parts('localhost:5000/app'), { registry: 'localhost:5000', repository: 'app', tag: undefined, digest: undefined });
  assert.deepEqual(parts('bitnami/redis'), { registry: undefined, repository: 'bitnami/redis', tag: undefined, digest: undefined });
});

test('finds the reference in FROM (with flags), --from= and compose image:', () => {
  assert.equal(re('from-instruction').exec('FROM --platform=linux/amd64 nginx:1.27 AS web')?.[3], 'nginx:1.27');
  assert.equal(re('from-instruction').exec('from python:3.12-slim')?.[3], 'python:3.12-slim');
  assert.equal(re('from-instruction').exec('FROM ${BASE}'), null);
  assert.equal(re('from-flag').exec('COPY --from=alpine:3.20 /a /b')?.[2], 'alpine:3.20');
  assert.equal(re('from-flag').exec('RUN --mount=type=cache,from=busybox:1.36,target=/c x')?.[2], 'busybox:1.36');
  assert.equal(re('compose-image').exec('    image: "postgres:16"')?.[3], 'postgres:16');
});

test('every pattern compiles', () => {
  for (const name of Object.keys(grammar.repository)) assert.doesNotThrow(() => re(name), name);
});
