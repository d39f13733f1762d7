// The per-registry connection limit is a setting: `--connections N` on the CLI (the editor's
// machine setting imageTrust.connectionsPerRegistry takes the same path into the network door).
// The real registry behind a counting proxy that holds each answer, so requests pile up to the
// limit and the proxy sees how many were open at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCountingProxy, startRegistry, type CountingProxy, type TestRegistry } from '../support/registry';
import { runCli } from '../support/runCli';

let registry: TestRegistry;
let slow: CountingProxy;
let dir: string;
let file: string;

before(async () => {
  registry = await startRegistry();
  slow = await startCountingProxy(registry.directUrl, { delayMs: 150 });
  dir = mkdtempSync(join(tmpdir(), 'it-connections-'));
  // 30 distinct references to one registry: more than the CLI looks up at once and than any limit below.
  file = join(dir, 'Dockerfile');
  writeFileSync(file, Array.from({ length: 30 }, (_, i) => `FROM ${slow.host}/team/app${i}:1.0\n`).join(''));
});
after(async () => {
  await slow?.stop();
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function maxInFlight(extra: string[]): Promise<number> {
  slow.maxInFlight = 0;
  const run = await runCli(['lint', file, '--format', 'json', '--fail-on', 'never', ...extra], {
    cwd: dir,
    env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(dir, 'no-docker-config') },
  });
  assert.equal(run.code, 0, run.stderr);
  // Thirty lookups share the run's signal: no warning about its listeners reaches the user.
  assert.equal(run.stderr, '');
  return slow.maxInFlight;
}

test('--connections sets the requests in flight per registry; 12 without it', async () => {
  assert.equal(await maxInFlight(['--connections', '4']), 4);
  assert.equal(await maxInFlight([]), 12);
});
