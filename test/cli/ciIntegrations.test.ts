// Where checks run: the GitHub Action (its lint step run for real on fixtures), the pre-commit
// hook definition and the GitLab code quality job.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseArgs } from '../../server/src/cli/args';

const ROOT = join(__dirname, '..', '..');
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-ci-'));
  cpSync(join(ROOT, 'test', 'fixtures', 'kinds'), join(dir, 'repo'), { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function runLintStep(inputs: Record<string, string>) {
  const output = join(dir, `output-${Object.values(inputs).join('-').replace(/\W/g, '')}`);
  writeFileSync(output, '');
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'action-lint.sh')], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: output, IMAGE_TRUST_CACHE_DIR: '', ...inputs },
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr, output: readFileSync(output, 'utf8') };
}

test('action.yml: a composite action on Node 20 that lints, uploads SARIF even on findings, then fails', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  assert.equal(action.runs.using, 'composite');
  const steps = action.runs.steps as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(steps.find((s) => String(s.uses).startsWith('actions/setup-node@'))!.with['node-version'], 20);
  const lint = steps.findIndex((s) => s.id === 'lint');
  const upload = steps.findIndex((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));
  const fail = steps.findIndex((s) => s.name === 'Fail on findings');
  assert.ok(lint >= 0 && lint < upload && upload < fail);
  assert.match(steps[upload].if, /always\(\)/);
  assert.equal(steps[upload].with.sarif_file, '${{ inputs.sarif-file }}');
  assert.deepEqual(Object.keys(action.inputs).sort(), [
    'config',
    'fail-on',
    'offline',
    'paths',
    'sarif-file',
    'upload',
  ]);
});

test("the action's lint step writes SARIF for the given paths and reports the exit code as an output", () => {
  const failing = runLintStep({
    IMAGE_TRUST_PATHS: 'repo/k8s repo/gitlab',
    IMAGE_TRUST_FAIL_ON: 'warning',
    IMAGE_TRUST_SARIF: 'out.sarif',
    IMAGE_TRUST_OFFLINE: 'true',
  });
  assert.equal(failing.code, 0, failing.stderr);
  assert.equal(failing.output, 'exit-code=1\n');
  const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
  assert.equal(sarif.version, '2.1.0');
  const uris = new Set(
    sarif.runs[0].results.map(
      (r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) =>
        r.locations[0].physicalLocation.artifactLocation.uri,
    ),
  );
  assert.ok([...uris].some((u) => String(u).endsWith('k8s/cronjob.yaml')));
  assert.ok([...uris].some((u) => String(u).endsWith('.gitlab-ci.yml')));
  const passing = runLintStep({
    IMAGE_TRUST_PATHS: 'repo/k8s',
    IMAGE_TRUST_FAIL_ON: 'never',
    IMAGE_TRUST_SARIF: 'never.sarif',
    IMAGE_TRUST_OFFLINE: 'true',
  });
  assert.equal(passing.output, 'exit-code=0\n');
  const usage = runLintStep({ IMAGE_TRUST_PATHS: 'missing-folder', IMAGE_TRUST_SARIF: 'x.sarif' });
  assert.equal(usage.output, 'exit-code=2\n');
});

test('pre-commit hook: runs the package bin on the changed files of every kind', () => {
  const [hook] = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(hook.language, 'node');
  assert.equal(hook.entry.split(' ')[0], Object.keys(manifest.bin)[0]);
  assert.equal(parseArgs([...hook.entry.split(' ').slice(1), 'a.yaml']).kind, 'run');
  assert.ok(manifest.scripts.prepack, 'pre-commit installs with npm pack: prepack builds dist/cli.js');
  const files = new RegExp(hook.files);
  for (const path of [
    'Dockerfile',
    'svc/Containerfile.dev',
    'api.Dockerfile',
    'compose.yaml',
    'deploy/web.yml',
    '.gitlab-ci.yml',
    '.github/workflows/ci.yaml',
    '.devcontainer/devcontainer.json',
    '.devcontainer.json',
    'docker-bake.hcl',
    'docker-bake.override.json',
  ])
    assert.ok(files.test(path), path);
  for (const path of ['README.md', 'package.json', 'src/main.ts', 'tsconfig.json']) assert.ok(!files.test(path), path);
});

test('GitLab code quality job: codeclimate report as a codequality artifact', () => {
  const job = parse(readFileSync(join(ROOT, 'ci', 'gitlab-code-quality.yml'), 'utf8'))['image-trust'];
  assert.equal(job.artifacts.reports.codequality, 'gl-code-quality-report.json');
  const command = job.script[0] as string;
  const [, cli] = /npx --yes image-trust (.*?) >/.exec(command)!;
  const parsed = parseArgs(cli.split(' '));
  assert.equal(parsed.kind, 'run');
  assert.equal(parsed.kind === 'run' && parsed.options.format, 'codeclimate');
  assert.match(command, /> gl-code-quality-report\.json$/);
});
