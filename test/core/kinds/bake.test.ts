import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { bakeOverrides, extractBakeImages } from '../../../server/src/core/kinds/bake';
import { LineIndex } from '../../../server/src/core/lineIndex';
import { bakeNotesFor, bakeReplacementsFor } from '../../../server/src/services/bakeOverrides';
import type { ImageOccurrence } from '../../../server/src/core/types';
import { assertRangesExact, fixture, FIXTURES, images } from './support';

test('contexts docker-image:// of a real bake file (xrelkd/clipcat)', () => {
  const text = fixture('bake/docker-bake.hcl');
  const result = extractBakeImages(text);
  assert.equal(result.occurrences.length, 2);
  for (const o of result.occurrences) {
    assert.equal(o.source, 'bake-context');
    assert.match(o.resolved!, /^docker\.io\/library\/(rust|alpine):/);
  }
  assertRangesExact(text, result);
  const overrides = bakeOverrides(text, 'docker-bake.hcl');
  assert.deepEqual(
    overrides.map((o) => [o.target, o.name, o.dockerfile]),
    [
      ['clipcat', 'rust', 'dev-support/containers/alpine/Containerfile'],
      ['clipcat', 'alpine', 'dev-support/containers/alpine/Containerfile'],
    ],
  );
});

test('other context values, comments, heredocs and interpolation', () => {
  const text = [
    '# contexts = { x = "docker-image://commented:1" }',
    'variable "TAG" { default = "3.20" }',
    'target "app" {',
    '  /* block comment with "docker-image://nope:1" */',
    '  dockerfile-inline = <<EOT',
    'FROM scratch',
    'contexts = { y = "docker-image://in-heredoc:1" }',
    'EOT',
    '  contexts = {',
    '    src = "./src"',
    '    base = "target:base"',
    '    "alpine:3.20" = "docker-image://alpine:3.20@sha256:' + 'a'.repeat(64) + '"',
    '    tool = "docker-image://ghcr.io/o/tool:${TAG}"',
    '    git = "https://github.com/o/r.git"',
    '  }',
    '}',
    '',
  ].join('\n');
  const result = extractBakeImages(text);
  assert.deepEqual(images(result), [`alpine:3.20@sha256:${'a'.repeat(64)}`, undefined]);
  assert.deepEqual(result.occurrences[1].unresolvedVariables, ['TAG']);
  assert.equal(result.problems.length, 1);
  assertRangesExact(text, result);
});

test('docker-bake.json', () => {
  const text = JSON.stringify(
    { target: { app: { dockerfile: 'Dockerfile', contexts: { golang: 'docker-image://golang:1.23', s: './s' } } } },
    null,
    2,
  );
  const result = extractBakeImages(text, 'docker-bake.json');
  assert.deepEqual(images(result), ['golang:1.23']);
  assert.equal(new LineIndex(text).textIn(result.occurrences[0].range), 'golang:1.23');
});

test("the Dockerfile's FROM that a bake context replaces gets a hover note; others do not", () => {
  const root = join(FIXTURES, 'bake');
  const dockerfile = join(root, 'dev-support', 'containers', 'alpine', 'Containerfile');
  const replacements = bakeReplacementsFor(dockerfile, [root]);
  assert.deepEqual(
    replacements.map((r) => r.override.name),
    ['rust', 'alpine'],
  );
  const from = (resolved: string): ImageOccurrence => ({
    text: resolved,
    resolved,
    range: { start: { line: 3, character: 5 }, end: { line: 3, character: 9 } },
    source: 'from',
    suppressed: new Set(),
  });
  const [note] = bakeNotesFor(dockerfile, from('rust'), [root]);
  assert.match(note, /Replaced by bake.*target `clipcat`.*docker-image:\/\/docker\.io\/library\/rust:/);
  assert.deepEqual(bakeNotesFor(dockerfile, from('debian'), [root]), []);
  assert.deepEqual(bakeNotesFor(join(root, 'Dockerfile'), from('rust'), [root]), []);
});
