// Everything that talks to the network, built from NetworkSettings: one network door
// (net/httpClient.ts) that every client sends through, the registry client (with its cache), the
// Docker Hub client, the end-of-life refresh, signature lookups, and the facts service over them.
import type { NetworkSettings } from '../core/settings';
import { createHubClient } from '../hub';
import { HttpClient, type RequestCounts, type RequestInfo } from '../net';
import { createRegistryClient } from '../registry';
import type { RegistryHealth } from '../registry/types';
import { findSignatures } from '../signatures';
import { trustedRootFromFile, type TrustedRootResult } from '../signatures/trustedRoot';
import { TrustedRootRefresher } from '../signatures/trustedRootRefresh';
import { EolRefresher } from './eolRefresh';
import { errorAnswer, ImageFactsService } from './imageFacts';
import { createPublisherLookup } from './publisherLookup';

export interface Network {
  readonly settings: NetworkSettings;
  readonly facts: ImageFactsService;
  /** The door every request goes through; new API clients (OSV …) are adapters over it. */
  readonly http: HttpClient;
  health(): RegistryHealth;
  onHealthChange(listener: () => void): void;
  /** Requests sent so far (each retry counts), in total, per service and per purpose. */
  requestCounts(): RequestCounts;
  /** Forgets every cached answer (memory and disk) of the registry and Docker Hub. */
  clearCache(): Promise<void>;
  /** Waits for pending disk-cache writes, ends what is still running and closes every connection. */
  dispose(): Promise<void>;
}

export interface NetworkOptions {
  /** Hears every request that goes out (each retry too). */
  onRequest?: (info: RequestInfo) => void;
  env?: NodeJS.ProcessEnv;
}

export function createNetwork(settings: NetworkSettings, options: NetworkOptions = {}): Network {
  const http = new HttpClient({
    connectionsPerOrigin: settings.connectionsPerRegistry,
    requestDeadlineMs: settings.requestDeadlineMs,
    insecureHosts: settings.insecureRegistries,
    onRequest: options.onRequest,
  });
  const registry = createRegistryClient(settings, { http, env: options.env });
  const cacheRoot = settings.cacheDir === '' ? '' : (settings.cacheDir ?? registry.cacheDir);
  const hub = createHubClient({ hubUrl: settings.hubUrl, offline: settings.offline, cacheDir: cacheRoot, http });
  // The end-of-life refresh is opt-in: the shipped snapshot needs no request.
  const eol = settings.eolApiUrl
    ? new EolRefresher({
        baseUrl: settings.eolApiUrl,
        offline: settings.offline,
        cacheDir: cacheRoot || undefined,
        http,
      })
    : undefined;
  // The user's trusted root replaces the shipped public-good one (read once; a bad file is said
  // on every keyless check rather than silently replaced by another root). Otherwise the
  // public-good root, refreshed through TUF at most daily when online.
  let userRoot: TrustedRootResult | undefined;
  const tuf = settings.sigstoreTrustedRoot
    ? undefined
    : new TrustedRootRefresher({ http, offline: settings.offline, cacheDir: cacheRoot || undefined });
  const sigstoreRoot = async (): Promise<TrustedRootResult> =>
    settings.sigstoreTrustedRoot
      ? (userRoot ??= trustedRootFromFile(settings.sigstoreTrustedRoot))
      : tuf!.trustedRoot();
  const facts = new ImageFactsService({
    registry: registry.client,
    eol,
    offline: settings.offline,
    verifyDigests: (registry) => registry !== 'docker.io' || !!settings.registryMirrors['docker.io'],
    publishers: createPublisherLookup(hub, registry.client),
    signatures: {
      async check(repo, digest, request, signal) {
        const result = await findSignatures(
          registry.client,
          repo,
          digest,
          // The root is loaded (and refreshed) only when a keyless signature is met.
          { keys: request.keys, stateKeys: request.stateKeys, sigstore: request.verify ? sigstoreRoot : undefined },
          signal,
        );
        return result.ok
          ? { state: 'known', value: result.value, fetchedAt: result.fetchedAt, fromCache: result.fromCache }
          : errorAnswer(result.error, 'tag');
      },
    },
  });
  let disposed: Promise<void> | undefined;
  return {
    settings,
    facts,
    http,
    health: () => registry.health(),
    onHealthChange: (listener) => void registry.onHealthChange(listener),
    requestCounts: () => http.requestCounts(),
    clearCache: async () => {
      facts.clear();
      await Promise.all([registry.clearCache(), hub.clearCache()]);
    },
    dispose: () =>
      (disposed ??= (async () => {
        // Disk writes first (they need no connection), then end whatever is still running.
        await Promise.all([registry.dispose(), hub.dispose()]);
        await http.close();
        await eol?.dispose();
      })()),
  };
}
