import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractDevcontainerImages } from '../../../server/src/core/kinds/devcontainer';
import { assertRangesExact, fixture, images } from './support';

test('image and features of the devcontainers/images repository', () => {
  const text = fixture('devcontainer/.devcontainer/devcontainer.json');
  const result = extractDevcontainerImages(text);
  assert.deepEqual(images(result), [
    'mcr.microsoft.com/devcontainers/javascript-node:3-22',
    'ghcr.io/devcontainers/features/docker-in-docker:2',
    'ghcr.io/devcontainers/features/azure-cli:1',
  ]);
  assert.deepEqual(
    result.occurrences.map((o) => o.source),
    ['devcontainer-image', 'devcontainer-feature', 'devcontainer-feature'],
  );
  assertRangesExact(text, result);
});

test('JSON with comments (javascript-node definition): build.dockerfile is not an image here', () => {
  const text = fixture('devcontainer/node/.devcontainer/devcontainer.json');
  const result = extractDevcontainerImages(text);
  assert.ok(result.occurrences.length >= 2);
  for (const o of result.occurrences) assert.match(o.resolved!, /^ghcr\.io\/devcontainers\/features\//);
  assert.deepEqual(result.problems, []);
  assertRangesExact(text, result);
});

test('trailing commas, a // suppression comment, local features skipped, ${localEnv:…} unknown', () => {
  const text = [
    '{',
    '  // image-trust-ignore=latest-tag',
    '  "image": "ubuntu:latest",',
    '  "features": {',
    '    "./local-feature": {},',
    '    "https://example.com/feature.tgz": {},',
    '    "ghcr.io/devcontainers/features/node:1": { "version": "22" },',
    '  },',
    '}',
    '',
  ].join('\n');
  const result = extractDevcontainerImages(text);
  assert.deepEqual(images(result), ['ubuntu:latest', 'ghcr.io/devcontainers/features/node:1']);
  assert.deepEqual([...result.occurrences[0].suppressed], ['latest-tag']);
  assert.deepEqual(result.problems, []);
  const env = extractDevcontainerImages('{ "image": "${localEnv:BASE_IMAGE}" }');
  assert.equal(env.occurrences[0].resolved, undefined);
  assert.equal(env.problems[0].code, 'unresolved-variable');
});

test('broken JSON is a problem, never a throw', () => {
  const result = extractDevcontainerImages('{ "image": "node:22", ');
  assert.ok(result.problems.some((p) => p.code === 'invalid-document'));
  assert.deepEqual(images(result), ['node:22']);
});
