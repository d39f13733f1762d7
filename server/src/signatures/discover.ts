// Finding the signatures attached to a digest, everywhere cosign and Notation put them today
// (docs/registries.md §6): OCI referrers (the referrers API, or the `sha256-<hex>` fallback tag index;
// the registry client decides which, §6.3), which hold cosign 3's Sigstore bundles (§6.2) and
// Notation signatures (§6.4); and cosign's legacy `sha256-<hex>.sig` tag (§6.1). Attestations
// (SLSA provenance, SBOMs, BuildKit's `unknown/unknown` index entries, §6.5) are counted, never
// taken for signatures.
import type {
  Descriptor,
  Manifest,
  ManifestHead,
  RegistryClient,
  RegistryError,
  RegistryResult,
  RepositoryName,
} from '../registry/types';

export const MEDIA = {
  sigstoreBundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  notationSignature: 'application/vnd.cncf.notary.signature',
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  /** Old-format cosign signatures stored as referrers (`--registry-referrers-mode oci-1-1`, §6.2). */
  cosignReferrerSignature: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  inToto: 'application/vnd.in-toto+json',
  dsseEnvelope: 'application/vnd.dsse.envelope.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

export const ANNOTATIONS = {
  cosignSignature: 'dev.cosignproject.cosign/signature',
  bundlePredicateType: 'dev.sigstore.bundle.predicateType',
  dockerReferenceType: 'vnd.docker.reference.type',
} as const;

/** The predicate type of a cosign 3 `cosign sign` bundle; any other predicate is an attestation. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

export type SignatureFormat = 'simple-signing' | 'sigstore-bundle' | 'notation';

export interface FoundSignature {
  format: SignatureFormat;
  /** For people: `cosign legacy tag`, `OCI referrers (Sigstore bundle)`, `Notation`. */
  kind: string;
  /** Tag or digest of the manifest that holds the signature(s). */
  manifestRef: string;
  /** Fetched already when discovery had to look inside. */
  manifest?: Manifest;
}

/** A signed attestation stored as a Sigstore bundle referrer (cosign 3 `cosign attest`, §6.2). */
export interface FoundAttestation {
  predicateType: string;
  manifestRef: string;
  manifest?: Manifest;
}

export interface Discovery {
  signatures: FoundSignature[];
  /** Attached attestations (provenance, SBOM...): shown as a detail, not a signature. */
  attestations: number;
  /** The attestations among them that are signed Sigstore bundles, which can be verified. */
  attestationBundles: FoundAttestation[];
  /** Lookups that failed for another reason than "nothing there". */
  problems: RegistryError[];
}

/** Beyond this many referrers the rest are not inspected (a busy repository must not cost hundreds of requests). */
const MAX_INSPECTED = 16;

export const KINDS = {
  legacyTag: 'cosign legacy tag',
  bundle: 'OCI referrers (Sigstore bundle)',
  cosignReferrer: 'OCI referrers (cosign)',
  notation: 'Notation',
} as const;

/** The cosign tag for a digest: `sha256:<hex>` → `sha256-<hex>.sig` (§6.1). */
export function cosignSignatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

type Classification =
  | { is: 'signature'; format: SignatureFormat; kind: string; manifest?: Manifest }
  | { is: 'attestation'; bundle?: { predicateType: string; manifest?: Manifest } }
  | { is: 'other' }
  | { is: 'unknown' };

/** What a referrer is, from its descriptor alone when that says enough. */
function classifyDescriptor(d: Descriptor): Classification {
  const annotations = d.annotations ?? {};
  if (annotations[ANNOTATIONS.dockerReferenceType] === 'attestation-manifest') return { is: 'attestation' };
  const predicate = annotations[ANNOTATIONS.bundlePredicateType];
  switch (d.artifactType) {
    case MEDIA.notationSignature:
      return { is: 'signature', format: 'notation', kind: KINDS.notation };
    case MEDIA.cosignReferrerSignature:
      return { is: 'signature', format: 'simple-signing', kind: KINDS.cosignReferrer };
    case MEDIA.sigstoreBundle:
      // cosign 3 writes signatures and attestations alike as bundles; only the predicate type
      // annotation tells them apart (§6.2). Without it, look inside.
      if (predicate === COSIGN_SIGN_PREDICATE)
        return { is: 'signature', format: 'sigstore-bundle', kind: KINDS.bundle };
      return predicate ? { is: 'attestation', bundle: { predicateType: predicate } } : { is: 'unknown' };
    case MEDIA.inToto:
    case MEDIA.dsseEnvelope:
      return { is: 'attestation' };
    case undefined:
    case '':
    case MEDIA.ociEmpty:
      // Fallback indexes written by ggcr/cosign before v0.22.1 lost artifactType (§6.2).
      return { is: 'unknown' };
    default:
      return { is: 'other' };
  }
}

