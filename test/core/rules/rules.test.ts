// Every rule through the engine, with the network answers it depends on given as facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument, evaluateRules } from '../../../server/src/core/analyze';
import type { ImageFacts } from '../../../server/src/core/facts';
import { parsePolicy } from '../../../server/src/core/policy';
import { defaultPolicy } from '../../../server/src/core/settings';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function lint(
  text: string,
  facts: ImageFacts = {},
  policyText?: string,
  kind: 'dockerfile' | 'compose' = 'dockerfile',
) {
  const policy = policyText ? parsePolicy(policyText).policy : defaultPolicy();
  return evaluateRules(analyzeDocument(text, kind), policy, { online: true, factsFor: () => facts });
}
const rules = (findings: ReturnType<typeof lint>) => findings.map((f) => f.rule).sort();

test('latest-tag offers the version latest points to today, plain and pinned', () => {
  const findings = lint('FROM nginx:latest\n', {
    latestResolvesTo: '1.27.3',
    tagDigests: { '1.27.3': D1 },
    currentDigest: { state: 'known', value: D1 },
  });
  const latest = findings.find((f) => f.rule === 'latest-tag')!;
  assert.match(latest.message, /points to 1\.27\.3 today/);
  assert.deepEqual(
    latest.fixes.map((f) => f.replacement),
    ['nginx:1.27.3', `nginx:1.27.3@${D1}`],
  );
  assert.match(latest.fixes[0].title, /Use 1\.27\.3 \(what latest points to today\)/);
});

test('missing-tag fires only without tag and digest', () => {
  assert.deepEqual(rules(lint('FROM redis\n')), ['missing-tag', 'unpinned-digest']);
  assert.deepEqual(rules(lint(`FROM redis@${D1}\n`)), []);
});

test('unpinned-digest offers the resolved digest, keeping the name as written', () => {
  const f = lint('FROM docker.io/library/nginx:1.27\n', { currentDigest: { state: 'known', value: D1 } }).find(
    (x) => x.rule === 'unpinned-digest',
  )!;
  assert.equal(f.fixes[0].replacement, `docker.io/library/nginx:1.27@${D1}`);
  assert.equal(f.fixes[0].isPreferred, true);
});

test('pinning an ARG default writes the default, not the FROM line', () => {
  const f = lint('ARG BASE=nginx:1.27\nFROM ${BASE}\n', { currentDigest: { state: 'known', value: D1 } }).find(
    (x) => x.rule === 'unpinned-digest',
  )!;
  assert.equal(f.range.start.line, 1);
  assert.deepEqual(f.fixes[0].range, { start: { line: 0, character: 9 }, end: { line: 0, character: 19 } });
  assert.equal(f.fixes[0].replacement, `nginx:1.27@${D1}`);
});

test('a reference built from variables and text says why it cannot be pinned', () => {
  const f = lint('ARG V=1.27\nFROM nginx:${V}\n', { currentDigest: { state: 'known', value: D1 } }).find(
    (x) => x.rule === 'unpinned-digest',
  )!;
  assert.match(f.fixes[0].disabledReason!, /built from variables/);
});

test('unofficial-image: community flagged with an Official alternative, verified and trusted not', () => {
  const community = lint('FROM someuser/nginx:1.25\n', {
    publisher: { state: 'known', value: { tier: 'community' } },
    officialAlternative: { name: 'nginx', tagExists: true },
  }).find((x) => x.rule === 'unofficial-image')!;
  assert.match(community.message, /community account "someuser"/);
  assert.equal(community.fixes[0].replacement, 'nginx:1.25');
  assert.deepEqual(
    rules(lint('FROM bitnami/redis:7.2\n', { publisher: { state: 'known', value: { tier: 'verified' } } })),
    ['unpinned-digest'],
  );
  assert.deepEqual(rules(lint('FROM grafana/grafana:11.0.0\n', {}, 'trustedNamespaces: [grafana]\n')), [
    'unpinned-digest',
  ]);
  assert.deepEqual(rules(lint('FROM ghcr.io/o/r:1\n')), ['unpinned-digest']);
  const offline = lint('FROM someuser/tool:1\n').find((x) => x.rule === 'unofficial-image')!;
  assert.match(offline.message, /could not be verified/);
});

test('untrusted-registry matches hosts and host/namespace entries', () => {
  const policy = 'trustedRegistries: [docker.io, ghcr.io/acme]\n';
  assert.deepEqual(rules(lint('FROM ghcr.io/acme/api:1\n', {}, policy)), ['unpinned-digest']);
  assert.deepEqual(rules(lint('FROM ghcr.io/other/api:1\n', {}, policy)), ['unpinned-digest', 'untrusted-registry']);
  assert.deepEqual(rules(lint('FROM ghcr.io/acmecorp/api:1\n', {}, policy)), ['unpinned-digest', 'untrusted-registry']);
  assert.deepEqual(rules(lint('FROM nginx:1\n', {}, policy)), ['unpinned-digest']);
});

