// Everything that talks to the network, built from NetworkSettings: the registry client (with
// its cache), the Docker Hub client, signature lookups, and the facts service over them.
import type { NetworkSettings } from '../core/settings';
import { EolRefresher } from './eolRefresh';
import { createHubClient } from '../hub';
import { createRegistryClient, type RequestInfo } from '../registry';
import type { RegistryHealth } from '../registry/types';
import { findSignatures } from '../signatures';
import { shippedTrustedRoot, trustedRootFromFile, type TrustedRootResult } from '../signatures/trustedRoot';
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
  // The user's trusted root replaces the shipped public-good one (read once; a bad file is said
  // on every keyless check rather than silently falling back to another root).
  let trustedRoot: TrustedRootResult | undefined;
  const sigstoreRoot = () =>
    (trustedRoot ??= settings.sigstoreTrustedRoot
      ? trustedRootFromFile(settings.sigstoreTrustedRoot)
      : shippedTrustedRoot());
  const facts = new ImageFactsService({
    registry: registry.client,
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
      async check(repo, digest, request, signal) {
        const root = request.verify ? sigstoreRoot() : undefined;
        if (root && !root.ok) return { state: 'unavailable', reason: root.error };
        const result = await findSignatures(
          registry.client,
          repo,
          digest,
          { keys: request.keys, stateKeys: request.stateKeys, sigstore: root?.ok ? root.root : undefined },
          signal,
        );
        return result.ok
          ? { state: 'known', value: result.value, fetchedAt: result.fetchedAt, fromCache: result.fromCache }
          : errorAnswer(result.error, 'tag');
      },
    },
  });
  return {
    settings,
    facts,
    health: () => registry.health(),
    onHealthChange: (listener) => void registry.onHealthChange(listener),
    clearCache: async () => {
      facts.clear();
      await Promise.all([registry.clearCache(), hub.clearCache()]);
    },
    dispose: () => registry.dispose(),
  };
}
