import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractGitlabCiImages, gitlabLocalIncludes } from '../../../server/src/core/kinds/gitlabCi';
import { LineIndex } from '../../../server/src/core/lineIndex';
import { referenceFix } from '../../../server/src/core/rules/fixes';
import { assertRangesExact, fixture, images } from './support';

test("GitLab's own Docker template: job images and services", () => {
  const text = fixture('gitlab/.gitlab-ci.yml');
  const result = extractGitlabCiImages(text);
  assert.deepEqual(images(result), ['docker:latest', 'docker:dind', 'docker:latest', 'docker:dind']);
  assert.deepEqual(
    result.occurrences.map((o) => o.source),
    ['gitlab-image', 'gitlab-service', 'gitlab-image', 'gitlab-service'],
  );
  assertRangesExact(text, result);
});

test('top level, default:, hidden jobs, {name} objects; keywords are not jobs', () => {
  const text = [
    'image: ruby:3.3',
    'services: [postgres:16.4]',
    'default:',
    '  image:',
    '    name: node:22',
    '    entrypoint: [""]',
    '.template:',
    '  services:',
    '    - name: redis:7.4',
    '      alias: cache',
    'variables:',
    '  image: not-an-image-here',
    'cache:',
    '  image: nope',
    'build:',
    '  image: golang:1.23',
    '',
  ].join('\n');
  const result = extractGitlabCiImages(text);
  assert.deepEqual(images(result), ['ruby:3.3', 'postgres:16.4', 'node:22', 'redis:7.4', 'golang:1.23']);
  assertRangesExact(text, result);
});

test('dependency proxy prefixes mean Docker Hub; the range is the reference after the prefix', () => {
  const text =
    'a:\n  image: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/alpine:3.20\nb:\n  image: $CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX/node:22\n';
  const result = extractGitlabCiImages(text);
  assert.deepEqual(images(result), ['alpine:3.20', 'node:22']);
  const lines = new LineIndex(text);
  assert.equal(lines.textIn(result.occurrences[0].range), 'alpine:3.20');
  assert.deepEqual(result.problems, []);
});

test('variables: one defined in the file is resolved and pinned where it is set; others are unknown', () => {
  const text =
    'variables:\n  BASE: "python:3.12"\njob:\n  image: $BASE\nother:\n  image: $CI_REGISTRY_IMAGE/app:latest\n';
  const result = extractGitlabCiImages(text);
  assert.deepEqual(images(result), ['python:3.12', undefined]);
  const [base, other] = result.occurrences;
  const fix = referenceFix(base, 'Pin', '3.12', `sha256:${'c'.repeat(64)}`);
  assert.equal(new LineIndex(text).textIn(fix.range!), 'python:3.12');
  assert.equal(fix.replacement, `python:3.12@sha256:${'c'.repeat(64)}`);
  assert.deepEqual(other.unresolvedVariables, ['CI_REGISTRY_IMAGE']);
  assert.match(result.problems[0].message, /\$CI_REGISTRY_IMAGE is set outside this file/);
});

test('local includes', () => {
  assert.deepEqual(
    gitlabLocalIncludes(
      "include:\n  - local: /ci/build.yml\n  - '/ci/test.yml'\n  - remote: https://x/y.yml\n  - template: Auto-DevOps.gitlab-ci.yml\n  - https://example.com/z.yml\n",
    ),
    ['/ci/build.yml', '/ci/test.yml'],
  );
  assert.deepEqual(gitlabLocalIncludes('include: .gitlab/ci/lint.yml\n'), ['.gitlab/ci/lint.yml']);
});
