import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractComposeImages } from '../../server/src/core/compose';
import { LineIndex } from '../../server/src/core/lineIndex';

const env = (vars: Record<string, string>) => (name: string) => vars[name];

test('finds services.*.image with exact ranges, quoted or not', () => {
  const text =
    'services:\n  web:\n    image: nginx:1.27\n  db:\n    image: "postgres:16"\n  cache:\n    image: \'redis:7\'\n  built:\n    build: .\n';
  const { occurrences } = extractComposeImages(text);
  const lines = new LineIndex(text);
  assert.deepEqual(
    occurrences.map((o) => lines.textIn(o.range)),
    ['nginx:1.27', 'postgres:16', 'redis:7'],
  );
  assert.deepEqual(occurrences[1].range, { start: { line: 4, character: 12 }, end: { line: 4, character: 23 } });
});

test('interpolates from the environment; defaults are edited in place', () => {
  const text =
    'services:\n  a:\n    image: ${IMG}\n  b:\n    image: nginx:${TAG:-1.25}\n  c:\n    image: ${BASE:-redis:7}\n  d:\n    image: ${X-alpine:3.20}\n';
  const { occurrences } = extractComposeImages(text, env({ IMG: 'busybox:1.36' }));
  assert.deepEqual(
    occurrences.map((o) => o.resolved),
    ['busybox:1.36', 'nginx:1.25', 'redis:7', 'alpine:3.20'],
  );
  const lines = new LineIndex(text);
  assert.equal(lines.textIn(occurrences[2].editTarget!.range), 'redis:7');
  assert.match(occurrences[0].editBlockedReason!, /IMG/);
  assert.match(occurrences[1].editBlockedReason!, /built from variables/);
});

test('an unset variable is reported as such', () => {
  const { occurrences, problems } = extractComposeImages('services:\n  a:\n    image: app:${VERSION}\n');
  assert.equal(occurrences[0].resolved, undefined);
  assert.equal(problems[0].code, 'unresolved-variable');
  assert.match(problems[0].message, /VERSION/);
});

test('invalid YAML is one clear problem, not a crash', () => {
  const { problems } = extractComposeImages('services:\n  web:\n    image: [nginx\n');
  assert.equal(problems[0].code, 'invalid-document');
  assert.match(problems[0].message, /not valid YAML/);
});

test('suppression above the image key', () => {
  const { occurrences } = extractComposeImages(
    'services:\n  a:\n    # image-trust-ignore=missing-tag\n    image: redis\n',
  );
  assert.ok(occurrences[0].suppressed.has('missing-tag'));
});

test('odd shapes do not throw', () => {
  for (const text of [
    '',
    'services:',
    'services: []',
    'services:\n  a: 3',
    'services:\n  a:\n    image:',
    'services:\n  a:\n    image: 42',
    '- a\n- b',
    '{{{',
    'a: *unknown',
    '\u0000',
  ]) {
    assert.doesNotThrow(() => extractComposeImages(text), JSON.stringify(text));
  }
});
