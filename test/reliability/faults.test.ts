// The real server over LSP, with a fault-injection proxy in front of the real registry (one proxy,
// hence one registry host, per fault) and in front of the Docker Hub fixture. For every fault: the
// server stays up and answers, the rules that need no network are published first, in a publish of
// their own before the network pass's (the time it takes is a figure for RELIABILITY.md, not an
// assertion: the suite runs on shared, loaded machines), network findings are unavailable rather
// than wrong, retries stay within their limits and then stop, no unhandled rejection is logged, and
// no digest the client did not verify is offered.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/faultProxy';
import { startHubServer, type HubTestServer } from '../support/hubServer';
import { LspTestClient } from '../support/lspClient';
import { pushImage, startRegistry, tagExisting, type TestRegistry } from '../support/registry';
import { runCli } from '../support/runCli';
import { crashReports, figure, percentile, watchPublishes, type PublishTimes } from './observe';

const LIE = `sha256:${'e'.repeat(64)}`;

interface Scenario {
  name: string;
  fault: Fault;
  /** The network answers correctly in the end (slow or redirected, but honest). */
  honest?: boolean;
  /** Most requests the client may send for the document's network pass (attempts included). */
  maxRequests: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'latency 1.5 s', fault: { kind: 'latency', ms: 1500 }, honest: true, maxRequests: 6 },
  { name: 'HTTP 500', fault: { kind: 'status', status: 500 }, maxRequests: 12 },
  { name: 'HTTP 502', fault: { kind: 'status', status: 502 }, maxRequests: 12 },
  { name: 'HTTP 503', fault: { kind: 'status', status: 503 }, maxRequests: 12 },
  {
    name: '429, Retry-After 1',
    fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
    maxRequests: 12,
  },
  // A wait longer than the client's cap ends the retries at once: one request per question.
  {
    name: '429, Retry-After 3600',
    fault: { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
    maxRequests: 4,
  },
  { name: 'connection reset', fault: { kind: 'reset' }, maxRequests: 12 },
  { name: 'truncated body', fault: { kind: 'truncate' }, maxRequests: 12 },
  { name: 'invalid JSON', fault: { kind: 'invalidJson' }, maxRequests: 6 },
  { name: 'headers never arrive', fault: { kind: 'hangHeaders' }, maxRequests: 4 },
  { name: 'wrong Docker-Content-Digest', fault: { kind: 'wrongDigest', digest: LIE }, maxRequests: 6 },
];

let registry: TestRegistry;
let hub: HubTestServer;
let hubFaults: FaultProxy;
let lyingMirror: FaultProxy;
let redirecting: FaultProxy;
const proxies = new Map<string, FaultProxy>();
let client: LspTestClient;
let publishes: PublishTimes;
let dir: string;
let truth: Record<string, string> = {};
const offlineLatencies: number[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-faults-'));
  [registry, hub] = await Promise.all([startRegistry(), startHubServer()]);
  const app = await pushImage(registry, 'team/app', '1.0', { created: '2026-09-01T00:00:00Z' });
  await tagExisting(registry, 'team/app', ['1.1'], app.digest);
  const nginx = await pushImage(registry, 'library/nginx', '1.27.3', { created: '2026-09-01T00:00:00Z' });
  await pushImage(registry, 'someuser/nginx', '1.25', { created: '2026-09-01T00:00:00Z' });
  truth = { app: app.digest, nginx: nginx.digest };
  for (const s of SCENARIOS) proxies.set(s.name, await startFaultProxy(registry.directUrl, () => s.fault));
  // Another origin that redirects every request to the registry itself.
  redirecting = await startFaultProxy(registry.directUrl, () => ({ kind: 'redirect', toOrigin: registry.directUrl }));
  lyingMirror = await startFaultProxy(registry.directUrl, () => ({ kind: 'wrongDigest', digest: LIE }));
  // Docker Hub's web API fails every way in turn.
  const hubPlan: Fault[] = [
    { kind: 'status', status: 503 },
    { kind: 'invalidJson' },
    { kind: 'reset' },
    { kind: 'truncate' },
    { kind: 'status', status: 500 },
  ];
  hubFaults = await startFaultProxy(hub.url, ({ n }) => hubPlan[n % hubPlan.length]);
  client = await LspTestClient.start({
    rootPath: dir,
    env: { DOCKER_CONFIG: join(dir, 'no-docker-config') },
    initializationOptions: {
      machineSettings: { registryMirrors: { 'docker.io': lyingMirror.url }, hubUrl: hubFaults.url },
    },
  });
  publishes = watchPublishes(client);
  // Warm the server up (first parse, first rule run) so the measured figure is about the design.
  const warm = pathToFileURL(join(dir, 'warm.Dockerfile')).toString();
  client.open(warm, 'dockerfile', 'FROM scratch\n');
  await client.diagnosticsFor(warm);
  // Every document is opened here, one after the other, while the earlier ones' network passes run:
  // the measure is the offline pass under network trouble, not this process's own start-up rush.
  for (const s of SCENARIOS) {
    const host = proxies.get(s.name)!.host;
    openedMs.set(
      s.name,
      await openTimed(docUri(s.name), `# image-trust-ignore=stale-image\nFROM ${host}/team/app:1.0\n`),
    );
  }
});

