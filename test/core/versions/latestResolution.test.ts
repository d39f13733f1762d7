import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  candidateTagsForDigestMatch,
  floatingVariant,
  pickTagForDigest,
} from '../../../server/src/core/versions/latestResolution';

const official: Record<string, string[]> = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/official-tags-subset.json'), 'utf8'),
).tags;

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);
const D3 = 'sha256:' + '3'.repeat(64);

test('floatingVariant: the suffix the version tags of a floating tag carry', () => {
  assert.equal(floatingVariant(undefined), '');
  assert.equal(floatingVariant('latest'), '');
  assert.equal(floatingVariant('mainline'), '');
  assert.equal(floatingVariant('stable'), '');
  assert.equal(floatingVariant('lts'), '');
  assert.equal(floatingVariant('alpine'), '-alpine');
  assert.equal(floatingVariant('stable-alpine'), '-alpine');
  assert.equal(floatingVariant('mainline-alpine3.24-perl'), '-alpine3.24-perl');
  assert.equal(floatingVariant('lts-alpine3.23'), '-alpine3.23');
  assert.equal(floatingVariant('slim-bookworm'), '-slim-bookworm');
});

test('nginx latest: candidates are the plain versions, newest and most specific first', () => {
  assert.deepEqual(candidateTagsForDigestMatch('latest', official.nginx), ['1.31.4', '1.31', '1.30.4', '1.30', '1']);
  assert.deepEqual(candidateTagsForDigestMatch(undefined, official.nginx), ['1.31.4', '1.31', '1.30.4', '1.30', '1']);
});

test('nginx alpine and stable-alpine: candidates carry -alpine, not -alpine3.24 or -alpine-slim', () => {
  const expected = ['1.31.4-alpine', '1.31-alpine', '1.30.4-alpine', '1.30-alpine', '1-alpine'];
  assert.deepEqual(candidateTagsForDigestMatch('alpine', official.nginx), expected);
  assert.deepEqual(candidateTagsForDigestMatch('stable-alpine', official.nginx), expected);
  assert.deepEqual(candidateTagsForDigestMatch('mainline-alpine-slim', official.nginx), [
    '1.31.4-alpine-slim',
    '1.31-alpine-slim',
    '1.30.4-alpine-slim',
    '1.30-alpine-slim',
    '1-alpine-slim',
  ]);
});

test('candidates leave out pre-releases and prefixed lines, and stop at the limit', () => {
  // python's 3.15.0rc1 is newer but a pre-release.
  assert.deepEqual(candidateTagsForDigestMatch('latest', official.python, 4), ['3.14.7', '3.14', '3.13.15', '3.13']);
  // postgres 19beta3 likewise.
  assert.deepEqual(candidateTagsForDigestMatch('alpine', official.postgres, 3), [
    '18.6-alpine',
    '18-alpine',
    '17.11-alpine',
  ]);
  // Traefik publishes v3.7.11 and 3.7.11: both are the same image; the plain one comes first.
  assert.deepEqual(candidateTagsForDigestMatch('latest', official.traefik, 4), ['3.7.11', 'v3.7.11', '3.7', 'v3.7']);
  assert.deepEqual(candidateTagsForDigestMatch('latest', ['ee-8.1.2.4', 'latest', 'bookworm']), []);
});

test('codenames without version tags of their own fall back to the plain or shorter variant', () => {
  assert.deepEqual(candidateTagsForDigestMatch('jammy', official.ubuntu), ['26.10', '26.04', '24.04', '22.04']);
  assert.deepEqual(candidateTagsForDigestMatch('bookworm-slim', official.debian, 2), ['13.6-slim', '13-slim']);
  assert.deepEqual(candidateTagsForDigestMatch('krypton-alpine', official.node, 3), [
    '26.7.0-alpine',
    '26.7-alpine',
    '26-alpine',
  ]);
  // `bookworm` has -bookworm versions in node: no fallback there.
  assert.deepEqual(candidateTagsForDigestMatch('bookworm', official.node, 2), ['26.7.0-bookworm', '26.7-bookworm']);
});

test('pickTagForDigest: latest is 1.27.3, not 1.27, 1 or mainline', () => {
  const digests = { '1.27.3': D1, '1.27': D1, '1': D1, mainline: D1, latest: D1, '1.26.2': D2, '1.26': D2, stable: D2 };
  assert.equal(pickTagForDigest('latest', D1, digests), '1.27.3');
  assert.equal(pickTagForDigest(undefined, D1, digests), '1.27.3');
  assert.equal(pickTagForDigest('stable', D2, digests), '1.26.2');
  assert.equal(pickTagForDigest('latest', D3, digests), undefined);
});

test('pickTagForDigest: alpine resolves to the -alpine version, never to another variant with the same digest', () => {
  const digests = {
    '1.27.3-alpine': D1,
    '1.27-alpine': D1,
    '1.27.3-alpine3.20': D1,
    '1.27.3': D2,
    '1.27.3-alpine-slim': D3,
  };
  assert.equal(pickTagForDigest('alpine', D1, digests), '1.27.3-alpine');
  assert.equal(pickTagForDigest('stable-alpine', D1, digests), '1.27.3-alpine');
  assert.equal(pickTagForDigest('alpine3.20', D1, digests), '1.27.3-alpine3.20');
  assert.equal(pickTagForDigest('alpine', D2, digests), undefined, 'a plain tag is not what alpine points to');
});

test('pickTagForDigest: most specific first, then newest; pre-releases never', () => {
  assert.equal(pickTagForDigest('latest', D1, { '3': D1, '3.14': D1, '3.14.7': D1, '3.15.0rc1': D1 }), '3.14.7');
  assert.equal(pickTagForDigest('latest', D1, { '2.11': D1, '2.10': D1 }), '2.11');
  assert.equal(pickTagForDigest('latest', D1, { 'v3.7.11': D1, '3.7.11': D1, 'v3.7': D1 }), '3.7.11');
  assert.equal(pickTagForDigest('latest', D1, { '3.15.0rc1': D1 }), undefined);
});

test('pickTagForDigest: codenames resolve through the fallback variant', () => {
  assert.equal(pickTagForDigest('jammy', D1, { '22.04': D1, '24.04': D2 }), '22.04');
  assert.equal(pickTagForDigest('bookworm-slim', D1, { '12.15-slim': D1, '12-slim': D1, '12.15': D2 }), '12.15-slim');
  assert.equal(pickTagForDigest('jod', D1, { '22.23.2': D1, '22': D1, '24.19.0': D2 }), '22.23.2');
});
