// Manifest media types ([DS-CN], docs/registries.md §3.2). Without the index types a registry answers a
// multi-platform tag with one platform's manifest, and the digest would not be what `docker pull` pins.
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const OCI_ARTIFACT_MANIFEST = 'application/vnd.oci.artifact.manifest.v1+json';

export const MANIFEST_ACCEPT = [
  OCI_INDEX,
  DOCKER_MANIFEST_LIST,
  OCI_MANIFEST,
  DOCKER_MANIFEST,
  OCI_ARTIFACT_MANIFEST,
].join(', ');

/** `sha256:<64 hex>` or `sha512:<128 hex>`: the algorithms a client can verify. */
export const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(reference: string): boolean {
  return DIGEST_PATTERN.test(reference);
}

/** Content-Type without parameters (the spec says clients should ignore them). */
export function bareMediaType(contentType: string | undefined): string | undefined {
  const bare = contentType?.split(';')[0].trim().toLowerCase();
  return bare || undefined;
}

/** OCI lets `mediaType` be absent from the body; infer it the way Renovate does. */
export function inferManifestMediaType(json: {
  mediaType?: string;
  manifests?: unknown;
  config?: unknown;
}): string | undefined {
  if (typeof json.mediaType === 'string') return json.mediaType;
  if (Array.isArray(json.manifests)) return OCI_INDEX;
  if (json.config && typeof json.config === 'object') return OCI_MANIFEST;
  return undefined;
}