const openedMs = new Map<string, number>();
function docUri(name: string): string {
  return pathToFileURL(join(dir, `${name.replace(/\W+/g, '-')}.Dockerfile`)).toString();
}

after(async () => {
  await client?.stop();
  await Promise.all([...proxies.values(), redirecting, lyingMirror, hubFaults].filter(Boolean).map((p) => p.stop()));
  await Promise.all([registry?.stop(), hub?.close()]);
  rmSync(dir, { recursive: true, force: true });
  figure(
    'faults: offline pass after didOpen, ms (p50 / p99 / max, n)',
    `${percentile(offlineLatencies, 50).toFixed(1)} / ${percentile(offlineLatencies, 99).toFixed(1)} / ${Math.max(...offlineLatencies).toFixed(1)}, n=${offlineLatencies.length}`,
  );
});

/** Opens a document and returns the ms from didOpen to its first publishDiagnostics. */
async function openTimed(uri: string, text: string): Promise<number> {
  const t0 = performance.now();
  client.open(uri, 'dockerfile', text);
  // A bound for a hang, not a speed requirement.
  await client.waitFor(
    () => publishes.arrivals.get(uri)?.some((a) => a.version === 1),
    60_000,
    `offline pass of ${uri}`,
  );
  const ms = publishes.arrivals.get(uri)!.find((a) => a.version === 1)!.at - t0;
  offlineLatencies.push(ms);
  return ms;
}

/** Waits for the network pass: a second publish for version 1. */
async function networkPass(uri: string, ms = 45_000) {
  return client.waitFor(
    () => {
      const list = publishes.arrivals.get(uri)?.filter((a) => a.version === 1);
      return list && list.length >= 2 ? list[list.length - 1] : undefined;
    },
    ms,
    `network pass of ${uri}`,
  );
}

/**
 * Order, not speed: the first publish of version 1 is the offline pass (the rules that need no
 * network, nothing that needs an answer), and it came before the network pass's publish. With a
 * registry that never answers ("headers never arrive") the network pass ends only when the client
 * gives up, so an offline pass that waited for the network would come after it, or not alone.
 */
function assertOfflineFirst(uri: string, network: { at: number }): void {
  const list = publishes.arrivals.get(uri)!.filter((a) => a.version === 1);
  assert.ok(list.length >= 2, `an offline and a network publish for ${uri}: ${list.length}`);
  const [offline] = list;
  assert.ok(offline.at < network.at, 'the offline pass was published before the network pass');
  assert.ok(codes(offline.diagnostics).includes('unpinned-digest'), 'the offline pass has the offline rules');
  const needsNetwork = ['unknown-image', 'unknown-tag', 'outdated-version', 'stale-digest', 'stale-image'];
  assert.deepEqual(
    codes(offline.diagnostics).filter((c) => needsNetwork.includes(c)),
    [],
    'the offline pass has no finding that needs a registry answer',
  );
}

async function stableCount(proxy: FaultProxy, quietMs: number): Promise<number> {
  for (;;) {
    const before = proxy.count();
    await new Promise((r) => setTimeout(r, quietMs));
    if (proxy.count() === before) return before;
  }
}

function codes(diagnostics: Array<{ code?: string | number }>): string[] {
  return diagnostics.map((d) => String(d.code));
}

type Action = { title: string; edit?: { changes?: Record<string, Array<{ newText: string }>> } };
function offeredTexts(actions: Action[]): string[] {
  return actions.flatMap((a) =>
    Object.values(a.edit?.changes ?? {})
      .flat()
      .map((e) => e.newText),
  );
}

