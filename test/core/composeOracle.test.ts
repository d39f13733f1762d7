// Cross-checks compose interpolation, anchors, aliases, merge keys and same-file extends against
// Debian's docker-compose 1.29 (`docker-compose config` needs no engine), on the cases where version
// 1 and the current Compose specification agree. Where they differ is written in docs/compose.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { extractComposeImages } from '../../server/src/core/compose';
import { composeEnvironment } from '../../server/src/services/documentContext';

const DOT_ENV = ['MAJOR=3.12', 'PYV=${MAJOR}-slim', 'D="d${MAJOR}"', 'C=x # comment', 'E=', 'N=${MAJOR:-0}.1', ''].join(
  '\n',
);

// Spec "Interpolation", "Fragments", "Extension" and "extends"; one service per case.
const COMPOSE = `x-a: &a { image: alpine:3.20 }
x-b: &b { image: busybox:1.36 }
x-img: &img nginx:1.27
x-base: &base
  image: redis:latest
  restart: always
services:
  chain:
    image: python:\${PYV}
  dquoted:
    image: d:\${D}
  comment:
    image: c:\${C}
  emptydefault:
    image: \${E:-nginx:1.25}
  unsetdefault:
    image: \${UNSET_X-nginx:1.24}
  defaultinenv:
    image: app:\${N}
  merged:
    <<: *base
  mergelist:
    <<: [*a, *b]
  override:
    <<: *base
    image: busybox:1.37
  alias:
    image: *img
  folded:
    image: >-
      nginx:1.26
  base:
    image: postgres:16
  ext:
    extends: base
  extmap:
    extends: { service: base }
`;

test('docker-compose config resolves the same images image-trust does', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-oracle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, '.env'), DOT_ENV);
  writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE);
  const run = spawnSync('docker-compose', ['config'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir },
  });
  assert.equal(run.error, undefined, 'docker-compose must be installed (scripts/setup-test-env.sh installs it)');
  assert.equal(run.status, 0, run.stderr);
  const config = parse(run.stdout) as { services: Record<string, { image?: string }> };
  // `config` prints a literal `$` as `$$`.
  const oracle = Object.fromEntries(
    Object.entries(config.services).map(([name, s]) => [name, s.image?.replace(/\$\$/g, '$')]),
  );

  const ours = new Map<number, string | undefined>();
  const { occurrences } = extractComposeImages(COMPOSE, composeEnvironment(join(dir, 'docker-compose.yml'), {}));
  for (const o of occurrences) ours.set(o.range.start.line, o.resolved);
  const expected: Record<string, string> = {
    chain: 'python:3.12-slim',
    dquoted: 'd:d3.12',
    comment: 'c:x',
    emptydefault: 'nginx:1.25',
    unsetdefault: 'nginx:1.24',
    defaultinenv: 'app:3.12.1',
    merged: 'redis:latest',
    mergelist: 'alpine:3.20',
    override: 'busybox:1.37',
    alias: 'nginx:1.27',
    folded: 'nginx:1.26',
    base: 'postgres:16',
    ext: 'postgres:16',
    extmap: 'postgres:16',
  };
  for (const [service, image] of Object.entries(expected)) assert.equal(oracle[service], image, `oracle: ${service}`);
  // Services that share an anchored value or an extended base share one occurrence.
  assert.deepEqual([...ours.values()].sort(), [...new Set(Object.values(expected))].sort());
});
