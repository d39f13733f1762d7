// How Compose decides which image a compose file pulls. Each test cites the section of the Compose
// specification (https://github.com/compose-spec/compose-spec/blob/main/spec.md and build.md) that
// decides it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument } from '../../server/src/core/analyze';
import { extractComposeImages } from '../../server/src/core/compose';
import { parseDotEnv } from '../../server/src/core/interpolate';
import { LineIndex } from '../../server/src/core/lineIndex';
import { planPins } from '../../server/src/features/pin';

const env = (vars: Record<string, string>) => (name: string) => vars[name];

function images(text: string, vars: Record<string, string> = {}) {
  const { occurrences, problems } = extractComposeImages(text, env(vars));
  const lines = new LineIndex(text);
  return { list: occurrences.map((o) => ({ text: lines.textIn(o.range), resolved: o.resolved, o })), problems, lines };
}

test('image with build names what Compose builds: not an image to pull', () => {
  // build.md "Using build and image": Compose builds the image when it is not there, then tags it
  // with `image`; spec "pull_policy": `build` always builds.
  const text = [
    'services:',
    '  app:',
    '    build: .',
    '    image: my-org/app:dev',
    '  ctx:',
    '    build: { context: ./api }',
    '    image: registry.example.com/team/api',
    '    pull_policy: build',
    '  db:',
    '    image: postgres:16',
    '',
  ].join('\n');
  assert.deepEqual(
    images(text).list.map((l) => l.text),
    ['postgres:16'],
  );
});

test('build with a pulling pull_policy still pulls the image', () => {
  // spec "pull_policy": `always` pulls from the registry whatever else the service says.
  const text = 'services:\n  app:\n    build: .\n    image: nginx:1.27\n    pull_policy: always\n';
  assert.deepEqual(
    images(text).list.map((l) => l.text),
    ['nginx:1.27'],
  );
});

test('build inherited through extends makes image a build tag too', () => {
  // spec "extends": the service gets the base service's keys, its own keys win.
  const text =
    'services:\n  base:\n    build: .\n    image: app:dev\n  child:\n    extends: base\n    image: app:child\n  other:\n    extends: { service: db }\n  db:\n    image: postgres:16\n';
  assert.deepEqual(
    images(text).list.map((l) => l.text),
    ['postgres:16'],
  );
});

test('anchors, aliases and merge keys resolve as Compose does; ranges point at the anchored text', () => {
  // spec "Fragments" (YAML anchors and aliases) and "Extension" with merge keys (`<<`).
  const text = [
    'x-base: &base',
    '  image: redis:latest',
    '  restart: always',
    'x-img: &img nginx:1.27',
    'services:',
    '  cache:',
    '    <<: *base',
    '  cache2:',
    '    <<: *base',
    '  web:',
    '    image: *img',
    '  override:',
    '    <<: *base',
    '    image: busybox:1.36',
    '',
  ].join('\n');
  const { list } = images(text);
  assert.deepEqual(
    list.map((l) => [l.text, l.o.range.start.line]),
    [
      ['redis:latest', 1],
      ['nginx:1.27', 3],
      ['busybox:1.36', 13],
    ],
  );
});

test('pin edits an anchored image once for every service that uses it', () => {
  // spec "Fragments": the aliased services all use the one anchored value.
  const text = 'x-img: &img nginx:1.27\nservices:\n  a:\n    image: *img\n  b:\n    image: *img\n';
  const analysis = analyzeDocument(text, 'compose');
  const digest = `sha256:${'a'.repeat(64)}`;
  const plan = planPins(analysis, () => ({ currentDigest: { state: 'known', value: digest } }));
  assert.equal(plan.edits.length, 1);
  assert.equal(plan.edits[0].range.start.line, 0);
  assert.equal(plan.edits[0].newText, `nginx:1.27@${digest}`);
});

