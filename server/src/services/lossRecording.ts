// Decorators that tell the LookupLossLog about every registry or Docker Hub answer the facts use:
// a failure that is not an answer in itself (not "not found", not offline, not the caller's own
// cancellation) is a lost lookup; an incomplete answer (a tag list cut at its cap) is said too.
import type { HubClient } from '../hub';
import type { RegistryClient, RegistryError, RegistryResult } from '../registry/types';
import type { LookupLossLog } from './lookupLosses';

function isLoss(error: RegistryError): boolean {
  return !error.cancelled && error.kind !== 'notFound' && error.kind !== 'offline';
}

function observe<T extends RegistryResult<unknown>>(log: LookupLossLog, service: string, result: T): T {
  if (result.ok) {
    if (result.notice) log.record(service, result.notice);
    else log.succeeded(service);
  } else if (isLoss(result.error)) log.record(result.error.registry || service, result.error.message);
  return result;
}

export function recordRegistryLosses(client: RegistryClient, log: LookupLossLog): RegistryClient {
  return {
    resolveDigest: async (repo, ref, signal) =>
      observe(log, repo.registry, await client.resolveDigest(repo, ref, signal)),
    getManifest: async (repo, ref, signal) => observe(log, repo.registry, await client.getManifest(repo, ref, signal)),
    listTags: async (repo, signal) => observe(log, repo.registry, await client.listTags(repo, signal)),
    getBlob: async (repo, digest, signal) => observe(log, repo.registry, await client.getBlob(repo, digest, signal)),
    getLayer: async (repo, digest, maxBytes, signal) =>
      observe(log, repo.registry, await client.getLayer(repo, digest, maxBytes, signal)),
    streamLayer: async (repo, digest, maxBytes, read, signal) =>
      observe(log, repo.registry, await client.streamLayer(repo, digest, maxBytes, read, signal)),
    listReferrers: async (repo, digest, signal) =>
      observe(log, repo.registry, await client.listReferrers(repo, digest, signal)),
  };
}

export function recordHubLosses(hub: HubClient, log: LookupLossLog, service: string): HubClient {
  return {
    getRepository: async (namespace, name, signal) =>
      observe(log, service, await hub.getRepository(namespace, name, signal)),
    getTag: async (namespace, name, tag, signal) =>
      observe(log, service, await hub.getTag(namespace, name, tag, signal)),
    getPublisherTier: async (namespace, name, signal) =>
      observe(log, service, await hub.getPublisherTier(namespace, name, signal)),
    clearCache: () => hub.clearCache(),
    dispose: () => hub.dispose(),
  };
}
