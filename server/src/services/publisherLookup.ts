// Publisher and tag details for the facts: Docker Hub's web API for docker.io, the registry itself
// (index manifests and config blobs) everywhere else or when Hub has no answer.
import type { Answer, PublisherInfo, TagDetails } from '../core/facts';
import { hubNamespace } from '../core/reference';
import { hubPageUrl, hubTagPlatforms, type HubClient } from '../hub';
import type { RegistryClient, RepositoryName } from '../registry/types';
import type { PublisherLookup } from './imageFacts';

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

export function createPublisherLookup(hub: HubClient, registry: RegistryClient): PublisherLookup {
  return {
    async publisher(ref, signal): Promise<Answer<PublisherInfo>> {
      const namespace = hubNamespace(ref);
      if (!namespace) return { state: 'known', value: { tier: 'other-registry' } };
      const name = ref.repository.slice(namespace.length + 1);
      const [tier, repo] = await Promise.all([
        hub.getPublisherTier(namespace, name, signal),
        hub.getRepository(namespace, name, signal),
      ]);
      const details: Omit<PublisherInfo, 'tier'> = { pageUrl: hubPageUrl(namespace, name) };
      if (repo.ok) {
        details.description = repo.value.description;
        details.starCount = repo.value.starCount;
        details.pullCount = repo.value.pullCount;
        details.lastUpdated = repo.value.lastUpdated;
        details.fetchedAt = repo.fetchedAt;
        details.fromCache = repo.fromCache;
      }
      if (tier.ok)
        return {
          state: 'known',
          value: {
            ...details,
            tier: tier.value,
            fetchedAt: tier.fetchedAt ?? details.fetchedAt,
            fromCache: tier.fromCache ?? details.fromCache,
          },
        };
      if (tier.error.kind === 'notFound') return { state: 'unavailable', reason: 'Docker Hub search does not list it' };
      return { state: 'unavailable', reason: `Docker Hub could not be asked: ${tier.error.message}` };
    },

    async tagDetails(ref, tag, signal): Promise<Answer<TagDetails> | undefined> {
      const namespace = hubNamespace(ref);
      if (namespace) {
        const answer = await hub.getTag(namespace, ref.repository.slice(namespace.length + 1), tag, signal);
        if (answer.ok) {
          const platforms = hubTagPlatforms(answer.value);
          if (answer.value.lastPushed || platforms.length) {
            return {
              state: 'known',
              value: { lastPushed: answer.value.lastPushed, compressedSize: answer.value.fullSize, platforms },
              fetchedAt: answer.fetchedAt,
              fromCache: answer.fromCache,
            };
          }
        }
      }
      return registryTagDetails(registry, { registry: ref.registry, repository: ref.repository }, tag, signal);
    },
  };
}

/** Platforms, compressed size and creation date read from the registry: index → manifest → config. */
export async function registryTagDetails(
  registry: RegistryClient,
  repo: RepositoryName,
  tag: string,
  signal?: AbortSignal,
): Promise<Answer<TagDetails>> {
  const top = await registry.getManifest(repo, tag, signal);
  if (!top.ok) {
    return top.error.kind === 'notFound'
      ? { state: 'notFound', missing: top.error.missing === 'repository' ? 'repository' : 'tag' }
      : { state: 'unavailable', reason: top.error.message };
  }
  const json = top.value.json;
  const details: TagDetails = { platforms: [] };
  let manifestDigest: string | undefined = top.value.digest;
  if (INDEX_TYPES.has(top.value.mediaType) || Array.isArray(json.manifests)) {
    const entries = json.manifests ?? [];
    // Attestation manifests (unknown/unknown) are neither platforms nor images (docs/registries.md §6.5).
    const runnable = entries.filter(
      (m) => m.platform && m.platform.os !== 'unknown' && m.platform.architecture !== 'unknown',
    );
    details.hasAttestations = entries.some(
      (m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest',
    );
    details.platforms = runnable.map((m) =>
      [m.platform!.os, m.platform!.architecture, m.platform!.variant].filter(Boolean).join('/'),
    );
    const preferred =
      runnable.find((m) => m.platform!.os === 'linux' && m.platform!.architecture === 'amd64') ?? runnable[0];
    manifestDigest = preferred?.digest;
  }
  if (!manifestDigest) return { state: 'known', value: details };
  const manifest = manifestDigest === top.value.digest ? top : await registry.getManifest(repo, manifestDigest, signal);
  if (!manifest.ok) return { state: 'known', value: details };
  const layers = manifest.value.json.layers ?? [];
  if (layers.length) details.compressedSize = layers.reduce((sum, l) => sum + (l.size ?? 0), 0);
  const config = manifest.value.json.config;
  if (config?.digest) {
    const blob = await registry.getBlob(repo, config.digest, signal);
    if (blob.ok) {
      try {
        const parsed = JSON.parse(Buffer.from(blob.value).toString('utf8')) as {
          created?: unknown;
          os?: unknown;
          architecture?: unknown;
          variant?: unknown;
        };
        if (typeof parsed.created === 'string') details.lastPushed = parsed.created;
        if (
          details.platforms.length === 0 &&
          typeof parsed.os === 'string' &&
          typeof parsed.architecture === 'string'
        ) {
          details.platforms = [
            [parsed.os, parsed.architecture, typeof parsed.variant === 'string' ? parsed.variant : '']
              .filter(Boolean)
              .join('/'),
          ];
        }
      } catch {
        // A config that is not JSON tells us nothing more; the rest stands.
      }
    }
  }
  return { state: 'known', value: details };
}
