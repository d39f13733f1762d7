import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectFileKind } from '../../../server/src/core/kinds/fileKinds';
import { matchesGlob } from '../../../server/src/core/kinds/glob';
import { fixture } from './support';

test('kinds decided by name', () => {
  const cases: Array<[string, string | undefined]> = [
    ['repo/docker-bake.hcl', 'bake'],
    ['repo/docker-bake.override.json', 'bake'],
    ['repo/bake.hcl', undefined],
    ['repo/.devcontainer.json', 'devcontainer'],
    ['repo/.devcontainer/devcontainer.json', 'devcontainer'],
    ['repo/.devcontainer/python/devcontainer.json', 'devcontainer'],
    ['repo/devcontainer.json', undefined],
    ['repo/.gitlab-ci.yml', 'gitlab-ci'],
    ['repo/.github/workflows/ci.yaml', 'github-actions'],
    ['repo/.gitea/workflows/ci.yml', 'github-actions'],
    ['repo/workflow-templates/ci.yml', 'github-actions'],
    ['repo/.github/actions/setup/action.yml', 'github-actions'],
    ['repo/action.yaml', 'github-actions'],
    ['repo/.github/dependabot.yml', undefined],
    ['repo/chart/values.yaml', 'helm-values'],
    ['repo/chart/values-prod.yaml', undefined],
    ['repo/compose.yaml', 'compose'],
    ['repo/Dockerfile', 'dockerfile'],
    ['repo/.image-trust.yaml', 'policy'],
  ];
  for (const [path, kind] of cases) assert.equal(detectFileKind(path), kind, path);
});

test('values files beside a Chart.yaml', () => {
  assert.equal(detectFileKind('c/values-prod.yaml', { siblingExists: (n) => n === 'Chart.yaml' }), 'helm-values');
  assert.equal(detectFileKind('c/values-prod.yaml', { siblingExists: () => false }), undefined);
});

test('Kubernetes manifests by content; Helm templates and unrelated YAML are not', () => {
  const k8s = fixture('k8s/cassandra-statefulset.yaml');
  assert.equal(detectFileKind('deploy/db.yaml', { readText: () => k8s }), 'kubernetes');
  assert.equal(detectFileKind('deploy/db.yml', { readText: () => fixture('k8s/image-volumes.yaml') }), 'kubernetes');
  assert.equal(
    detectFileKind('site/_config.yml', { readText: () => fixture('unrelated/site/_config.yml') }),
    undefined,
  );
  const template = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n';
  assert.equal(detectFileKind('chart/templates/deploy.yaml', { readText: () => template }), undefined);
  assert.equal(detectFileKind('notes.txt', { readText: () => k8s }), undefined);
});

test('files included by a .gitlab-ci.yml are GitLab CI', () => {
  assert.equal(detectFileKind('ci/build.yml', { includedByGitlabCi: () => true }), 'gitlab-ci');
  assert.equal(detectFileKind('ci/build.yml', { includedByGitlabCi: () => false }), undefined);
});

test('user globs per kind win, relative to their base', () => {
  const userGlobs = [{ base: '/w', globs: { kubernetes: ['deploy/**/*.yaml'], 'gitlab-ci': ['*.ci.yml'] } }];
  assert.equal(detectFileKind('/w/deploy/a/b.yaml', { userGlobs }), 'kubernetes');
  assert.equal(detectFileKind('/w/other/b.yaml', { userGlobs }), undefined);
  assert.equal(detectFileKind('/w/x/lint.ci.yml', { userGlobs }), 'gitlab-ci');
  assert.equal(detectFileKind('/elsewhere/deploy/b.yaml', { userGlobs }), undefined);
});

test('glob dialect', () => {
  assert.ok(matchesGlob('a/b/c.yaml', '**/*.yaml'));
  assert.ok(matchesGlob('c.yaml', '**/*.yaml'));
  assert.ok(matchesGlob('k8s/x.yml', 'k8s/*.{yml,yaml}'));
  assert.ok(!matchesGlob('k8s/sub/x.yml', 'k8s/*.yml'));
  assert.ok(matchesGlob('deep/x.values.yaml', '*.values.yaml'));
  assert.ok(!matchesGlob('x.yaml', 'x.yml'));
});
