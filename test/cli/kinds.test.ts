// The CLI's folder walk finds every kind of file in a tree of real files and skips unrelated YAML;
// --format codeclimate; the policy's files: globs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const FIXTURES = join(__dirname, '..', 'fixtures', 'kinds');
let dir: string;

function run(args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, IMAGE_TRUST_CACHE_DIR: '', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonReport {
  files: Array<{ path: string; findings: Array<{ rule: string; line: number; reference: string }> }>;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-kinds-'));
  cpSync(FIXTURES, join(dir, 'repo'), { recursive: true });
  // A pipeline that includes a file whose name says nothing.
  writeFileSync(join(dir, 'repo', 'gitlab', '.gitlab-ci.yml'), 'include:\n  - local: /ci/lint.yml\n', { flag: 'a' });
  mkdirSync(join(dir, 'repo', 'gitlab', 'ci'));
  writeFileSync(join(dir, 'repo', 'gitlab', 'ci', 'lint.yml'), 'lint:\n  image: hadolint/hadolint:v2.12.0\n');
  writeFileSync(join(dir, 'repo', 'gitlab', 'ci', 'unused.yml'), 'x:\n  image: nope:1\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a folder walk finds each kind and skips unrelated YAML', () => {
  const r = run(['lint', '--offline', '--format', 'json', '--fail-on', 'never', 'repo']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const paths = report.files.map((f) => f.path).sort();
  assert.deepEqual(paths, [
    'repo/bake/dev-support/containers/alpine/Containerfile',
    'repo/bake/docker-bake.hcl',
    'repo/devcontainer/.devcontainer/devcontainer.json',
    'repo/devcontainer/node/.devcontainer/devcontainer.json',
    'repo/gha/.github/workflows/postgres-service.yml',
    'repo/gitlab/.gitlab-ci.yml',
    'repo/gitlab/ci/lint.yml',
    'repo/helm/node-exporter/values.yaml',
    'repo/k8s/cassandra-statefulset.yaml',
    'repo/k8s/cronjob.yaml',
    'repo/k8s/image-volumes.yaml',
    'repo/k8s/javaweb-2.yaml',
    'repo/k8s/prometheus-adapter.yaml',
    'repo/k8s/scalibr-comprehensive-test.yaml',
  ]);
  const byPath = new Map(report.files.map((f) => [f.path, f.findings]));
  assert.ok(byPath.get('repo/k8s/cronjob.yaml')!.some((f) => f.rule === 'missing-tag' && f.reference === 'busybox'));
  assert.ok(byPath.get('repo/gitlab/ci/lint.yml')!.some((f) => f.reference === 'hadolint/hadolint:v2.12.0'));
  assert.ok(byPath.get('repo/helm/node-exporter/values.yaml')!.some((f) => f.rule === 'latest-tag' && f.line === 554));
});

test('--format codeclimate: GitLab code quality issues with stable fingerprints', () => {
  const r = run(['lint', '--offline', '--format', 'codeclimate', '--fail-on', 'never', 'repo/gitlab']);
  assert.equal(r.code, 0, r.stderr);
  const issues = JSON.parse(r.stdout) as Array<
    Record<string, unknown> & { location: { path: string; lines: { begin: number } } }
  >;
  assert.ok(issues.length >= 4);
  for (const issue of issues) {
    assert.equal(issue.type, 'issue');
    assert.equal(typeof issue.description, 'string');
    assert.equal(typeof issue.check_name, 'string');
    assert.match(issue.fingerprint as string, /^[0-9a-f]{64}$/);
    assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(issue.severity as string));
    assert.ok(issue.location.lines.begin >= 1);
  }
  const latest = issues.find((i) => i.check_name === 'latest-tag')!;
  assert.equal(latest.severity, 'major');
  assert.equal(latest.location.path, 'repo/gitlab/.gitlab-ci.yml');
  assert.equal(latest.location.lines.begin, 3);
  assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
  const again = JSON.parse(
    run(['lint', '--offline', '--format', 'codeclimate', '--fail-on', 'never', 'repo/gitlab']).stdout,
  ) as typeof issues;
  assert.deepEqual(
    again.map((i) => i.fingerprint),
    issues.map((i) => i.fingerprint),
  );
});

test("the policy's files: globs add layouts the names do not say", () => {
  const root = join(dir, 'globbed');
  mkdirSync(join(root, 'deploy'), { recursive: true });
  writeFileSync(join(root, 'deploy', 'web.yml'), 'jobs:\n  a:\n    container: node:10\n');
  writeFileSync(join(root, 'deploy', 'other.yml'), 'jobs:\n  a:\n    container: node:10\n');
  const without = JSON.parse(run(['lint', '--offline', '--format', 'json', '--fail-on', 'never', '.'], root).stdout);
  assert.deepEqual(without.files, []);
  writeFileSync(join(root, '.image-trust.yaml'), 'files:\n  github-actions: ["deploy/web.yml"]\n');
  const withGlobs = JSON.parse(
    run(['lint', '--offline', '--format', 'json', '--fail-on', 'never', '.'], root).stdout,
  ) as JsonReport;
  assert.deepEqual(
    withGlobs.files.map((f) => f.path),
    ['deploy/web.yml'],
  );
  assert.ok(withGlobs.files[0].findings.some((f) => f.rule === 'eol-version'));
  writeFileSync(join(root, '.image-trust.yaml'), 'files:\n  podman: ["*.yml"]\n');
  const bad = run(['lint', '--offline', '.'], root);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown file kind "podman"/);
});
