// The bundles load the libraries only some runs need (dist/lazy/*.js: the HTTP client, Sigstore,
// TUF, OSV exports, layers, CVSS) when a run first uses them, not at start-up, and every package
// ships them: npm's tarball for the CLI, the .vsix for the server VS Code starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH } from '../support/runCli';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

/** The files under dist/lazy/ a bundle requires. */
function lazyFilesOf(bundle: string): string[] {
  const text = readFileSync(join(DIST, bundle), 'utf8');
  return [...new Set([...text.matchAll(/require\("\.\/(lazy\/[\w-]+\.js)"\)/g)].map((m) => `dist/${m[1]}`))].sort();
}

/** The dist/lazy files a CLI run loaded, heard by a preload (`--require`) that sees every require. */
function lazyFilesLoaded(args: string[]): { loaded: string[]; code: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-lazy-'));
  try {
    const hook = join(dir, 'hook.cjs');
    writeFileSync(
      hook,
      `const M = require('node:module');
const load = M._load;
const seen = new Set();
M._load = function (request) {
  if (/^\\.\\/lazy\\//.test(request)) seen.add(request);
  return load.apply(this, arguments);
};
process.on('exit', () => process.stderr.write('LAZY ' + JSON.stringify([...seen].sort()) + '\\n'));
`,
    );
    const run = spawnSync(process.execPath, ['--require', hook, CLI_PATH, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', IMAGE_TRUST_CACHE_DIR: '' },
    });
    const line = run.stderr.split('\n').find((l) => l.startsWith('LAZY '));
    return { loaded: line ? (JSON.parse(line.slice(5)) as string[]) : [], code: run.status, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the bundles load the lazy libraries from dist/lazy/, and each is built', () => {
  const built = readdirSync(join(DIST, 'lazy'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `dist/lazy/${f}`)
    .sort();
  for (const bundle of ['cli.js', 'server.js']) {
    const wanted = lazyFilesOf(bundle);
    assert.ok(wanted.includes('dist/lazy/undici.js') && wanted.includes('dist/lazy/sigstore.js'), bundle);
    for (const file of wanted) assert.ok(built.includes(file), `${bundle} requires ${file}`);
  }
});

test('an offline lint loads none of them', () => {
  const run = lazyFilesLoaded(['lint', 'examples', '--offline', '--fail-on', 'never', '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^LAZY /m, 'the preload reported');
  assert.deepEqual(run.loaded, []);
});

test('a run that reads a trusted root loads Sigstore from dist/lazy/, and only it', () => {
  // --sigstore-trusted-root is read and checked first; this one parses as a trusted root (which
  // needs the Sigstore libraries) but names nothing to trust, a usage error.
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-root-'));
  try {
    const root = join(dir, 'trusted_root.json');
    writeFileSync(root, JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' }));
    const run = lazyFilesLoaded(['lint', 'examples', '--offline', '--sigstore-trusted-root', root]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /names no certificate authority/);
    assert.deepEqual(run.loaded, ['./lazy/sigstore.js']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm pack and the .vsix ship every lazy library their bundles require', () => {
  const npm = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--no-update-notifier'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/' },
  });
  assert.equal(npm.status, 0, npm.stderr);
  const packed = (JSON.parse(npm.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
  for (const file of [...lazyFilesOf('cli.js'), ...lazyFilesOf('server.js')]) assert.ok(packed.includes(file), file);
  assert.deepEqual(
    packed.filter((f) => f.endsWith('.map')),
    [],
  );

  const vsce = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  assert.equal(vsce.status, 0, vsce.stderr);
  const listed = vsce.stdout.split('\n').map((l) => l.trim());
  for (const file of [
    'dist/server.js',
    'dist/extension.js',
    ...lazyFilesOf('server.js'),
    ...lazyFilesOf('extension.js'),
  ])
    assert.ok(listed.includes(file), `${file} is in the .vsix`);
  assert.deepEqual(
    listed.filter((f) => f.endsWith('.map')),
    [],
  );
});
