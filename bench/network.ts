// 3. Cold network and 4. warm cache: `image-trust lint` over 50 files holding 200 distinct
// references, against Debian's docker-registry (bearer-token auth with anonymous pull, as Docker
// Hub and GHCR do) behind a loopback proxy that holds every response for 50 ms, as a far registry
// would. Compared with a `skopeo inspect` loop (what a person would script) and with the same
// requests sent one by one. Every request is counted at the proxy.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  pushImage,
  startRegistry,
  type RequestKind,
  type RequestRecord,
  type TestRegistry,
} from '../test/support/registry';
import { CLI_PATH } from '../test/support/runCli';
import { defaultNetworkSettings } from '../server/src/core/settings';
import { createRegistryClient } from '../server/src/registry';
import { networkImages, writeNetworkCorpus, type NetworkImage } from './corpus';
import { runNode, type NodeRun } from './nodeProcess';

export const DISTINCT_REFERENCES = 200;
const REPOSITORIES = 40;
const FILES = 50;
export const DELAY_MS = 50;
/** References the skopeo loop inspects (spread over all 200); the loop's total is scaled to 200. */
const SKOPEO_SAMPLE = 40;
/** Requests of the cold run replayed one by one; the sum is scaled to all of them. */
const SERIAL_SAMPLE = 120;
/** The cold default-rules run is repeated with this many connections per registry (default 12). */
const FEWER_CONNECTIONS = 6;
/** `IMAGE_TRUST_BENCH_CLI=/path/to/cli.js` measures another build (a candidate fix) against the same registry and corpus. */
const CLI = process.env.IMAGE_TRUST_BENCH_CLI || CLI_PATH;
/** `IMAGE_TRUST_BENCH_PROFILE=<folder>`: every CLI run writes a CPU profile there (node --cpu-prof), named by run. */
const PROFILE_DIR = process.env.IMAGE_TRUST_BENCH_PROFILE;

export type RequestCounts = Partial<Record<RequestKind, number>> & { total: number };

export interface LintRun {
  label: string;
  /** What the policy turns off, in words. */
  rules: string;
  ms: number;
  requests: RequestCounts;
  /** Requests the registry answered 401 (sent without the token it then asked for); the ping's challenge is not one. */
  unauthorized: number;
  /** Manifest requests (HEAD + GET) per distinct reference. */
  manifestPerReference: number;
  /** Requests to the Docker Hub stand-in (none expected: the images are not on docker.io). */
  hubRequests: number;
  findings: number;
  exitCode: number | null;
  stderr: string;
  /** Every request, for the serial replay. */
  log: RequestRecord[];
}

/** The digest of every reference at once, in process, with or without the origin ping. */
export interface FirstWave {
  pings: boolean;
  ms: number;
  requests: RequestCounts;
  unauthorized: number;
  /** Registry requests (pings and tokens included) per distinct reference. */
  perReference: number;
  failures: number;
}

export interface NetworkResult {
  distinct: number;
  files: number;
  delayMs: number;
  cold: LintRun[];
  /** The default-rules cold run again with `--connections` at FEWER_CONNECTIONS (the others run at the default 12). */
  fewerConnections: LintRun;
  fewerConnectionsCount: number;
  firstWave: FirstWave[];
  warm: LintRun;
  skopeo:
    | { sampled: number; sampledMs: number; estimatedMs: number; requestsPerReference: number; version: string }
    | { error: string };
  serial: { sampled: number; of: number; sampledMs: number; estimatedMs: number };
}

function count(log: RequestRecord[]): RequestCounts {
  const counts: RequestCounts = { total: log.length };
  for (const r of log) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}

