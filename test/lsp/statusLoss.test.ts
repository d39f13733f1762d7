// The editor's status names every registry whose lookups are lost: refused for lack of
// credentials, or still unanswered when the document's network budget ran out (a slow drip).
// The real registry, behind a fault proxy for the drip; the bundled server as an editor starts it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { LspTestClient } from '../support/lspClient';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry';

let locked: TestRegistry;
let open: TestRegistry;
let drip: FaultProxy;
let dir: string;
let client: LspTestClient;
let patient: LspTestClient;

interface Status {
  state: string;
  unreachable: Array<{ registry: string; message: string }>;
}

before(async () => {
  [locked, open] = await Promise.all([startRegistry({ auth: 'basic' }), startRegistry()]);
  await Promise.all([pushImage(locked, 'team/secret', '1.0'), pushImage(open, 'team/app', '1.0')]);
  drip = await startFaultProxy(open.url, () => ({ kind: 'drip', everyMs: 300 }));
  dir = mkdtempSync(join(tmpdir(), 'it-status-'));
  const start = (machineSettings: object) =>
    LspTestClient.start({
      rootPath: dir,
      env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(dir, 'no-docker-config') },
      initializationOptions: { settings: {}, machineSettings },
    });
  // One server with a short budget for the drip, one with the default budget for the rest (a
  // loaded machine must not turn a refusal into a budget that ran out).
  client = await start({ networkBudgetSeconds: 2, requestTimeoutSeconds: 60 });
  patient = await start({});
});
after(async () => {
  await client?.stop();
  await patient?.stop();
  await drip?.stop();
  await Promise.all([locked?.stop(), open?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function latestStatus(of: LspTestClient = client): Status | undefined {
  const all = of.notifications.filter((n) => n.method === 'imageTrust/status');
  return all[all.length - 1]?.params as Status | undefined;
}

test('a registry that refuses for lack of credentials is named in the status, with why', async () => {
  const uri = pathToFileURL(join(dir, 'locked.Dockerfile')).toString();
  patient.open(uri, 'dockerfile', `FROM ${locked.host}/team/secret:1.0\n`);
  const status = await patient.waitFor(
    () => {
      const s = latestStatus(patient);
      return s?.unreachable.some((u) => u.registry === locked.host) ? s : undefined;
    },
    30_000,
    'a status naming the locked registry',
  );
  assert.equal(status.state, 'degraded');
  assert.match(status.unreachable.find((u) => u.registry === locked.host)!.message, /without credentials/);
});

test('a registry that drips past the network budget is named in the status; the offline findings stay', async () => {
  const uri = pathToFileURL(join(dir, 'drip.Dockerfile')).toString();
  client.open(uri, 'dockerfile', `FROM ${drip.host}/team/app\n`);
  const diagnostics = await client.diagnosticsFor(uri);
  assert.ok(diagnostics.diagnostics.some((d) => d.code === 'missing-tag'));
  const status = await client.waitFor(
    () => {
      const s = latestStatus();
      return s?.unreachable.some((u) => u.registry === drip.host) ? s : undefined;
    },
    30_000,
    'a status naming the dripping registry',
  );
  assert.match(status.unreachable.find((u) => u.registry === drip.host)!.message, /budget \(2 s\) ran out/);
});