test('outdated-version names patch, minor and major with fixes; pinned stays pinned', () => {
  const facts: ImageFacts = {
    newer: { patch: '3.11.9-slim-bookworm', minor: '3.13.1-slim-bookworm', major: undefined },
    tagDigests: { '3.11.9-slim-bookworm': D2 },
  };
  const f = lint(`FROM python:3.11.4-slim-bookworm@${D1}\n`, facts).find((x) => x.rule === 'outdated-version')!;
  assert.match(f.message, /3\.11\.9-slim-bookworm \(newest patch\)/);
  assert.equal(f.fixes[0].replacement, `python:3.11.9-slim-bookworm@${D2}`);
  assert.match(f.fixes[1].disabledReason!, /must stay pinned/);
  const unpinned = lint('FROM python:3.11.4-slim-bookworm\n', facts).find((x) => x.rule === 'outdated-version')!;
  assert.deepEqual(
    unpinned.fixes.map((x) => x.title),
    ['Update to 3.11.9-slim-bookworm (patch)', 'Update to 3.13.1-slim-bookworm (minor)'],
  );
});

test('eol-version names the date and the cycle to move to', () => {
  const f = lint('FROM node:16-alpine\n', {
    eol: {
      product: 'nodejs',
      productTitle: 'Node.js',
      cycle: '16',
      eolDate: '2023-09-11',
      isEol: true,
      oldestSupportedCycle: '20',
      latestCycle: '24',
      data: { source: 'snapshot', asOf: '2026-08-22' },
    },
  }).find((x) => x.rule === 'eol-version')!;
  assert.match(
    f.message,
    /Node\.js 16 .* reached end of life on 2023-09-11.*Move to Node\.js 20 or newer \(latest: 24\)/,
  );
});

test('stale-digest offers the current digest', () => {
  const f = lint(`FROM nginx:1.27@${D1}\n`, { currentDigest: { state: 'known', value: D2 } }).find(
    (x) => x.rule === 'stale-digest',
  )!;
  assert.equal(f.fixes[0].replacement, `nginx:1.27@${D2}`);
  assert.deepEqual(rules(lint(`FROM nginx:1.27@${D1}\n`, { currentDigest: { state: 'known', value: D1 } })), []);
});

test('unknown-image and unknown-tag from the registry answer', () => {
  assert.deepEqual(rules(lint('FROM nginx:1.27\n', { currentDigest: { state: 'notFound', missing: 'repository' } })), [
    'unknown-image',
    'unpinned-digest',
  ]);
  assert.deepEqual(rules(lint('FROM nginx:9.99\n', { currentDigest: { state: 'notFound', missing: 'tag' } })), [
    'unknown-tag',
    'unpinned-digest',
  ]);
  assert.deepEqual(rules(lint('FROM nginx:1.27\n', { currentDigest: { state: 'unavailable', reason: 'timeout' } })), [
    'unpinned-digest',
  ]);
});

test('stale-image uses maxImageAgeDays', () => {
  const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
  const facts: ImageFacts = { tagDetails: { state: 'known', value: { lastPushed: old, platforms: [] } } };
  assert.ok(rules(lint('FROM nginx:1.10\n', facts)).includes('stale-image'));
  assert.ok(!rules(lint('FROM nginx:1.10\n', facts, 'maxImageAgeDays: 500\n')).includes('stale-image'));
});

test('unsigned-image is off by default and reports unsigned and invalid when on', () => {
  const unsigned: ImageFacts = { signature: { state: 'known', value: { state: 'unsigned', kinds: [] } } };
  assert.ok(!rules(lint('FROM nginx:1\n', unsigned)).includes('unsigned-image'));
  assert.ok(rules(lint('FROM nginx:1\n', unsigned, 'rules: { unsigned-image: error }\n')).includes('unsigned-image'));
  const invalid: ImageFacts = {
    signature: { state: 'known', value: { state: 'invalid', kinds: ['cosign'], detail: 'signed another digest' } },
  };
  assert.match(
    lint('FROM nginx:1\n', invalid, 'rules: { unsigned-image: error }\n').find((f) => f.rule === 'unsigned-image')!
      .message,
    /signed another digest/,
  );
});

test('suppression and severity overrides', () => {
  assert.deepEqual(rules(lint('# image-trust-ignore=latest-tag\nFROM nginx:latest\n')), ['unpinned-digest']);
  assert.deepEqual(rules(lint('# image-trust-ignore=all\nFROM nginx:latest\n')), []);
  const f = lint('FROM nginx:latest\n', {}, 'rules: { latest-tag: error, unpinned-digest: off }\n');
  assert.deepEqual(
    f.map((x) => `${x.rule}:${x.severity}`),
    ['latest-tag:error'],
  );
});

test('invalid references are errors with the reason', () => {
  const f = lint('FROM Nginx:1.27\n');
  assert.equal(f[0].rule, 'invalid-reference');
  assert.match(f[0].message, /lowercase/);
});
