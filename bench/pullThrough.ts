// A team-wide cache: Docker's own pull-through cache (Debian's docker-registry with
// `proxy.remoteurl`, https://distribution.github.io/distribution/recipes/mirror/) in front of a far
// upstream (50 ms per response). Twenty clients, each with an empty disk cache of its own (twenty
// CI runners or editors), lint the same corpus with the proxy as their docker.io mirror. Counted:
// the requests that reach the upstream, against twenty clients going to the upstream directly.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../test/support/registry';
import { networkImages, writeNetworkCorpus } from './corpus';
import { countFindings, pushAll, runImageTrust, startHubCounter } from './network';

export const CLIENTS = 20;
const DISTINCT = 30;
const REPOSITORIES = 6;
const FILES = 8;
/** Clients going straight to the upstream, for the peer figure (each makes the same requests: scaled to CLIENTS). */
const DIRECT_SAMPLE = 3;
/** Clients running at once (the machine has few cores; the proxy is what is measured). */
const PARALLEL = 4;

export interface PullThroughResult {
  clients: number;
  distinct: number;
  /** Requests reaching the upstream when every client goes to it directly (DIRECT_SAMPLE measured, scaled). */
  directUpstreamRequests: number;
  directSampled: number;
  /** Requests reaching the upstream through the pull-through cache, all clients. */
  proxiedUpstreamRequests: number;
  /** Of those, the first client's (it fills the cache). */
  firstClientUpstreamRequests: number;
  /** The proxy's own `GET /v2/` before each upstream request (distribution's challenge check), all clients. */
  proxiedUpstreamPings: number;
  /** Every client reported the same number of findings as a direct run. */
  sameFindings: boolean;
}

export async function benchPullThrough(workDir: string, log: (s: string) => void): Promise<PullThroughResult> {
  const upstream = await startRegistry();
  let pullThrough: TestRegistry | undefined;
  const hub = await startHubCounter();
  try {
    const images = networkImages(DISTINCT, REPOSITORIES);
    log(`  pull-through: pushing ${images.length} images to the upstream`);
    await pushAll(upstream, images);
    pullThrough = await startRegistry({ proxyRemoteUrl: upstream.url });
    upstream.proxy.delayMs = 50;
    const corpus = join(workDir, 'pull-through-corpus');
    mkdirSync(corpus, { recursive: true });
    writeNetworkCorpus(corpus, 'docker.io', images, FILES);
    const dockerConfig = mkdtempSync(join(workDir, 'ptc-docker-config-'));
    writeFileSync(join(dockerConfig, 'config.json'), '{}');

    const lint = async (mirror: string, label: string) => {
      const cacheDir = mkdtempSync(join(workDir, 'ptc-cache-'));
      const args = ['lint', corpus, '--format', 'json', '--fail-on', 'never', '--hub-url', hub.url];
      args.push('--registry-mirror', `docker.io=${mirror}`);
      const run = await runImageTrust(
        args,
        workDir,
        { IMAGE_TRUST_CACHE_DIR: cacheDir, DOCKER_CONFIG: dockerConfig },
        label,
      );
      return countFindings(run.stdout);
    };
    const clients = async (mirror: string, label: string, count: number): Promise<number[]> => {
      const findings: number[] = [];
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < count; i = next++) findings.push(await lint(mirror, `${label}-${i}`));
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      return findings;
    };

    log(`  pull-through: ${DIRECT_SAMPLE} clients straight to the upstream`);
    upstream.resetLog();
    const direct = await clients(upstream.url, 'ptc-direct', DIRECT_SAMPLE);
    const directUpstreamRequests = Math.round((upstream.log.length / DIRECT_SAMPLE) * CLIENTS);

    log(`  pull-through: ${CLIENTS} clients through the pull-through cache`);
    upstream.resetLog();
    const first = await lint(pullThrough.url, 'ptc-first');
    const firstClientUpstreamRequests = upstream.log.length;
    const rest = await clients(pullThrough.url, 'ptc-proxied', CLIENTS - 1);
    const proxied = [first, ...rest];
    return {
      clients: CLIENTS,
      distinct: images.length,
      directUpstreamRequests,
      directSampled: DIRECT_SAMPLE,
      proxiedUpstreamRequests: upstream.log.length,
      proxiedUpstreamPings: upstream.log.filter((r) => r.kind === 'ping').length,
      firstClientUpstreamRequests,
      sameFindings: [...direct, ...proxied].every((n) => n === direct[0] && n >= 0),
    };
  } finally {
    await pullThrough?.stop();
    await upstream.stop();
    await hub.stop();
  }
}
