// The CLI decides like the tools it checks for: which files a folder walk finds, what pin's exit
// code says, and what boolean flags accept.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unifiedDiff } from '../../server/src/cli/unifiedDiff';
import { detectDocumentKind } from '../../server/src/core/analyze';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
let dir: string;

function run(args: string[], options: { cwd?: string; asNobody?: boolean } = {}) {
  // Root reads every folder; the unreadable-folder case runs the CLI as nobody.
  const asNobody = options.asNobody && process.getuid?.() === 0;
  const command = asNobody ? 'setpriv' : process.execPath;
  const prefix = asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [];
  const r = spawnSync(command, [...prefix, CLI, ...args], {
    cwd: options.cwd ?? dir,
    encoding: 'utf8',
    env: { ...process.env, IMAGE_TRUST_CACHE_DIR: '', NO_COLOR: '1', HOME: dir },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-semantics-'));
  chmodSync(dir, 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a folder walk finds a lower-case dockerfile', () => {
  // https://docs.docker.com/reference/cli/docker/buildx/build/#file: the default is
  // PATH/Dockerfile; the builder also reads a lower-case `dockerfile`.
  assert.equal(detectDocumentKind('app/dockerfile'), 'dockerfile');
  const sub = join(dir, 'lower');
  mkdirSync(sub);
  writeFileSync(join(sub, 'dockerfile'), 'FROM nginx:latest\n');
  const r = run(['lint', '--offline', '--format', 'json', 'lower']);
  const report = JSON.parse(r.stdout) as { files: Array<{ path: string }> };
  assert.deepEqual(
    report.files.map((f) => f.path),
    [join('lower', 'dockerfile')],
  );
});

test('an unreadable subfolder is skipped with one warning; the rest is linted', () => {
  const root = join(dir, 'walk');
  mkdirSync(join(root, 'db-volume'), { recursive: true });
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'app', 'Dockerfile'), 'FROM nginx:latest\n');
  chmodSync(join(root, 'db-volume'), 0o000);
  try {
    const r = run(['lint', '--offline', '--fail-on', 'warning', 'walk'], { asNobody: true });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /app\/Dockerfile/);
    assert.match(r.stdout, /latest-tag/);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('db-volume'));
    assert.equal(warnings.length, 1, r.stderr);
    assert.match(warnings[0], /cannot read folder .*skipped/);
  } finally {
    chmodSync(join(root, 'db-volume'), 0o755);
  }
});

test('pin that could not pin everything exits 2 with the reason', () => {
  // Nothing listens on port 9 of loopback: the registry cannot be reached.
  const sub = join(dir, 'unreachable');
  mkdirSync(sub);
  writeFileSync(join(sub, 'Dockerfile'), 'FROM nginx:1.27\n');
  const r = run(['pin', '--registry-mirror', 'docker.io=http://127.0.0.1:9', 'unreachable/Dockerfile']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /cannot pin nginx:1\.27: the registry could not be asked/);
  assert.equal(readFileSync(join(sub, 'Dockerfile'), 'utf8'), 'FROM nginx:1.27\n');
});

test('pin --check honours image-trust-ignore=unpinned-digest as lint does', () => {
  const sub = join(dir, 'ignored');
  mkdirSync(sub);
  writeFileSync(join(sub, 'Dockerfile'), '# image-trust-ignore=unpinned-digest\nFROM nginx:1.27\nFROM redis:7\n');
  const r = run(['pin', '--check', 'ignored/Dockerfile']);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stdout, /nginx/);
  assert.match(r.stdout, /redis:7 is not pinned/);
  assert.match(r.stdout, /^1 reference not pinned$/m);
  writeFileSync(join(sub, 'Dockerfile'), '# image-trust-ignore=unpinned-digest\nFROM nginx:1.27\n');
  assert.equal(run(['pin', '--check', 'ignored/Dockerfile']).code, 0);
});

test('boolean flags take =true / =false and reject other values', () => {
  const sub = join(dir, 'flags');
  mkdirSync(sub);
  writeFileSync(join(sub, 'Dockerfile'), 'FROM nginx:latest\n');
  // --offline=false means online: pin then does not refuse to run for being offline.
  const offlineFalse = run(['pin', '--offline=false', '--registry-mirror', 'docker.io=http://127.0.0.1:9', 'flags']);
  assert.doesNotMatch(offlineFalse.stderr, /remove --offline/);
  assert.match(run(['pin', '--offline=true', 'flags']).stderr, /remove --offline/);
  const bad = run(['lint', '--offline=maybe', 'flags']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--offline takes no value, or =true \/ =false, not "maybe"/);
});

test('a binary file is the invalid-document error the rules table documents', () => {
  const sub = join(dir, 'binary');
  mkdirSync(sub);
  writeFileSync(join(sub, 'Dockerfile'), Buffer.from([0, 1, 2, 0x46, 0x52, 0x4f, 0x4d, 0]));
  const r = run(['lint', '--offline', '--format', 'json', '--fail-on', 'error', 'binary']);
  const findings = (JSON.parse(r.stdout) as { files: Array<{ findings: Array<{ rule: string; severity: string }> }> })
    .files[0].findings;
  assert.deepEqual(
    findings.map((f) => [f.rule, f.severity]),
    [['invalid-document', 'error']],
  );
  assert.equal(r.code, 1);
});

test('trustedRegistries: [] says the policy trusts no registry', () => {
  const sub = join(dir, 'policy');
  mkdirSync(sub);
  writeFileSync(join(sub, '.image-trust.yaml'), 'trustedRegistries: []\n');
  writeFileSync(join(sub, 'Dockerfile'), 'FROM nginx:1.27\n');
  const r = run(['lint', '--offline', '--format', 'json', 'policy']);
  const messages = (
    JSON.parse(r.stdout) as { files: Array<{ findings: Array<{ rule: string; message: string }> }> }
  ).files[0].findings
    .filter((f) => f.rule === 'untrusted-registry')
    .map((f) => f.message);
  assert.equal(messages.length, 1);
  assert.match(messages[0], /the policy trusts no registry/);
  assert.doesNotMatch(messages[0], /allows only \./);
});

test('pin --dry-run on a CRLF file: git apply and patch accept the diff', () => {
  const sub = join(dir, 'crlf');
  mkdirSync(sub);
  const before = 'FROM alpine:3.20\r\nRUN true\r\nFROM nginx:1.27\r\nCMD ["nginx"]';
  const after = before.replace('nginx:1.27', `nginx:1.27@sha256:${'b'.repeat(64)}`);
  writeFileSync(join(sub, 'Dockerfile'), before);
  const diff = unifiedDiff('Dockerfile', before, after);
  writeFileSync(join(sub, 'pin.diff'), diff);
  const git = spawnSync('git', ['apply', '--check', '-v', 'pin.diff'], { cwd: sub, encoding: 'utf8' });
  assert.equal(git.status, 0, git.stderr);
  const patch = spawnSync('patch', ['--dry-run', '-p1', '-i', 'pin.diff'], { cwd: sub, encoding: 'utf8' });
  assert.equal(patch.status, 0, patch.stdout + patch.stderr);
  const applied = spawnSync('patch', ['-p1', '-i', 'pin.diff'], { cwd: sub, encoding: 'utf8' });
  assert.equal(applied.status, 0, applied.stdout + applied.stderr);
  assert.equal(readFileSync(join(sub, 'Dockerfile'), 'utf8'), after);
});
