import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractGithubActionsImages } from '../../../server/src/core/kinds/githubActions';
import { LineIndex } from '../../../server/src/core/lineIndex';
import { assertRangesExact, fixture, images } from './support';

test('job container ({image}) and services (actions/example-services); uses: owner/action@v1 is not an image', () => {
  const text = fixture('gha/.github/workflows/postgres-service.yml');
  const result = extractGithubActionsImages(text);
  assert.deepEqual(images(result), ['node:10.16-jessie', 'postgres:10.8', 'postgres:10.8']);
  assert.deepEqual(
    result.occurrences.map((o) => o.source),
    ['actions-container', 'actions-service', 'actions-service'],
  );
  assert.deepEqual(result.problems, []);
  assertRangesExact(text, result);
});

test('container and services as strings, docker:// steps, expressions are known only at run time', () => {
  const text = [
    'jobs:',
    '  test:',
    '    container: node:20-bookworm',
    '    services:',
    '      redis: redis:7.4',
    '      db:',
    '        image: ${{ matrix.db }}',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: docker://alpine:3.8',
    "      - uses: 'docker://ghcr.io/owner/image:1'",
    '      - uses: ./local-action',
    '',
  ].join('\n');
  const result = extractGithubActionsImages(text);
  assert.deepEqual(images(result), ['node:20-bookworm', 'redis:7.4', undefined, 'alpine:3.8', 'ghcr.io/owner/image:1']);
  assert.deepEqual(result.occurrences[2].unresolvedVariables, ['matrix.db']);
  assert.equal(result.problems.length, 1);
  assert.match(result.problems[0].message, /only known when the workflow runs/);
  // The range leaves out docker:// so a pin rewrites the reference alone.
  const lines = new LineIndex(text);
  assert.equal(lines.textIn(result.occurrences[3].range), 'alpine:3.8');
  assertRangesExact(text, result);
});

test('action.yml runs.image docker://; a Dockerfile path is not a reference', () => {
  const docker = "name: x\nruns:\n  using: docker\n  image: 'docker://debian:12.8'\n";
  assert.deepEqual(images(extractGithubActionsImages(docker)), ['debian:12.8']);
  const local = 'name: x\nruns:\n  using: docker\n  image: Dockerfile\n';
  assert.deepEqual(images(extractGithubActionsImages(local)), []);
  const composite = 'name: x\nruns:\n  using: composite\n  steps:\n    - uses: docker://busybox:1.36\n';
  assert.deepEqual(images(extractGithubActionsImages(composite)), ['busybox:1.36']);
});

test('suppression comment above container', () => {
  const text = 'jobs:\n  a:\n    # image-trust-ignore=eol-version\n    container: node:10\n';
  assert.deepEqual([...extractGithubActionsImages(text).occurrences[0].suppressed], ['eol-version']);
});
