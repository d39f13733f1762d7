import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePolicy, parsePolicy } from '../../server/src/core/policy';

test('reads the contract example', () => {
  const { policy, problems } = parsePolicy(
    'trustedRegistries: [docker.io, ghcr.io/my-org, registry.example.com]\ntrustedNamespaces: [bitnami, grafana]\nrules: { unpinned-digest: warning, unsigned-image: error, stale-image: off }\nmaxImageAgeDays: 365\n',
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(policy.trustedRegistries, ['docker.io', 'ghcr.io/my-org', 'registry.example.com']);
  assert.deepEqual(policy.trustedNamespaces, ['bitnami', 'grafana']);
  assert.deepEqual(policy.rules, { 'unpinned-digest': 'warning', 'unsigned-image': 'error', 'stale-image': 'off' });
});

test('unknown keys and bad values are reported with their line', () => {
  const { problems } = parsePolicy(
    'trustedRegistry: [x]\nrules:\n  latest-tags: error\n  missing-tag: loud\nmaxImageAgeDays: -3\ntrustedNamespaces: bitnami\n',
  );
  const byLine = problems.map((p) => [p.range.start.line, p.message]);
  assert.equal(problems.length, 5);
  assert.match(String(byLine[0][1]), /Unknown key "trustedRegistry"/);
  assert.equal(byLine[0][0], 0);
  assert.match(String(byLine[1][1]), /Unknown rule "latest-tags"/);
  assert.equal(byLine[1][0], 2);
  assert.match(String(byLine[2][1]), /missing-tag must be one of/);
  assert.match(String(byLine[3][1]), /maxImageAgeDays/);
  assert.match(String(byLine[4][1]), /must be a list/);
});

test('invalid YAML is a problem', () => {
  assert.match(parsePolicy('rules: [\n').problems[0].message, /not valid YAML/);
});

test('empty file is the default policy', () => {
  const { policy, problems } = parsePolicy('');
  assert.deepEqual(problems, []);
  assert.equal(policy.maxImageAgeDays, 365);
  assert.equal(policy.trustedRegistries, undefined);
});

test('editor settings fill what the policy file leaves out', () => {
  const file = parsePolicy('rules: { latest-tag: error }\n').policy;
  const { policy, warnings } = mergePolicy(file, new Set(['rules']), {
    rules: { 'latest-tag': 'off', 'missing-tag': 'info', nope: 'error' },
    trustedNamespaces: ['grafana'],
  });
  assert.equal(policy.rules['latest-tag'], 'error');
  assert.equal(policy.rules['missing-tag'], 'info');
  assert.deepEqual(policy.trustedNamespaces, ['grafana']);
  assert.match(warnings[0], /unknown rule "nope"/);
});
