// `npx image-trust` from the published package: `npm pack` ships the bundled CLI with its data
// (and nothing else it does not need), and the tarball installs and runs with no registry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
let dir: string;

function npm(args: string[], cwd: string) {
  // npm's own flags right after the subcommand: after `--` they belong to the command npm runs.
  const flags = ['--cache', join(dir, 'npm-cache'), '--no-audit', '--no-fund', '--no-update-notifier'];
  const r = spawnSync('npm', [args[0], ...flags, ...args.slice(1)], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-pack-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('npm pack ships the CLI, the server and the extension bundles and no sources', () => {
  // dist/ is built by `npm test` before the tests run; prepack would rebuild it under running tests.
  const r = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  assert.equal(r.code, 0, r.stderr);
  const [info] = JSON.parse(r.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = info.files.map((f) => f.path).sort();
  for (const needed of ['dist/cli.js', 'dist/server.js', 'package.json', 'README.md', 'LICENSE'])
    assert.ok(files.includes(needed), needed);
  assert.deepEqual(
    files.filter((f) => /^(server|client|test|bench|scripts|node_modules)\//.test(f) || f.endsWith('.map')),
    [],
  );
});

test('the tarball installs with no registry and `npx image-trust` lints every kind', () => {
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT).stdout)[0]
    .filename as string;
  const app = join(dir, 'app');
  mkdirSync(app);
  const install = npm(['install', '--offline', '--ignore-scripts', '--no-save', join(dir, packed)], app);
  assert.equal(install.code, 0, install.stderr);
  cpSync(join(ROOT, 'test', 'fixtures', 'kinds'), join(app, 'repo'), { recursive: true });
  const version = npm(['exec', '--offline', '--', 'image-trust', '--version'], app);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /\d+\.\d+\.\d+/);
  const lint = npm(
    ['exec', '--offline', '--', 'image-trust', 'lint', 'repo', '--offline', '--format', 'json', '--fail-on', 'never'],
    app,
  );
  assert.equal(lint.code, 0, lint.stderr);
  const report = JSON.parse(lint.stdout) as { files: Array<{ path: string; findings: unknown[] }> };
  const paths = report.files.map((f) => f.path);
  for (const kind of ['k8s/cronjob.yaml', 'helm/node-exporter/values.yaml', '.gitlab-ci.yml', 'docker-bake.hcl'])
    assert.ok(
      paths.some((p) => p.endsWith(kind)),
      kind,
    );
  // The end-of-life data ships inside the bundle: Node 10 in the workflow is reported offline.
  const workflow = report.files.find((f) => f.path.endsWith('postgres-service.yml'))!;
  assert.ok(JSON.stringify(workflow.findings).includes('eol-version'));
});
