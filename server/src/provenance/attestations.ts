// Finds the image of one platform in an index and the BuildKit attestation manifest that describes
// it (moby/buildkit docs/attestations/attestation-storage.md): an index entry with
// `vnd.docker.reference.type: attestation-manifest` and `vnd.docker.reference.digest` = the
// platform manifest's digest, whose layers are in-toto statements named by
// `in-toto.io/predicate-type`. Both the legacy form (a real image config) and the OCI-artifact form
// (`artifactType` application/vnd.docker.attestation.manifest.v1+json, empty config) are read.
import { parsePlatform, platformMatches } from '../core/platform';
import type { Descriptor, Manifest, RegistryClient, RegistryResult, RepositoryName } from '../registry/types';

export const IN_TOTO_MEDIA_TYPE = 'application/vnd.in-toto+json';
/** BuildKit: "each attestation file ≤ 40 MiB". */
export const MAX_ATTESTATION_BYTES = 40 * 1024 * 1024;
/** Statements up to this size are kept in the registry cache (it caps blobs at 16 MiB). */
const CACHED_STATEMENT_BYTES = 16 * 1024 * 1024;

export interface PlatformImage {
  /** The index (or the single manifest when the tag has no index). */
  top: Manifest;
  /** The platform's image manifest. */
  manifest: Manifest;
  /** The index entry for it, with its annotations (DOI put `org.opencontainers.image.*` there). */
  entry?: Descriptor;
  /** The attestation manifest describing it, when the index has one. */
  attestation?: Manifest;
}

export type PlatformImageResult = RegistryResult<PlatformImage> | { ok: false; noPlatform: string[] };

const isIndex = (m: Manifest) => Array.isArray(m.json.manifests);

function isAttestationEntry(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
}

function platformText(d: Descriptor): string | undefined {
  const p = d.platform;
  return p ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : undefined;
}

export async function resolvePlatformImage(
  registry: RegistryClient,
  repo: RepositoryName,
  tagOrDigest: string,
  platform: string,
  signal?: AbortSignal,
): Promise<PlatformImageResult> {
  const top = await registry.getManifest(repo, tagOrDigest, signal);
  if (!top.ok) return top;
  if (!isIndex(top.value)) return { ok: true, value: { top: top.value, manifest: top.value } };
  const wanted = parsePlatform(platform);
  const entries = (top.value.json.manifests ?? []).filter((d) => !isAttestationEntry(d));
  const entry = wanted ? entries.find((d) => platformMatches(d.platform, wanted)) : undefined;
  if (!entry) return { ok: false, noPlatform: entries.map(platformText).filter((p): p is string => !!p) };
  const manifest = await registry.getManifest(repo, entry.digest, signal);
  if (!manifest.ok) return manifest;
  const attestationEntry = (top.value.json.manifests ?? []).find(
    (d) => isAttestationEntry(d) && d.annotations?.['vnd.docker.reference.digest'] === entry.digest,
  );
  let attestation: Manifest | undefined;
  if (attestationEntry) {
    const got = await registry.getManifest(repo, attestationEntry.digest, signal);
    if (got.ok) attestation = got.value;
  }
  return { ok: true, value: { top: top.value, manifest: manifest.value, entry, attestation } };
}

/** The attestation layers of one predicate type (unknown media types are ignored, as BuildKit says). */
export function attestationLayers(attestation: Manifest | undefined, predicateTypes: string[]): Descriptor[] {
  return (attestation?.json.layers ?? []).filter(
    (l) =>
      l.mediaType === IN_TOTO_MEDIA_TYPE && predicateTypes.includes(l.annotations?.['in-toto.io/predicate-type'] ?? ''),
  );
}

/** Reads one attestation statement as JSON; a failure is a sentence. */
export async function readStatement(
  registry: RegistryClient,
  repo: RepositoryName,
  layer: Descriptor,
  signal?: AbortSignal,
): Promise<{ ok: true; json: unknown } | { ok: false; reason: string }> {
  if (layer.size > MAX_ATTESTATION_BYTES)
    return { ok: false, reason: `the attestation is ${Math.round(layer.size / 1048576)} MiB, over BuildKit's 40 MiB` };
  // Small statements go through the blob cache (a digest never changes: a warm run asks nothing).
  const blob =
    layer.size > 0 && layer.size <= CACHED_STATEMENT_BYTES
      ? await registry.getBlob(repo, layer.digest, signal)
      : await registry.getLayer(repo, layer.digest, MAX_ATTESTATION_BYTES, signal);
  if (!blob.ok) return { ok: false, reason: blob.error.message };
  try {
    return { ok: true, json: JSON.parse(Buffer.from(blob.value).toString('utf8')) };
  } catch {
    return { ok: false, reason: 'the attestation is not valid JSON' };
  }
}
