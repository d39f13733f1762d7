// Lost lookups are never silent: the CLI says each registry once on stderr, the offline findings
// always come out, a registry that drips its answer cannot hold the run past its budget, and
// --require-network turns lost lookups into exit 3. The real registry behind a fault proxy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry';
import { runCli } from '../support/runCli';

let registry: TestRegistry;
let locked: TestRegistry;
let drip: FaultProxy;
let dir: string;
const env = () => ({ IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(dir, 'no-docker-config') });

before(async () => {
  registry = await startRegistry();
  await pushImage(registry, 'team/app', '1.0');
  locked = await startRegistry({ auth: 'basic' });
  await pushImage(locked, 'team/secret', '1.0');
  // Headers at once, then the body one byte every 300 ms: only an overall deadline ends it.
  drip = await startFaultProxy(registry.url, () => ({ kind: 'drip', everyMs: 300 }));
  dir = mkdtempSync(join(tmpdir(), 'it-netloss-'));
});
after(async () => {
  await drip?.stop();
  await registry?.stop();
  await locked?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface JsonReport {
  files: Array<{ findings: Array<{ rule: string }> }>;
}

test('a registry that drips its answer: the run ends at its budget, says so once, offline findings come out', async () => {
  const file = join(dir, 'drip.Dockerfile');
  writeFileSync(file, `FROM ${drip.host}/team/app:1.0\nFROM ${drip.host}/team/app\n`);
  const args = ['lint', file, '--format', 'json', '--request-timeout', '60', '--network-budget', '2'];
  const run = await runCli(args, { cwd: dir, env: env(), timeoutMs: 60_000 });
  const report = JSON.parse(run.stdout) as JsonReport;
  const rules = report.files[0].findings.map((f) => f.rule);
  assert.ok(rules.includes('missing-tag'), `offline findings missing: ${rules.join(', ')}`);
  const lines = run.stderr.split('\n').filter((l) => l.includes(drip.host));
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], /budget \(2 s\) ran out/);
  assert.equal(run.code, 1, 'the exit code comes from the findings');
  const strict = await runCli([...args, '--require-network'], { cwd: dir, env: env(), timeoutMs: 60_000 });
  assert.equal(strict.code, 3, strict.stderr);
});

test('a registry that drips: the per-request deadline ends each request', async () => {
  const file = join(dir, 'drip2.Dockerfile');
  writeFileSync(file, `FROM ${drip.host}/team/app:1.0\n`);
  const run = await runCli(['lint', file, '--request-timeout', '1', '--network-budget', '120'], {
    cwd: dir,
    env: env(),
    timeoutMs: 60_000,
  });
  const lines = run.stderr.split('\n').filter((l) => l.includes(drip.host));
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], /no complete answer within 1 s/);
});

test('401 for lack of credentials: said once per registry on stderr; --require-network exits 3', async () => {
  const file = join(dir, 'locked.Dockerfile');
  writeFileSync(
    file,
    `FROM ${locked.host}/team/secret:1.0\nFROM ${locked.host}/team/secret:1.0 AS again\nFROM ${registry.host}/team/app:1.0\n`,
  );
  const run = await runCli(['lint', file, '--fail-on', 'never'], { cwd: dir, env: env(), timeoutMs: 60_000 });
  assert.equal(run.code, 0);
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('image-trust: '));
  assert.equal(lines.length, 1, run.stderr);
  assert.ok(lines[0].startsWith(`image-trust: ${locked.host}: `));
  assert.match(lines[0], /without credentials/);
  const strict = await runCli(['lint', file, '--fail-on', 'never', '--require-network'], {
    cwd: dir,
    env: env(),
    timeoutMs: 60_000,
  });
  assert.equal(strict.code, 3);
  const fine = join(dir, 'fine.Dockerfile');
  writeFileSync(fine, `FROM ${registry.host}/team/app:1.0\n`);
  const ok = await runCli(['lint', fine, '--fail-on', 'never', '--require-network'], {
    cwd: dir,
    env: env(),
    timeoutMs: 60_000,
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stderr, '');
});