describe('registry faults over LSP', { concurrency: true }, () => {
  for (const scenario of SCENARIOS) {
    test(scenario.name, async () => {
      const proxy = proxies.get(scenario.name)!;
      const uri = docUri(scenario.name);
      const ref = `${proxy.host}/team/app:1.0`;
      assert.ok(openedMs.has(scenario.name), 'the offline pass was published');
      const first = publishes.arrivals.get(uri)![0];
      assert.ok(
        codes(first.diagnostics).includes('unpinned-digest'),
        'the offline pass has the rules that need no network',
      );

      const network = await networkPass(uri);
      assertOfflineFirst(uri, network);
      const all = publishes.arrivals.get(uri)!.flatMap((a) => codes(a.diagnostics));
      assert.ok(
        !all.includes('unknown-image') && !all.includes('unknown-tag'),
        `a fault is not "does not exist": ${all.join(', ')}`,
      );
      assert.ok(codes(network.diagnostics).includes('unpinned-digest'), 'offline findings stay after the network pass');

      const requests = await stableCount(proxy, 1500);
      figure(`faults: ${scenario.name}: requests for one reference`, requests);
      assert.ok(
        requests >= 1 && requests <= scenario.maxRequests,
        `${requests} requests (limit ${scenario.maxRequests}): ${proxy.log.map((r) => `${r.method} ${r.path}`).join(' | ')}`,
      );

      const actions = await client.request<Action[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 1, character: 5 }, end: { line: 1, character: 5 + ref.length } },
        context: { diagnostics: [] },
      });
      const fixAll = await client.request<Action[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.pinImages'] },
      });
      const offered = offeredTexts([...actions, ...fixAll]);
      // A digest is offered only if it is the one the registry really serves.
      for (const text of offered) {
        const digest = /@(sha256:[0-9a-f]{64})/.exec(text)?.[1];
        if (digest) assert.equal(digest, truth.app, `offered ${text} (fault: ${scenario.name})`);
      }
      if (!scenario.honest) {
        const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
          textDocument: { uri },
          position: { line: 1, character: 8 },
        });
        assert.ok(hover, 'hover answers');
        assert.match(hover.contents.value, /not reachable|failed verification|could not/i, hover.contents.value);
      } else {
        assert.ok(
          offered.some((t) => t.includes(truth.app)),
          `the honest-but-slow registry's digest is offered: ${offered.join(', ')}`,
        );
      }
      assert.equal(client.process.exitCode, null, 'the server is still running');
      assert.deepEqual(crashReports(client), []);
    });
  }

  test("redirect to another host: followed, and the answer is the registry's own", async () => {
    const uri = pathToFileURL(join(dir, 'redirect.Dockerfile')).toString();
    const ref = `${redirecting.host}/team/app:1.0`;
    await openTimed(uri, `FROM ${ref}\n`);
    assertOfflineFirst(uri, await networkPass(uri));
    const fixAll = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.pinImages'] },
    });
    assert.deepEqual(offeredTexts(fixAll), [`${ref}@${truth.app}`]);
    assert.deepEqual(crashReports(client), []);
  });

  test('Docker Hub\'s web API failing every way: publisher unavailable, never "community"', async () => {
    const uri = pathToFileURL(join(dir, 'hub.Dockerfile')).toString();
    // docker.io goes to the lying mirror here; only the Hub answers matter in this test.
    await openTimed(uri, 'FROM someuser/nginx:1.25\nFROM nginx:1.27.3\n');
    const network = await networkPass(uri);
    const unofficial = network.diagnostics.filter((d) => d.code === 'unofficial-image');
    assert.equal(unofficial.length, 1, JSON.stringify(network.diagnostics));
    assert.match(unofficial[0].message, /could not be verified/);
    assert.doesNotMatch(unofficial[0].message, /community account/);
    assert.ok(hubFaults.count() >= 1, 'Docker Hub was asked');
    figure('faults: Docker Hub failing, requests for two images', await stableCount(hubFaults, 1500));
    assert.deepEqual(crashReports(client), []);
  });

  test('a lying mirror of docker.io: its digest is never offered as a fix', async () => {
    const uri = pathToFileURL(join(dir, 'lying.Dockerfile')).toString();
    await openTimed(uri, 'FROM nginx:1.27.3\n');
    const network = await networkPass(uri);
    const quick = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 5 }, end: { line: 0, character: 17 } },
      context: { diagnostics: network.diagnostics },
    });
    const fixAll = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.pinImages'] },
    });
    const offered = offeredTexts([...quick, ...fixAll]);
    assert.ok(
      !offered.some((t) => t.includes(LIE)),
      `the mirror's unverified digest was offered: ${offered.join(', ')}`,
    );
    const messages = network.diagnostics.map((d) => d.message).join('\n');
    assert.ok(!messages.includes(LIE.slice(7, 19)), `a diagnostic repeats the lie: ${messages}`);
  });
});

describe('CLI pin with faults', () => {
  test('a lying mirror: pin writes no digest it did not verify', async () => {
    const work = mkdtempSync(join(dir, 'pin-lie-'));
    writeFileSync(join(work, 'Dockerfile'), 'FROM nginx:1.27.3\n');
    const r = await runCli(
      ['pin', 'Dockerfile', '--registry-mirror', `docker.io=${lyingMirror.url}`, '--hub-url', hubFaults.url],
      {
        cwd: work,
        env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(work, 'none') },
      },
    );
    const after = readFileSync(join(work, 'Dockerfile'), 'utf8');
    assert.ok(!after.includes(LIE), `pin wrote the mirror's unverified digest:\n${after}\n${r.stderr}`);
  });

  test('500s everywhere: pin says why, leaves the file alone, exits', async () => {
    const work = mkdtempSync(join(dir, 'pin-500-'));
    const proxy = proxies.get('HTTP 500')!;
    const text = `FROM ${proxy.host}/team/app:1.0\n`;
    writeFileSync(join(work, 'Dockerfile'), text);
    const r = await runCli(['pin', 'Dockerfile'], {
      cwd: work,
      env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(work, 'none') },
      timeoutMs: 60_000,
    });
    assert.equal(readFileSync(join(work, 'Dockerfile'), 'utf8'), text);
    assert.match(r.stderr, /cannot pin .*HTTP 500/);
    assert.equal(r.code, 2, 'nothing could be pinned: exit 2 with the reason');
  });
});
