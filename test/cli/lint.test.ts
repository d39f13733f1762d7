// The bundled CLI: exit codes, JSON and SARIF output, policy errors, offline rules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
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

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-cli-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM nginx:latest\nFROM someuser/tool:1.0\n');
  mkdirSync(join(dir, 'svc'));
  writeFileSync(join(dir, 'svc', 'compose.yaml'), 'services:\n  db:\n    image: postgres:16.4\n');
  mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'x', 'Dockerfile'), 'FROM bad:latest\n');
  mkdirSync(join(dir, 'pinned'));
  writeFileSync(join(dir, 'pinned', 'Dockerfile'), `FROM nginx:1.31@sha256:${'a'.repeat(64)}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('text output lists findings and exits 1 at the default threshold', () => {
  const r = run(['lint', '--offline']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /Dockerfile\n\s+1:6\s+warning\s+nginx:latest .* latest-tag/);
  assert.match(r.stdout, /svc\/compose\.yaml/);
  assert.doesNotMatch(r.stdout, /node_modules/);
  assert.match(r.stdout, /3 files checked: 0 errors, 2 warnings, 3 info/);
});

test('--fail-on decides the exit code', () => {
  assert.equal(run(['lint', '--offline', '--fail-on', 'error']).code, 0);
  assert.equal(run(['lint', '--offline', '--fail-on', 'never']).code, 0);
  assert.equal(run(['lint', '--offline', '--fail-on', 'info', 'svc']).code, 1);
  assert.equal(run(['lint', '--offline', 'svc']).code, 0);
  assert.equal(run(['lint', '--offline', 'pinned', '--fail-on', 'info']).code, 0);
});

test('JSON output has the contract shape, 1-based and end exclusive', () => {
  const r = run(['lint', '--offline', '--format', 'json', 'Dockerfile']);
  const json = JSON.parse(r.stdout);
  assert.equal(json.files.length, 1);
  assert.equal(json.files[0].path, 'Dockerfile');
  const latest = json.files[0].findings.find((f: { rule: string }) => f.rule === 'latest-tag');
  assert.deepEqual(
    {
      line: latest.line,
      column: latest.column,
      endLine: latest.endLine,
      endColumn: latest.endColumn,
      reference: latest.reference,
      severity: latest.severity,
    },
    { line: 1, column: 6, endLine: 1, endColumn: 18, reference: 'nginx:latest', severity: 'warning' },
  );
  assert.ok(Array.isArray(latest.fixes));
  assert.equal(typeof latest.message, 'string');
});

test('SARIF output validates against the SARIF 2.1.0 schema and describes every rule', () => {
  const r = run(['lint', '--offline', '--format', 'sarif']);
  assert.equal(r.code, 1);
  const sarif = JSON.parse(r.stdout) as {
    runs: Array<{
      tool: {
        driver: {
          rules: Array<{ id: string; shortDescription: { text: string }; help: { text: string }; helpUri: string }>;
        };
      };
      results: Array<{
        ruleId: string;
        level: string;
        ruleIndex: number;
        locations: Array<{ physicalLocation: { region: unknown } }>;
      }>;
    }>;
  };
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  const rules = sarif.runs[0].tool.driver.rules;
  assert.ok(rules.length >= 13);
  for (const rule of rules) {
    assert.ok(rule.shortDescription.text && rule.help.text && rule.helpUri, rule.id);
  }
  const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'latest-tag')!;
  assert.equal(result.level, 'warning');
  assert.deepEqual(result.locations[0].physicalLocation.region, {
    startLine: 1,
    startColumn: 6,
    endLine: 1,
    endColumn: 18,
  });
  assert.equal(rules[result.ruleIndex].id, 'latest-tag');
});

test('a policy file with mistakes is exit 2 with file, line and key', () => {
  const sub = join(dir, 'badpolicy');
  mkdirSync(sub);
  writeFileSync(join(sub, '.image-trust.yaml'), 'rules:\n  latest-tags: error\n');
  writeFileSync(join(sub, 'Dockerfile'), 'FROM nginx:1.31\n');
  const r = run(['lint', '--offline', 'badpolicy']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\.image-trust\.yaml:2:3: Unknown rule "latest-tags"/);
});

test('the policy file changes severities (found upward from the first path)', () => {
  const sub = join(dir, 'strict');
  mkdirSync(sub);
  writeFileSync(
    join(sub, '.image-trust.yaml'),
    'rules: { unpinned-digest: error }\ntrustedRegistries: [ghcr.io/acme]\n',
  );
  writeFileSync(join(sub, 'Dockerfile'), 'FROM nginx:1.31\n');
  const r = run(['lint', '--offline', '--format', 'json', 'strict']);
  const rules = JSON.parse(r.stdout).files[0].findings.map(
    (f: { rule: string; severity: string }) => `${f.rule}:${f.severity}`,
  );
  assert.deepEqual(rules.sort(), ['unpinned-digest:error', 'untrusted-registry:warning']);
  assert.equal(r.code, 1);
});

test('usage errors are exit 2 with one line', () => {
  for (const args of [
    ['lint', '--format', 'xml'],
    ['frobnicate'],
    ['lint', '--fail-on', 'sometimes'],
    ['lint', 'does-not-exist'],
    ['lint', '--registry-mirror', 'nope'],
    ['lint', '--check'],
  ]) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^image-trust: /);
  }
});

test('pin --check exits 1 when something is unpinned, 0 when all are pinned', () => {
  const unpinned = run(['pin', '--check', 'Dockerfile']);
  assert.equal(unpinned.code, 1);
  assert.match(unpinned.stdout, /Dockerfile:1:6: nginx:latest is not pinned/);
  assert.equal(run(['pin', '--check', 'pinned']).code, 0);
});

test('pin refuses to run offline', () => {
  const r = run(['pin', '--offline', 'Dockerfile']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /remove --offline/);
});

test('--help and --version', () => {
  assert.match(run(['--help']).stdout, /Usage: image-trust/);
  assert.match(run(['--version']).stdout, /^\d+\.\d+\.\d+/);
});