/** What a referrer is, from its manifest (and, for an unlabelled bundle, the statement inside). */
async function classifyManifest(
  registry: RegistryClient,
  repo: RepositoryName,
  manifest: Manifest,
  signal?: AbortSignal,
): Promise<Classification> {
  const json = manifest.json;
  const layers = json.layers ?? [];
  const artifactType = json.artifactType || json.config?.mediaType;
  const predicate = json.annotations?.[ANNOTATIONS.bundlePredicateType];
  if (artifactType === MEDIA.notationSignature)
    return { is: 'signature', format: 'notation', kind: KINDS.notation, manifest };
  if (artifactType === MEDIA.cosignReferrerSignature || layers.some((l) => l.mediaType === MEDIA.simpleSigning)) {
    return { is: 'signature', format: 'simple-signing', kind: KINDS.cosignReferrer, manifest };
  }
  const bundleLayer = layers.find((l) => l.mediaType === MEDIA.sigstoreBundle);
  if (artifactType === MEDIA.sigstoreBundle || bundleLayer) {
    if (predicate)
      return predicate === COSIGN_SIGN_PREDICATE
        ? { is: 'signature', format: 'sigstore-bundle', kind: KINDS.bundle, manifest }
        : { is: 'attestation', bundle: { predicateType: predicate, manifest } };
    if (!bundleLayer) return { is: 'other' };
    const blob = await registry.getBlob(repo, bundleLayer.digest, signal);
    if (!blob.ok) return { is: 'other' };
    const statementType = bundlePredicateType(blob.value);
    if (statementType === COSIGN_SIGN_PREDICATE)
      return { is: 'signature', format: 'sigstore-bundle', kind: KINDS.bundle, manifest };
    return statementType ? { is: 'attestation', bundle: { predicateType: statementType, manifest } } : { is: 'other' };
  }
  if (
    artifactType === MEDIA.inToto ||
    layers.some((l) => l.mediaType === MEDIA.inToto || l.mediaType === MEDIA.dsseEnvelope)
  )
    return { is: 'attestation' };
  return { is: 'other' };
}

/** The in-toto predicate type inside a bundle's DSSE envelope, if it has one. */
export function bundlePredicateType(bundleBytes: Uint8Array): string | undefined {
  try {
    const bundle = JSON.parse(Buffer.from(bundleBytes).toString('utf8'));
    const payload = bundle?.dsseEnvelope?.payload;
    if (typeof payload !== 'string') return undefined;
    const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
    return typeof statement?.predicateType === 'string' ? statement.predicateType : undefined;
  } catch {
    return undefined;
  }
}

function isNothingThere(error: RegistryError): boolean {
  return error.kind === 'notFound';
}

export interface DiscoverOptions {
  /**
   * Fetch the legacy `.sig` manifest (needed to verify it). Without it a HEAD is enough to know a
   * signature exists (§6.1), and on Docker Hub a HEAD does not count as a pull, a GET does (§3.7).
   */
  fetchLegacyManifest: boolean;
}

/**
 * cosign's legacy tag, asked with a HEAD: most images have none, and on Docker Hub a HEAD is no
 * pull while a GET is (§3.7). Only when the tag exists and is to be verified is its manifest
 * fetched, by the digest the HEAD named: content-addressed, so the cache keeps it for good and the
 * next look at the same signature costs a HEAD again, never a pull.
 */
async function legacySignatureManifest(
  registry: RegistryClient,
  repo: RepositoryName,
  legacyTag: string,
  fetch: boolean,
  signal?: AbortSignal,
): Promise<RegistryResult<ManifestHead | Manifest>> {
  const head = await registry.resolveDigest(repo, legacyTag, signal);
  if (!head.ok || !fetch) return head;
  return registry.getManifest(repo, head.value.digest, signal);
}

export async function discoverSignatures(
  registry: RegistryClient,
  repo: RepositoryName,
  digest: string,
  options: DiscoverOptions,
  signal?: AbortSignal,
): Promise<Discovery> {
  const discovery: Discovery = { signatures: [], attestations: 0, attestationBundles: [], problems: [] };
  const legacyTag = cosignSignatureTag(digest);
  const [referrers, legacy] = await Promise.all([
    registry.listReferrers(repo, digest, signal),
    legacySignatureManifest(registry, repo, legacyTag, options.fetchLegacyManifest, signal),
  ]);

  if (referrers.ok) {
    let inspected = 0;
    for (const descriptor of referrers.value) {
      let found = classifyDescriptor(descriptor);
      if (found.is === 'unknown') {
        if (inspected++ >= MAX_INSPECTED) continue;
        const manifest = await registry.getManifest(repo, descriptor.digest, signal);
        if (!manifest.ok) {
          if (!isNothingThere(manifest.error)) discovery.problems.push(manifest.error);
          continue;
        }
        found = await classifyManifest(registry, repo, manifest.value, signal);
      }
      if (found.is === 'attestation') {
        discovery.attestations++;
        if (found.bundle) discovery.attestationBundles.push({ ...found.bundle, manifestRef: descriptor.digest });
      }
      if (found.is === 'signature') {
        discovery.signatures.push({
          format: found.format,
          kind: found.kind,
          manifestRef: descriptor.digest,
          manifest: found.manifest,
        });
      }
    }
  } else if (!isNothingThere(referrers.error)) {
    discovery.problems.push(referrers.error);
  }

  if (legacy.ok) {
    const manifest = 'json' in legacy.value ? legacy.value : undefined;
    // When fetched, the tag counts only if it holds simple-signing layers (§6.1).
    const layers = manifest?.json.layers;
    if (
      !manifest ||
      layers?.some((l) => l.mediaType === MEDIA.simpleSigning || l.annotations?.[ANNOTATIONS.cosignSignature])
    ) {
      discovery.signatures.push({ format: 'simple-signing', kind: KINDS.legacyTag, manifestRef: legacyTag, manifest });
    }
  } else if (!isNothingThere(legacy.error)) {
    discovery.problems.push(legacy.error);
  }
  return discovery;
}