export async function pushAll(registry: TestRegistry, images: NetworkImage[]): Promise<void> {
  const queue = [...images];
  const worker = async () => {
    for (let image = queue.shift(); image; image = queue.shift()) {
      const index = images.indexOf(image);
      // A quarter are multi-platform (an index over two manifests), as official images are.
      await pushImage(registry, image.repository, image.tag, {
        salt: `${image.repository}:${image.tag}`,
        platforms: index % 4 === 0 ? ['linux/amd64', 'linux/arm64'] : ['linux/amd64'],
        created: new Date(Date.UTC(2025, 0, 1) + index * 86_400_000).toISOString(),
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Counts requests that reach the Docker Hub stand-in; answers 404 so nothing is learnt from it. */
export async function startHubCounter(): Promise<{
  url: string;
  count: () => number;
  reset: () => void;
  stop: () => Promise<void>;
}> {
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests++;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"message":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => requests,
    reset: () => void (requests = 0),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function countFindings(stdout: string): number {
  try {
    const report = JSON.parse(stdout) as { files: Array<{ findings: unknown[] }> };
    return report.files.reduce((n, f) => n + f.findings.length, 0);
  } catch {
    return -1;
  }
}

/** The CLI in a child process, so the proxy in this process keeps answering while it runs. */
export function runImageTrust(args: string[], cwd: string, env: NodeJS.ProcessEnv, label: string): Promise<NodeRun> {
  const profile = PROFILE_DIR
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${PROFILE_DIR}`,
        `--cpu-prof-name=${label.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`,
      ]
    : [];
  return runNode([...profile, CLI, ...args], { cwd, env: { NO_COLOR: '1', ...env } });
}

function execFileAsync(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Sends the logged requests again, one at a time, and times the whole. */
async function replaySerially(baseUrl: string, records: RequestRecord[]): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(baseUrl);
  const started = performance.now();
  for (const r of records) {
    await new Promise<void>((resolve) => {
      const headers: Record<string, string> = {
        accept:
          'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json, application/json',
      };
      if (r.authorization) headers.authorization = r.authorization;
      const req = httpRequest(
        { hostname: target.hostname, port: target.port, method: r.method, path: r.path, headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
          res.on('error', () => resolve());
        },
      );
      req.on('error', () => resolve());
      req.end();
    });
  }
  const elapsed = performance.now() - started;
  agent.destroy();
  return elapsed;
}

function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

export async function benchNetwork(workDir: string, log: (s: string) => void): Promise<NetworkResult> {
  const registry = await startRegistry({ auth: 'token', anonymousPull: true });
  const hub = await startHubCounter();
  const images = networkImages(DISTINCT_REFERENCES, REPOSITORIES);
  try {
    log(`  network: pushing ${images.length} images to docker-registry`);
    await pushAll(registry, images);
    const corpus = join(workDir, 'network-corpus');
    mkdirSync(corpus, { recursive: true });
    writeNetworkCorpus(corpus, registry.host, images, FILES);
    // An empty Docker config: no credentials from the machine running the bench.
    const dockerConfig = mkdtempSync(join(workDir, 'docker-config-'));
    writeFileSync(join(dockerConfig, 'config.json'), '{}');
    const policies = join(workDir, 'policies');
    mkdirSync(policies, { recursive: true });
    const policyFile = (name: string, rules: Record<string, string>) => {
      const path = join(policies, `${name}.yaml`);
      writeFileSync(path, `rules: ${JSON.stringify(rules)}\n`);
      return path;
    };
    const configs = [
      { label: 'cold, default rules', rules: 'none off (tag lists on)', config: undefined as string | undefined },
      {
        label: 'cold, tag-list rules off',
        rules: 'outdated-version, latest-tag, missing-tag off',
        config: policyFile('no-tag-lists', { 'outdated-version': 'off', 'latest-tag': 'off', 'missing-tag': 'off' }),
      },
      {
        // Every rule that reads more than the digest off: what is left is one manifest request per reference.
        label: 'cold, digests only',
        rules: 'also stale-image, vulnerable-image and stale-base off',
        config: policyFile('digests-only', {
          'outdated-version': 'off',
          'latest-tag': 'off',
          'missing-tag': 'off',
          'stale-image': 'off',
          'vulnerable-image': 'off',
          'stale-base': 'off',
        }),
      },
    ];
    registry.proxy.delayMs = DELAY_MS;

    const lintOnce = async (
      label: string,
      rules: string,
      config: string | undefined,
      cacheDir: string,
      extraArgs: string[] = [],
    ): Promise<LintRun> => {
      registry.resetLog();
      hub.reset();
      const args = ['lint', corpus, '--format', 'json', '--fail-on', 'never', '--hub-url', hub.url, ...extraArgs];
      if (config) args.push('--config', config);
      const started = performance.now();
      const run = await runImageTrust(
        args,
        workDir,
        { IMAGE_TRUST_CACHE_DIR: cacheDir, DOCKER_CONFIG: dockerConfig },
        label,
      );
      const ms = performance.now() - started;
      const records = [...registry.log];
      const counts = count(records);
      return {
        label,
        rules,
        ms,
        requests: counts,
        unauthorized: records.filter((r) => r.status === 401 && r.kind !== 'ping').length,
        manifestPerReference: ((counts.manifestHead ?? 0) + (counts.manifestGet ?? 0)) / images.length,
        hubRequests: hub.count(),
        findings: countFindings(run.stdout),
        exitCode: run.code,
        stderr: run.stderr.trim(),
        log: records,
      };
    };

    const cold: LintRun[] = [];
    let defaultCache = '';
    for (const c of configs) {
      log(`  network: ${c.label}`);
      const cacheDir = mkdtempSync(join(workDir, 'cache-'));
      if (!defaultCache) defaultCache = cacheDir;
      cold.push(await lintOnce(c.label, c.rules, c.config, cacheDir));
    }
    log(`  network: cold, default rules, ${FEWER_CONNECTIONS} connections per registry`);
    const fewerConnections = await lintOnce(
      `cold, default rules, ${FEWER_CONNECTIONS} connections`,
      configs[0].rules,
      undefined,
      mkdtempSync(join(workDir, 'cache-')),
      ['--connections', String(FEWER_CONNECTIONS)],
    );
    const firstWave: FirstWave[] = [];
    for (const pings of [false, true]) {
      log(`  network: every digest at once, in process, ${pings ? 'with' : 'without'} the /v2/ ping`);
      firstWave.push(await digestWave(registry, images, dockerConfig, pings));
    }
    log('  network: warm (same cache as the default-rules cold run)');
    const warm = await lintOnce('warm, default rules', 'none off', undefined, defaultCache);

    log(`  network: skopeo inspect loop (${SKOPEO_SAMPLE} of ${images.length} references)`);
    const skopeo = await skopeoLoop(registry, images, workDir);

    const replayed = spread(cold[0].log, SERIAL_SAMPLE);
    log(`  network: ${replayed.length} of the cold run's ${cold[0].log.length} requests one by one`);
    registry.resetLog();
    const sampledMs = await replaySerially(registry.url, replayed);
    const serial = {
      sampled: replayed.length,
      of: cold[0].log.length,
      sampledMs,
      estimatedMs: (sampledMs * cold[0].log.length) / Math.max(1, replayed.length),
    };

    return {
      distinct: images.length,
      files: FILES,
      delayMs: DELAY_MS,
      cold,
      fewerConnections,
      fewerConnectionsCount: FEWER_CONNECTIONS,
      firstWave,
      warm,
      skopeo,
      serial,
    };
  } finally {
    await hub.stop();
    await registry.stop();
  }
}

/**
 * A fresh registry client (no disk cache, no token yet, 12 connections) resolves the digest of
 * every reference at once: the first wave a document or a CI run sends. Counts what reached the
 * registry and how much of it was answered 401.
 */
async function digestWave(
  registry: TestRegistry,
  images: NetworkImage[],
  dockerConfigDir: string,
  pings: boolean,
): Promise<FirstWave> {
  const handle = createRegistryClient(
    { ...defaultNetworkSettings(), cacheDir: '', dockerConfigDir, connectionsPerRegistry: 12 },
    { pingOrigins: pings },
  );
  registry.resetLog();
  const started = performance.now();
  const results = await Promise.all(
    images.map((image) => handle.resolveDigest({ registry: registry.host, repository: image.repository }, image.tag)),
  );
  const ms = performance.now() - started;
  await handle.dispose();
  const records = [...registry.log];
  return {
    pings,
    ms,
    requests: count(records),
    unauthorized: records.filter((r) => r.status === 401 && r.kind !== 'ping').length,
    perReference: records.length / images.length,
    failures: results.filter((r) => !r.ok).length,
  };
}

async function skopeoLoop(
  registry: TestRegistry,
  images: NetworkImage[],
  workDir: string,
): Promise<NetworkResult['skopeo']> {
  const env = {
    ...process.env,
    HOME: mkdtempSync(join(workDir, 'skopeo-home-')),
    REGISTRY_AUTH_FILE: join(workDir, 'skopeo-auth.json'),
  };
  writeFileSync(env.REGISTRY_AUTH_FILE, '{"auths":{}}');
  const version = await execFileAsync('skopeo', ['--version'], env);
  if (version.code !== 0) return { error: `skopeo is not installed (${version.stderr.trim() || version.code})` };
  const sample = spread(images, SKOPEO_SAMPLE);
  registry.resetLog();
  const started = performance.now();
  for (const image of sample) {
    // What a person scripts: the digest and the tag list of each reference, one after another.
    const result = await execFileAsync(
      'skopeo',
      ['inspect', '--tls-verify=false', `docker://${registry.host}/${image.repository}:${image.tag}`],
      env,
    );
    if (result.code !== 0) return { error: `skopeo inspect failed: ${result.stderr.trim().split('\n').pop()}` };
  }
  const sampledMs = performance.now() - started;
  return {
    sampled: sample.length,
    sampledMs,
    estimatedMs: (sampledMs * images.length) / sample.length,
    requestsPerReference: registry.requestCount() / sample.length,
    version: version.stdout.trim(),
  };
}
