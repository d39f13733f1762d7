import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/core/lineIndex';
import { parsePolicy } from '../../server/src/core/policy';
import { addToPolicyList, newPolicyFileText, type PolicyListEdit } from '../../server/src/features/policyEdit';

function apply(text: string, result: PolicyListEdit): string {
  if ('error' in result) return `error: ${result.error}`;
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...result.edits].reverse())
    out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}
const add = (text: string, seed: string[] = []) =>
  apply(text, addToPolicyList(text, 'trustedNamespaces', 'acme', seed));

test('every other byte stays: comments, blank lines, CRLF, other keys', () => {
  assert.equal(
    add('# team policy\ntrustedNamespaces:\n  - a # reviewed\n  - b\n\nrules: {}\n'),
    '# team policy\ntrustedNamespaces:\n  - a # reviewed\n  - b\n  - acme\n\nrules: {}\n',
  );
  assert.equal(add('trustedNamespaces:\r\n    - a\r\n'), 'trustedNamespaces:\r\n    - a\r\n    - acme\r\n');
  assert.equal(add('trustedNamespaces: [a, b] # x\n'), 'trustedNamespaces: [a, b, acme] # x\n');
  assert.equal(add('trustedNamespaces: []\n'), 'trustedNamespaces: [acme]\n');
  assert.equal(add('trustedNamespaces:\nrules: {}\n'), 'trustedNamespaces:\n  - acme\nrules: {}\n');
});

test('a missing key is added with what the editor settings trusted, so they are not lost', () => {
  assert.equal(add('rules: {}\n', ['fromsettings']), 'rules: {}\ntrustedNamespaces:\n  - fromsettings\n  - acme\n');
  assert.equal(add(''), 'trustedNamespaces:\n  - acme\n');
});

test('the result is a valid policy that trusts the entry', () => {
  for (const text of [
    'trustedNamespaces: [a]\n',
    'trustedNamespaces:\n  - a\n',
    '# c\n',
    'rules:\n  latest-tag: off\n',
  ]) {
    const { policy, problems } = parsePolicy(add(text));
    assert.deepEqual(problems, [], text);
    assert.ok(policy.trustedNamespaces.includes('acme'), text);
  }
  const created = parsePolicy(newPolicyFileText('trustedRegistries', ['ghcr.io/acme']));
  assert.deepEqual(created.problems, []);
  assert.deepEqual(created.policy.trustedRegistries, ['ghcr.io/acme']);
});

test('what cannot be edited safely is refused with the reason', () => {
  assert.match(add('trustedNamespaces: x\n'), /error: .*not a list/);
  assert.match(add('rules: [\n'), /error: .*syntax error/);
  assert.match(add('- a\n'), /error: .*not a map/);
});

test('values YAML would read differently are quoted', () => {
  const text = apply('', addToPolicyList('', 'trustedNamespaces', 'yes'));
  assert.equal(text, 'trustedNamespaces:\n  - "yes"\n');
  assert.deepEqual(parsePolicy(text).policy.trustedNamespaces, ['yes']);
});
