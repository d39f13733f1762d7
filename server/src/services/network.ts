// Everything that talks to the network, built from NetworkSettings: the registry client (with
// its cache), the Docker Hub client, signature lookups, and the facts service over them.
import { DEFAULT_OSV_URL, type NetworkSettings } from '../core/settings';
import { ProvenanceLookup } from '../provenance/provenanceLookup';
import { createAdvisorySource } from '../vuln/advisorySources';
import { ImageInventoryReader } from '../vuln/imageInventory';
import { OsvHttp } from '../vuln/osvHttp';
import { VulnerabilityScanner } from '../vuln/vulnerabilityScanner';
import { EolRefresher } from './eolRefresh';
import { createHubClient } from '../hub';
import { createRegistryClient, type RequestInfo } from '../registry';
import type { RegistryHealth } from '../registry/types';
import { findSignatures } from '../signatures';
import { errorAnswer, ImageFactsService } from './imageFacts';
import { createPublisherLookup } from './publisherLookup';

export interface Network {
  readonly settings: NetworkSettings;
  readonly facts: ImageFactsService;
  health(): RegistryHealth;
  onHealthChange(listener: () => void): void;
  /** Forgets every cached answer (memory and disk) of the registry and Docker Hub. */
  clearCache(): Promise<void>;
  /** Waits for pending disk-cache writes and closes connections. */
  dispose(): Promise<void>;
}

export interface NetworkOptions {
  onRequest?: (info: RequestInfo | { url: string }) => void;
  env?: NodeJS.ProcessEnv;
}

export function createNetwork(settings: NetworkSettings, options: NetworkOptions = {}): Network {
  const registry = createRegistryClient(settings, { onRequest: options.onRequest, env: options.env });
  const hub = createHubClient({
    hubUrl: settings.hubUrl,
    offline: settings.offline,
    cacheDir: settings.cacheDir === '' ? '' : (settings.cacheDir ?? registry.cacheDir),
    onRequest: options.onRequest ? (url) => options.onRequest!({ url }) : undefined,
  });
  const cacheDir = settings.cacheDir === '' ? undefined : (settings.cacheDir ?? registry.cacheDir);
  const vulnerabilities = new VulnerabilityScanner(
    new ImageInventoryReader({ registry: registry.client, cacheDir }),
    createAdvisorySource({
      osvUrl: settings.osvUrl ?? DEFAULT_OSV_URL,
      vulnDbDir: settings.vulnDbDir,
      cacheDir,
      http: new OsvHttp({ onRequest: options.onRequest ? (info) => options.onRequest!({ url: info.url }) : undefined }),
    }),
  );
  const healthListeners: Array<() => void> = [];
  vulnerabilities.onFailureChange(() => healthListeners.forEach((l) => l()));
  const facts = new ImageFactsService({
    registry: registry.client,
    vulnerabilities,
    provenance: new ProvenanceLookup(registry.client),
    // The end-of-life refresh is opt-in: the shipped snapshot needs no request.
    eol: settings.eolApiUrl
      ? new EolRefresher({
          baseUrl: settings.eolApiUrl,
          offline: settings.offline,
          cacheDir: settings.cacheDir === '' ? undefined : (settings.cacheDir ?? registry.cacheDir),
        })
      : undefined,
    offline: settings.offline,
    verifyDigests: (registry) => registry !== 'docker.io' || !!settings.registryMirrors['docker.io'],
    publishers: createPublisherLookup(hub, registry.client),
    signatures: {
      async check(repo, digest, keys, signal) {
        const result = await findSignatures(registry.client, repo, digest, keys, signal);
        return result.ok
          ? { state: 'known', value: result.value, fetchedAt: result.fetchedAt, fromCache: result.fromCache }
          : errorAnswer(result.error, 'tag');
      },
    },
  });
  return {
    settings,
    facts,
    health: () => {
      const health = registry.health();
      // An advisory source that failed removed findings: said like an unreachable registry.
      const osv = vulnerabilities.lastFailure();
      return osv
        ? { ...health, unreachable: [...health.unreachable, { registry: osv.service, message: osv.message }] }
        : health;
    },
    onHealthChange: (listener) => {
      healthListeners.push(listener);
      registry.onHealthChange(listener);
    },
    clearCache: async () => {
      facts.clear();
      vulnerabilities.clear();
      await Promise.all([registry.clearCache(), hub.clearCache()]);
    },
    dispose: () => registry.dispose(),
  };
}