test('a merge list: earlier mappings win, the service’s own keys win over all', () => {
  // YAML merge key type (https://yaml.org/type/merge.html), which Compose applies.
  const text = 'x-a: &a { image: alpine:3.20 }\nx-b: &b { image: busybox:1.36 }\nservices:\n  s:\n    <<: [*a, *b]\n';
  assert.deepEqual(
    images(text).list.map((l) => l.text),
    ['alpine:3.20'],
  );
});

test('folded and literal block scalars: the reference is the value, not the indicator', () => {
  // YAML block scalars; Compose reads the string value.
  const text = 'services:\n  a:\n    image: >-\n      nginx:1.27\n  b:\n    image: |\n      redis:7\n';
  const { list } = images(text);
  assert.deepEqual(
    list.map((l) => [l.text, l.resolved]),
    [
      ['nginx:1.27', 'nginx:1.27'],
      ['redis:7', 'redis:7'],
    ],
  );
  assert.deepEqual(list[0].o.range, { start: { line: 3, character: 6 }, end: { line: 3, character: 16 } });
  assert.equal(list[0].o.editBlockedReason, undefined);
});

test('.env values use earlier values unless single-quoted', () => {
  // Compose docs ".env file syntax": unquoted and double-quoted values are interpolated,
  // single-quoted values are literal.
  const values = parseDotEnv('MAJOR=3.12\nPYV=${MAJOR}-slim\nQ="python:${PYV}"\nL=\'${MAJOR}\'\nESC=$$MAJOR\n');
  assert.equal(values.get('PYV'), '3.12-slim');
  assert.equal(values.get('Q'), 'python:3.12-slim');
  assert.equal(values.get('L'), '${MAJOR}');
  assert.equal(values.get('ESC'), '$MAJOR');
  const { list, problems } = images('services:\n  a:\n    image: python:${PYV}\n', Object.fromEntries(values));
  assert.equal(list[0].resolved, 'python:3.12-slim');
  assert.equal(problems.length, 0);
});

test('.env: the environment wins inside .env interpolation; unknown values are not guessed', () => {
  // Compose docs "Interpolation": the shell environment takes precedence over .env.
  const values = parseDotEnv('MAJOR=3.11\nPYV=${MAJOR}-slim\nX=${NOWHERE}-slim\n', (n) =>
    n === 'MAJOR' ? '3.13' : undefined,
  );
  assert.equal(values.get('PYV'), '3.13-slim');
  assert.equal(values.has('X'), false);
});

test('${IMG:-default} with IMG empty uses the default, and pin edits the default', () => {
  // spec "Interpolation": `${VAR:-default}` uses default when VAR is unset or empty.
  const text = 'services:\n  a:\n    image: ${IMG:-nginx:1.25}\n  b:\n    image: ${IMG-nginx:1.25}\n';
  const { list, lines } = images(text, { IMG: '' });
  assert.equal(list[0].resolved, 'nginx:1.25');
  assert.equal(lines.textIn(list[0].o.editTarget!.range), 'nginx:1.25');
  assert.equal(list[0].o.editBlockedReason, undefined);
  // `-` uses the default only when unset: empty stays empty.
  assert.equal(list[1].resolved, '');
});

test('$$ is a literal dollar; ${VAR:?err} says what is required', () => {
  // spec "Interpolation": `$$` escapes, `${VAR:?err}` exits with err when VAR is unset or empty.
  const { list, problems } = images('services:\n  a:\n    image: ${IMG:?set IMG to the image}\n');
  assert.equal(list[0].resolved, undefined);
  assert.match(problems[0].message, /set IMG to the image/);
});

test('profiles do not hide a service: its image is checked', () => {
  // spec "profiles": a service with profiles is started when its profile is enabled; it is still
  // part of the model and pulled then.
  const text = 'services:\n  debug:\n    image: busybox:1.36\n    profiles: [debug]\n';
  assert.deepEqual(
    images(text).list.map((l) => l.text),
    ['busybox:1.36'],
  );
});
