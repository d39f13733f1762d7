// Load: 300 documents opened at once and edited for a bounded time (30 s by default,
// IMAGE_TRUST_LOAD_SECONDS) while the registry behind the docker.io mirror is flaky (500s, dropped
// connections, slow answers, chosen by a seeded generator). The server must answer every edit with
// its offline pass (in version order; the latencies are figures, not assertions), stay up without
// crash reports, and keep its memory flat (RSS from
// /proc/<pid>/status, the last third of the editing against the first).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/faultProxy';
import { startHubServer, type HubTestServer } from '../support/hubServer';
import { LspTestClient } from '../support/lspClient';
import { pushImage, startRegistry, tagExisting, type TestRegistry } from '../support/registry';
import { crashReports, figure, percentile, rssKb, watchPublishes } from './observe';

const DOCUMENTS = 300;
const SECONDS = Number(process.env.IMAGE_TRUST_LOAD_SECONDS ?? 30);
const EDIT_EVERY_MS = 10;

/** mulberry32: a seeded generator, so a run's faults and edits replay. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let registry: TestRegistry;
let hub: HubTestServer;
let flaky: FaultProxy;
let client: LspTestClient;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-load-'));
  [registry, hub] = await Promise.all([startRegistry(), startHubServer()]);
  const nginx = await pushImage(registry, 'library/nginx', '1.27.3');
  await tagExisting(registry, 'library/nginx', ['1.27', '1', 'latest'], nginx.digest);
  await pushImage(registry, 'library/python', '3.12.1-slim-bookworm');
  for (let i = 0; i < 5; i++) await pushImage(registry, `team/app${i}`, '1.0');
  const faultFor = random(8);
  const plan = (): Fault => {
    const x = faultFor();
    if (x < 0.2) return { kind: 'status', status: 500 };
    if (x < 0.3) return { kind: 'reset' };
    if (x < 0.4) return { kind: 'latency', ms: 300 };
    if (x < 0.45) return { kind: 'status', status: 429, headers: { 'retry-after': '1' } };
    return { kind: 'pass' };
  };
  flaky = await startFaultProxy(registry.directUrl, plan);
  client = await LspTestClient.start({
    rootPath: dir,
    env: { DOCKER_CONFIG: join(dir, 'none') },
    initializationOptions: { machineSettings: { registryMirrors: { 'docker.io': flaky.url }, hubUrl: hub.url } },
  });
});

after(async () => {
  await client?.stop();
  await flaky?.stop();
  await Promise.all([registry?.stop(), hub?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function documentText(i: number): string {
  const lines = [
    `# service ${i}`,
    'ARG BASE=python:3.12.1-slim-bookworm',
    `FROM nginx:1.27.3 AS web${i}`,
    'RUN apt-get update && apt-get install -y curl \\',
    '    && rm -rf /var/lib/apt/lists/*',
  ];
  for (let k = 0; k < 40; k++)
    lines.push(k % 10 === 0 ? `FROM ${flaky.host}/team/app${(i + k) % 5}:1.0 AS s${k}` : `RUN echo step ${k}`);
  lines.push(`COPY --from=web${i} /usr/share/nginx/html /srv`, 'FROM ${BASE}', 'FROM nginx:latest', '');
  return lines.join('\n');
}

test(`${DOCUMENTS} documents opened and edited for ${SECONDS} s against a flaky registry`, async () => {
  const publishes = watchPublishes(client);
  const pid = client.process.pid!;
  const rss: Array<{ at: number; kb: number }> = [];
  const sampler = setInterval(() => {
    const kb = rssKb(pid);
    if (kb) rss.push({ at: performance.now(), kb });
  }, 500);
  const uris = Array.from({ length: DOCUMENTS }, (_, i) => pathToFileURL(join(dir, `svc${i}.Dockerfile`)).toString());
  const texts = uris.map((_, i) => documentText(i));
  const rssBefore = rssKb(pid)!;

  const openedAt = performance.now();
  uris.forEach((uri, i) => client.open(uri, 'dockerfile', texts[i]));
  // Bounds for a hang, not speed requirements.
  await client.waitFor(() => uris.every((u) => publishes.arrivals.get(u)?.length), 120_000, 'every document published');
  const openAllMs = performance.now() - openedAt;
  // Flat memory is about the steady state: samples start once every document has been published
  // (on a loaded machine the opening alone can take a third of the run, and it is a ramp).
  const rssAfterOpen = rssKb(pid)!;
  rss.length = 0;

  // Edits: a comment line typed at the top of a random document, kept. Every edit moves the
  // findings down a line, so every edit changes the diagnostics (the server pushes only diagnostics
  // that changed) and the newest version of a document has a publish of its own.
  const pick = random(1122);
  const sent: Array<{ uri: string; version: number; at: number }> = [];
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const i = Math.floor(pick() * DOCUMENTS);
    texts[i] = (pick() < 0.5 ? '#\n' : '# x\n') + texts[i];
    if (texts[i].length > 6000) texts[i] = documentText(i);
    const at = performance.now();
    const version = client.change(uris[i], texts[i]);
    sent.push({ uri: uris[i], version, at });
    await new Promise((r) => setTimeout(r, EDIT_EVERY_MS));
  }
  const lastEdit = sent[sent.length - 1];
  await client.waitFor(
    () => publishes.arrivals.get(lastEdit.uri)?.some((a) => a.version === lastEdit.version),
    120_000,
    'the last edit published',
  );
  clearInterval(sampler);

  const latencies: number[] = [];
  let missing = 0;
  for (const s of sent) {
    const arrival = publishes.arrivals.get(s.uri)?.find((a) => a.version === s.version);
    if (arrival) latencies.push(arrival.at - s.at);
    else missing++;
  }
  // A version superseded before its turn may be skipped by the server's queue; count it, but the
  // newest version of every document must be there.
  const newest = new Map<string, number>();
  for (const s of sent) newest.set(s.uri, s.version);
  for (const [uri, version] of newest) {
    assert.ok(
      publishes.arrivals.get(uri)?.some((a) => a.version === version),
      `no diagnostics for the last edit of ${uri}`,
    );
  }

  const third = Math.floor(rss.length / 3);
  const mean = (xs: Array<{ kb: number }>) => xs.reduce((n, x) => n + x.kb, 0) / xs.length;
  const firstThird = mean(rss.slice(0, third));
  const lastThird = mean(rss.slice(rss.length - third));
  figure('load: documents, edits sent, edits without their own publish', `${DOCUMENTS}, ${sent.length}, ${missing}`);
  figure('load: open all → every document published, ms', openAllMs.toFixed(0));
  figure(
    'load: offline pass after didChange, ms p50 / p99 / max',
    `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} / ${Math.max(...latencies).toFixed(1)}`,
  );
  figure(
    'load: RSS MB before open / after open / edits: first third mean / last third mean / peak',
    `${(rssBefore / 1024).toFixed(0)} / ${(rssAfterOpen / 1024).toFixed(0)} / ${(firstThird / 1024).toFixed(0)} / ${(lastThird / 1024).toFixed(0)} / ${(Math.max(...rss.map((r) => r.kb)) / 1024).toFixed(0)}`,
  );
  figure(
    'load: requests at the flaky proxy, and by fault',
    `${flaky.count()} ${JSON.stringify(flaky.log.reduce<Record<string, number>>((m, r) => ((m[r.fault] = (m[r.fault] ?? 0) + 1), m), {}))}`,
  );

  assert.equal(client.process.exitCode, null, 'the server is still running');
  assert.deepEqual(crashReports(client), []);
  assert.ok(rss.length >= 6, 'RSS was sampled');
  // Flat: the last third may not grow past the first third by more than half. A quarter was seen
  // to fail on a clean machine from GC timing alone (148 → 196 MB in one run, 152 → 147 MB in the
  // next, same code); the figures above are what to watch, this only catches a runaway.
  assert.ok(
    lastThird <= firstThird * 1.5,
    `RSS grew from ${(firstThird / 1024).toFixed(0)} MB to ${(lastThird / 1024).toFixed(0)} MB`,
  );
  // The two-pass design, as order and completeness (how long it takes is a figure for RELIABILITY.md
  // and `npm run bench`, not an assertion: the suite runs on shared, loaded machines). Every
  // document's publishes come in version order (an older version's pass, offline or network, never
  // lands after a newer one), and every document's newest version has its own publish (above).
  for (const uri of uris) {
    const versions = (publishes.arrivals.get(uri) ?? []).map((a) => a.version ?? 0);
    const backwards = versions.findIndex((v, k) => k > 0 && v < versions[k - 1]);
    assert.equal(backwards, -1, `${uri}: publishes out of version order: ${versions.join(', ')}`);
  }
  assert.ok(latencies.length > 0, 'some edits were answered with their own publish');
});
