// The quick compose reader against `yaml`: on every text it accepts, extraction must read exactly
// what it reads through `yaml` (occurrences, ranges, problems); on every text it is unsure of, the
// caller falls back to `yaml`. Real, generated, hand-written and randomly mutated files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCompose, seededRandom } from '../../bench/corpus';
import { extractComposeImages, extractComposeImagesWithYaml } from '../../server/src/core/compose';
import { readComposeQuickly } from '../../server/src/core/composeQuickRead';

const env = (name: string) => ({ SVC1_IMAGE: 'busybox:1.36', TAG: '1.27', EMPTY: '' })[name];

/** Files the reader must read itself (no fallback): the shapes people write. */
const ORDINARY = [
  readFileSync(join(__dirname, '../../examples/compose.yaml'), 'utf8'),
  'services:\n  web:\n    image: nginx:1.27\n',
  'services:\r\n  web:\r\n    image: "nginx:1.27" # pinned later\r\n    ports: ["8080:80", \'443:443\']\r\n',
  "# top\nname: app\nservices:\n  a:\n    image: 'redis:7'\n    command: >\n      redis-server\n        --appendonly yes\n\n    healthcheck:\n      test: [CMD, redis-cli, ping]\n",
  'services:\n  a:\n    build: .\n    image: app:1\n  b:\n    build:\n      context: ./b\n    image: b:2\n    pull_policy: always\n  c:\n    build:\n    image: c:3\n',
  'services:\n  base:\n    image: postgres:16\n  ext:\n    extends: base\n  ext2:\n    extends:\n      service: base\n  far:\n    extends:\n      file: other.yaml\n      service: base\n',
  'services:\n  a:\n    image: ${TAG}\n  b:\n    image: app:${TAG:-1}\n  c:\n    image: ${UNSET:?must be set}\n  d:\n    image: $${NOT}\n',
  'services:\n  a:\n    image:\n  b:\n    image: ~\n  c:\n    image: null\n  d:\n    image: # later\n',
  'services:\n  a:\n    image: nginx\n    environment:\n    - A=1\n    - B=2\n    volumes:\n      - type: bind\n        source: .\n        target: /app\n      -\n        type: tmpfs\n        target: /tmp\n    labels: {}\n    x: []\n',
  'services:\n  a:\n    image: nginx:1.25\n  a:\n    image: nginx:1.27\n  b:\n    image: x#y\n    entrypoint: |\n      #!/bin/sh\n      echo "a: b"\n    # a comment at another indentation\n  c:\n    image: registry.example.com:5000/team/app:2.1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
  'services:\n  # Öffentliche Dienste — 公開サービス\n  a:\n    image: "nginx:1.27"\n    labels:\n      note: café crème\n',
  'services:\n  # image-trust-ignore=latest-tag\n  a:\n    # image-trust-ignore=latest-tag\n    image: nginx:latest\n',
  '',
  '# only a comment\n',
  'version: "3.8"\nservices: {}\nvolumes:\n  data:\n',
];

/** Forms the reader leaves to `yaml`: it must say it is unsure rather than guess. */
const UNUSUAL = [
  'x: &a nginx\nservices:\n  a:\n    image: *a\n',
  'services:\n  a:\n    <<: {image: x}\n',
  'services:\n  a:\n    image: !!str 1.0\n',
  'services:\n  a:\n    image: "nginx\\t"\n',
  "services:\n  a:\n    image: 'it''s'\n",
  'services:\n  a:\n    image: nginx\n      :1.27\n',
  'services:\n  a:\n    image: "nginx\n      :1.27"\n',
  'services:\n\ta:\n    image: nginx\n',
  'services:\n  a:\n    image: nginx # \u2028\n',
  'services:\n  a:\n    image: nginx # 😀\n',
  '---\nservices:\n  a:\n    image: nginx\n',
  '%YAML 1.2\n---\nservices: {}\n',
  'services:\n  a:\n    image: a: b\n',
  'services:\n  a: {image: nginx}\n',
  'services:\n  a:\n    image: nginx\n   bad: indent\n',
  'services:\n  a:\n    image: [nginx\n    ]\n',
  '? services\n: a\n',
  'services:\n  a:\n    image: |2\n       nginx\n',
  '\uFEFFservices:\n  a:\n    image: nginx\n',
  'services:\r  a:\r    image: nginx\r',
];

