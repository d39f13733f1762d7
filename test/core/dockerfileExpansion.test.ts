import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandDockerfileWord, UNKNOWN_VALUE } from '../../server/src/core/dockerfileExpansion';

// https://docs.docker.com/reference/dockerfile/#environment-replacement decides every case here;
// the table is BuildKit's own shell-lexer test data (source noted in the fixture).
test("BuildKit's shell lexer cases expand the same way", () => {
  const env: Record<string, string> = { PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' };
  const lines = readFileSync(join(__dirname, '../fixtures/upstream/buildkit-envVarTest.txt'), 'utf8').split('\n');
  let checked = 0;
  const failures: string[] = [];
  for (const raw of lines) {
    if (raw.startsWith('#') || !raw.trim()) continue;
    const [platform, source, expected] = raw.split('|').map((s) => s.trim());
    if (platform === 'W') continue;
    const result = expandDockerfileWord(source, (name) => env[name]);
    checked++;
    if (expected === 'error') {
      if (result.error === undefined)
        failures.push(`${source}: expected an error, got ${JSON.stringify(result.value)}`);
    } else if (result.value !== expected) {
      failures.push(
        `${source}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(result.value)} ${result.error ?? ''}`,
      );
    }
  }
  assert.ok(checked > 150, `only ${checked} cases read`);
  assert.deepEqual(failures, []);
});

test('a value known only at build time makes the word unknown, with the variable named', () => {
  const r = expandDockerfileWord('golang:1.22-${TARGETARCH}', (n) => (n === 'TARGETARCH' ? UNKNOWN_VALUE : undefined));
  assert.equal(r.value, undefined);
  assert.deepEqual(r.unknown, ['TARGETARCH']);
});

test('uses carry offsets of the top-level variables and their default words', () => {
  const r = expandDockerfileWord('${IMG:-nginx:1.27}', () => undefined);
  assert.equal(r.value, 'nginx:1.27');
  assert.deepEqual(r.uses, [{ name: 'IMG', start: 0, end: 18, operator: ':-', wordStart: 7, wordEnd: 17 }]);
});
