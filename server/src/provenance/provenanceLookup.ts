// Who built an image and from what, for one platform: the SLSA provenance attestation when the
// index has one, else the OCI annotations on the index entry, the manifest or the index; then,
// for each base image with a digest, what its tag points to today (a HEAD: it does not count
// against Docker Hub's pull limit).
import type { Answer, BaseImageStatus, ImageProvenance } from '../core/facts';
import { parseProvenanceStatement, provenanceFromAnnotations, SLSA_V02, SLSA_V1 } from '../core/provenance/provenance';
import { parseImageReference } from '../core/reference';
import type { RegistryClient, RepositoryName } from '../registry/types';
import { attestationLayers, readStatement, resolvePlatformImage } from './attestations';

export class ProvenanceLookup {
  constructor(private readonly registry: RegistryClient) {}

  async provenance(
    repo: RepositoryName,
    tagOrDigest: string,
    platform: string,
    signal?: AbortSignal,
  ): Promise<Answer<ImageProvenance>> {
    const image = await resolvePlatformImage(this.registry, repo, tagOrDigest, platform, signal);
    if (!image.ok) {
      if ('noPlatform' in image) return { state: 'unavailable', reason: `the image has no ${platform} variant` };
      return { state: 'unavailable', reason: image.error.message };
    }
    const { attestation, entry, manifest, top } = image.value;
    let info = undefined as ImageProvenance | undefined;
    // v1 first: BuildKit's default since v0.28; an index may carry either.
    for (const type of [SLSA_V1, SLSA_V02]) {
      const layer = attestationLayers(attestation, [type])[0];
      if (!layer) continue;
      const statement = await readStatement(this.registry, repo, layer, signal);
      const parsed = statement.ok ? parseProvenanceStatement(statement.json) : undefined;
      if (parsed) {
        info = parsed;
        break;
      }
    }
    info ??=
      provenanceFromAnnotations(entry?.annotations) ??
      provenanceFromAnnotations(manifest.json.annotations) ??
      provenanceFromAnnotations(top.json.annotations);
    if (!info) return { state: 'known', value: { from: 'none', bases: [] }, fetchedAt: Date.now() };
    const bases: BaseImageStatus[] = await Promise.all(info.bases.map((b) => this.baseStatus(b, platform, signal)));
    return { state: 'known', value: { ...info, bases }, fetchedAt: Date.now() };
  }

  private async baseStatus(base: BaseImageStatus, platform: string, signal?: AbortSignal): Promise<BaseImageStatus> {
    const parsed = parseImageReference(base.reference);
    if (!base.digest || !parsed.ok || parsed.reference.digest) return base;
    const ref = parsed.reference;
    const repo = { registry: ref.registry, repository: ref.repository };
    const head = await this.registry.resolveDigest(repo, ref.tag ?? 'latest', signal);
    if (!head.ok) return base;
    const current = [head.value.digest];
    if (head.value.digest !== base.digest) {
      // BuildKit records the digest it resolved, the index's; some builders record the
      // platform's manifest: look inside the index before calling the base moved.
      const image = await resolvePlatformImage(
        this.registry,
        repo,
        head.value.digest,
        base.platform ?? platform,
        signal,
      );
      if (image.ok) current.push(image.value.manifest.digest);
    }
    return { ...base, currentDigests: current };
  }
}