function assertSameAsYaml(text: string, label: string): void {
  const quick = extractComposeImages(text, env);
  const slow = extractComposeImagesWithYaml(text, env);
  assert.deepStrictEqual(quick, slow, `${label}: ${JSON.stringify(text)}`);
}

test('ordinary compose files are read without yaml, with the same images, ranges and problems', () => {
  for (const [i, text] of ORDINARY.entries()) {
    assert.notEqual(readComposeQuickly(text), undefined, `case ${i} should be read quickly: ${JSON.stringify(text)}`);
    assertSameAsYaml(text, `case ${i}`);
  }
  // The checks themselves see something: `a` builds its image, `c`'s empty build builds nothing.
  const result = extractComposeImages(ORDINARY[4], env);
  assert.deepEqual(
    result.occurrences.map((o) => o.text),
    ['b:2', 'c:3'],
  );
});

test('the generated benchmark compose files are all read quickly, and as yaml reads them', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const text = generateCompose(3 + (seed % 23), seed);
    assert.notEqual(readComposeQuickly(text), undefined, `seed ${seed}`);
    assertSameAsYaml(text, `seed ${seed}`);
  }
});

test('unusual YAML is left to yaml, and extraction still reads it', () => {
  for (const [i, text] of UNUSUAL.entries()) {
    assert.equal(readComposeQuickly(text), undefined, `case ${i} should be left to yaml: ${JSON.stringify(text)}`);
    assertSameAsYaml(text, `unusual ${i}`);
  }
});

test('values the core schema reads as numbers or booleans fall back to yaml where extraction reads them', () => {
  const text = 'services:\n  a:\n    image: 1.0\n  b:\n    image: nginx\n    pull_policy: true\n    build: .\n';
  const result = extractComposeImages(text, env);
  assert.deepEqual(result, extractComposeImagesWithYaml(text, env));
  assert.equal(result.problems[0]?.code, 'invalid-reference');
});

/** One random change in the places YAML is sensitive to. */
function mutate(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const pieces = [
    ' ',
    '  ',
    ':',
    ': ',
    '#',
    ' #',
    '-',
    '- ',
    '"',
    "'",
    '\n',
    '\r\n',
    '[',
    ']',
    '{',
    '}',
    ',',
    '|',
    '>',
    '&',
    '*',
    '!',
    '~',
    '1',
    '\t',
    'é',
    '\u00a0',
    '\u2028',
    '\u0085',
    '\ufeff',
    '😀',
    '\\',
    '.',
    '$',
    'x',
  ];
  const roll = random();
  if (roll < 0.45) return text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at);
  if (roll < 0.7) return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
  const lines = text.split('\n');
  const i = Math.floor(random() * lines.length);
  if (roll < 0.8) lines.splice(i, 0, lines[Math.floor(random() * lines.length)]);
  else if (roll < 0.9) lines[i] = random() < 0.5 ? ` ${lines[i]}` : lines[i].replace(/^ /, '');
  else lines.splice(i, 1);
  return lines.join('\n');
}

test('randomly mutated compose files: whatever the quick reader accepts, it reads as yaml does', () => {
  const random = seededRandom(20261130);
  const bases = [...ORDINARY.filter((t) => t.length > 20), generateCompose(4, 3), generateCompose(6, 9)];
  let accepted = 0;
  let rejected = 0;
  for (let i = 0; i < 4000; i++) {
    let text = bases[i % bases.length];
    const changes = 1 + Math.floor(random() * 3);
    for (let c = 0; c < changes; c++) text = mutate(text, random);
    if (readComposeQuickly(text) === undefined) rejected++;
    else accepted++;
    assertSameAsYaml(text, `mutation ${i}`);
  }
  // Both sides of the comparison are exercised: many mutants stay readable, many do not.
  assert.ok(accepted > 1000, `accepted ${accepted}`);
  assert.ok(rejected > 500, `rejected ${rejected}`);
});
