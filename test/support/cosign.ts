// Writes signatures into the test registry the way cosign and Notation do, with key pairs made in
// the test: cosign's legacy layout (a manifest under tag `sha256-<hex>.sig` whose simple-signing
// layers carry the signature annotation, docs/registries.md §6.1), cosign 3's Sigstore bundle as an
// OCI referrer (§6.2, with the `sha256-<hex>` fallback index that a registry without the
// referrers API needs, §6.3), a Notation referrer (§6.4), and attestation bundles.
// Each writer can be told to sign the wrong thing or to corrupt the signature.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { MEDIA_TYPES, pushBlob, pushManifest, sha256Digest, type TestRegistry } from './registry';

export const SIGSTORE_BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const NOTATION_SIGNATURE = 'application/vnd.cncf.notary.signature';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const SLSA_PREDICATE = 'https://slsa.dev/provenance/v1';
const IN_TOTO_PAYLOAD = 'application/vnd.in-toto+json';

export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa' | 'ed25519';

export interface TestKey {
  type: KeyType;
  publicKeyPem: string;
  privateKey: KeyObject;
}

export function generateTestKey(type: KeyType = 'ecdsa-p256'): TestKey {
  const pair =
    type === 'ecdsa-p256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : type === 'ecdsa-p384'
        ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : type === 'rsa'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ed25519');
  return {
    type,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: pair.privateKey,
  };
}

/** What cosign does for each key type: DER ECDSA with the curve's hash, PKCS#1 v1.5 RSA/SHA-256, pure Ed25519. */
export function signWith(key: TestKey, data: Uint8Array): Buffer {
  switch (key.type) {
    case 'ecdsa-p256':
    case 'rsa':
      return sign('sha256', data, key.privateKey);
    case 'ecdsa-p384':
      return sign('sha384', data, key.privateKey);
    case 'ed25519':
      return sign(null, data, key.privateKey);
  }
}

/** Flips one bit: a signature that no longer verifies. */
export function corrupt(signature: Buffer): Buffer {
  const copy = Buffer.from(signature);
  copy[Math.floor(copy.length / 2)] ^= 0x01;
  return copy;
}

export interface Subject {
  digest: string;
  mediaType: string;
  size: number;
}

export interface SignOptions {
  /** Sign a payload naming this digest instead of the subject's (a signature copied from another image). */
  signedDigest?: string;
  /** Store a corrupted signature. */
  corruptSignature?: boolean;
  /** Store a payload different from the one signed (tampered after signing). */
  tamperPayload?: boolean;
  /** Spell the key `Docker-manifest-digest` like the cosign spec example (§6.1). */
  capitalizedDigestKey?: boolean;
}

/** cosign's simple-signing payload (docs/registries.md §6.1). */
export function simpleSigningPayload(repository: string, digest: string, capitalized = false): Buffer {
  const digestKey = capitalized ? 'Docker-manifest-digest' : 'docker-manifest-digest';
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': repository },
        image: { [digestKey]: digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

/**
 * Pushes a cosign legacy signature manifest under `sha256-<hex>.sig`, with one simple-signing
 * layer per key. Returns the signature manifest's digest.
 */
export async function pushLegacySignature(
  registry: TestRegistry,
  repo: string,
  subjectDigest: string,
  keys: TestKey[],
  options: SignOptions = {},
): Promise<string> {
  const layers: Array<Record<string, unknown>> = [];
  for (const key of keys) {
    const payload = simpleSigningPayload(
      `${registry.host}/${repo}`,
      options.signedDigest ?? subjectDigest,
      options.capitalizedDigestKey,
    );
    let signature = signWith(key, payload);
    if (options.corruptSignature) signature = corrupt(signature);
    const stored = options.tamperPayload
      ? Buffer.from(payload.toString().replace('cosign container image signature', 'cosign container image signaturE'))
      : payload;
    const digest = await pushBlob(registry, repo, stored);
    layers.push({
      mediaType: SIMPLE_SIGNING,
      size: stored.length,
      digest,
      annotations: { 'dev.cosignproject.cosign/signature': signature.toString('base64') },
    });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
  const configDigest = await pushBlob(registry, repo, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, size: config.length, digest: configDigest },
    layers,
  };
  return pushManifest(
    registry,
    repo,
    `${subjectDigest.replace(':', '-')}.sig`,
    JSON.stringify(manifest),
    MEDIA_TYPES.ociManifest,
  );
}

/** The DSSE pre-authentication encoding (what a DSSE signature covers). */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType);
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export interface BundleOptions extends SignOptions {
  predicateType?: string;
  /** A `messageSignature` bundle over the manifest bytes instead of a DSSE envelope (needs `subjectBytes`). */
  messageSignature?: boolean;
  subjectBytes?: Buffer;
}

/** A Sigstore bundle v0.3 as cosign 3 writes for a key-based `cosign sign` (docs/registries.md §6.2). */
export function sigstoreBundle(key: TestKey, subjectDigest: string, options: BundleOptions = {}): Buffer {
  const signedDigest = options.signedDigest ?? subjectDigest;
  const verificationMaterial = {
    publicKey: { hint: 'test-key' },
    tlogEntries: [],
    timestampVerificationData: { rfc3161Timestamps: [] },
  };
  if (options.messageSignature) {
    if (!options.subjectBytes) throw new Error('messageSignature needs subjectBytes');
    let signature = signWith(key, options.subjectBytes);
    if (options.corruptSignature) signature = corrupt(signature);
    return Buffer.from(
      JSON.stringify({
        mediaType: SIGSTORE_BUNDLE,
        verificationMaterial,
        messageSignature: {
          messageDigest: {
            algorithm: 'SHA2_256',
            digest: Buffer.from(signedDigest.slice(7), 'hex').toString('base64'),
          },
          signature: signature.toString('base64'),
        },
      }),
    );
  }
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'image', digest: { sha256: signedDigest.slice(7) } }],
    predicateType: options.predicateType ?? COSIGN_SIGN_PREDICATE,
    predicate: {},
  };
  const payload = Buffer.from(JSON.stringify(statement));
  let signature = signWith(key, pae(IN_TOTO_PAYLOAD, payload));
  if (options.corruptSignature) signature = corrupt(signature);
  const storedPayload = options.tamperPayload
    ? Buffer.from(JSON.stringify({ ...statement, predicate: { tampered: true } }))
    : payload;
  return Buffer.from(
    JSON.stringify({
      mediaType: SIGSTORE_BUNDLE,
      verificationMaterial,
      dsseEnvelope: {
        payload: storedPayload.toString('base64'),
        payloadType: IN_TOTO_PAYLOAD,
        signatures: [{ sig: signature.toString('base64'), keyid: '' }],
      },
    }),
  );
}

export interface ReferrerOptions {
  /** Manifest annotations (cosign sets `dev.sigstore.bundle.predicateType`). */
  annotations?: Record<string, string>;
  /** Leave `artifactType` out of the fallback index entry, like ggcr before v0.22.1 (§6.2). */
  unlabelledInIndex?: boolean;
  /** Add the entry to the `sha256-<hex>` fallback index (default true: Debian's registry has no referrers API). */
  fallbackIndex?: boolean;
}

/** What a referrers listing (API or fallback index) holds for one referrer. */
export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Pushes an OCI 1.1 artifact manifest with `subject`, and (by default) lists it in the fallback index. */
export async function pushReferrerArtifact(
  registry: TestRegistry,
  repo: string,
  subject: Subject,
  artifactType: string,
  layer: { mediaType: string; bytes: Buffer },
  options: ReferrerOptions = {},
): Promise<ReferrerDescriptor> {
  const empty = Buffer.from('{}');
  const emptyDigest = await pushBlob(registry, repo, empty);
  const layerDigest = await pushBlob(registry, repo, layer.bytes);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType,
    config: { mediaType: MEDIA_TYPES.ociEmpty, digest: emptyDigest, size: 2 },
    layers: [{ mediaType: layer.mediaType, digest: layerDigest, size: layer.bytes.length }],
    subject,
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await pushManifest(registry, repo, sha256Digest(bytes), bytes, MEDIA_TYPES.ociManifest);
  const descriptor: ReferrerDescriptor = {
    mediaType: MEDIA_TYPES.ociManifest,
    digest,
    size: bytes.length,
    artifactType,
  };
  if (options.annotations) descriptor.annotations = options.annotations;
  if (options.fallbackIndex ?? true) {
    const entry: ReferrerDescriptor = { ...descriptor };
    if (options.unlabelledInIndex) {
      delete entry.artifactType;
      delete entry.annotations;
    }
    await addToFallbackIndex(registry, repo, subject.digest, entry);
  }
  return descriptor;
}

/** Cosign 3's signature: a bundle referrer annotated with the signing predicate type. */
export async function pushBundleSignature(
  registry: TestRegistry,
  repo: string,
  subject: Subject,
  key: TestKey,
  options: BundleOptions & ReferrerOptions = {},
): Promise<ReferrerDescriptor> {
  const predicateType = options.predicateType ?? COSIGN_SIGN_PREDICATE;
  return pushReferrerArtifact(
    registry,
    repo,
    subject,
    SIGSTORE_BUNDLE,
    { mediaType: SIGSTORE_BUNDLE, bytes: sigstoreBundle(key, subject.digest, options) },
    {
      annotations: {
        'org.opencontainers.image.created': '2026-07-01T00:00:00Z',
        'dev.sigstore.bundle.content': options.messageSignature ? 'message-signature' : 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': predicateType,
        ...options.annotations,
      },
      unlabelledInIndex: options.unlabelledInIndex,
      fallbackIndex: options.fallbackIndex,
    },
  );
}

/** A Notation signature referrer: JWS envelope, certificate thumbprints annotation (§6.4). */
export async function pushNotationSignature(
  registry: TestRegistry,
  repo: string,
  subject: Subject,
  options: ReferrerOptions = {},
): Promise<ReferrerDescriptor> {
  const jws = Buffer.from(JSON.stringify({ payload: 'e30', protected: 'e30', signature: 'AAAA', header: { x5c: [] } }));
  return pushReferrerArtifact(
    registry,
    repo,
    subject,
    NOTATION_SIGNATURE,
    { mediaType: 'application/jose+json', bytes: jws },
    {
      ...options,
      annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': '["abc"]', ...options.annotations },
    },
  );
}

/** Adds (or replaces) an entry in the OCI referrers fallback index under tag `sha256-<hex>` (§6.3). */
export async function addToFallbackIndex(
  registry: TestRegistry,
  repo: string,
  subjectDigest: string,
  entry: ReferrerDescriptor,
): Promise<void> {
  const tag = subjectDigest.replace(':', '-');
  const existing = await fetch(`${registry.directUrl}/v2/${repo}/manifests/${tag}`, {
    headers: { accept: MEDIA_TYPES.ociIndex, ...(await pushHeaders(registry)) },
  });
  let manifests: ReferrerDescriptor[] = [];
  if (existing.status === 200)
    manifests = ((await existing.json()) as { manifests?: ReferrerDescriptor[] }).manifests ?? [];
  else await existing.arrayBuffer();
  manifests = [...manifests.filter((m) => m.digest !== entry.digest), entry];
  await pushManifest(
    registry,
    repo,
    tag,
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }),
    MEDIA_TYPES.ociIndex,
  );
}

async function pushHeaders(registry: TestRegistry): Promise<Record<string, string>> {
  return registry.auth === 'basic'
    ? { authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}` }
    : {};
}

/** The keyless fixtures made by test/fixtures/sigstore/generate.cjs against @sigstore/mock. */
export interface SigstoreFixtureImage {
  digest: string;
  /** base64 manifest bytes */
  manifest: string;
  /** base64 config and layer blobs */
  blobs: string[];
}

/** Pushes a fixture image byte for byte (so its digest is the one the fixture bundles sign) under `tag`. */
export async function pushFixtureImage(
  registry: TestRegistry,
  repo: string,
  image: SigstoreFixtureImage,
  tag = 'v1',
): Promise<Subject> {
  for (const blob of image.blobs) await pushBlob(registry, repo, Buffer.from(blob, 'base64'));
  const bytes = Buffer.from(image.manifest, 'base64');
  const digest = await pushManifest(registry, repo, tag, bytes, MEDIA_TYPES.ociManifest);
  if (digest !== image.digest) throw new Error(`fixture image pushed as ${digest}, expected ${image.digest}`);
  return { digest, mediaType: MEDIA_TYPES.ociManifest, size: bytes.length };
}

/** A Sigstore bundle (as JSON) attached the way cosign 3 attaches `cosign sign`/`cosign attest` output (§6.2). */
export async function pushSigstoreBundle(
  registry: TestRegistry,
  repo: string,
  subject: Subject,
  bundle: unknown,
  predicateType = COSIGN_SIGN_PREDICATE,
): Promise<ReferrerDescriptor> {
  return pushReferrerArtifact(
    registry,
    repo,
    subject,
    SIGSTORE_BUNDLE,
    { mediaType: SIGSTORE_BUNDLE, bytes: Buffer.from(JSON.stringify(bundle)) },
    {
      annotations: {
        'org.opencontainers.image.created': '2026-07-01T00:00:00Z',
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': predicateType,
      },
    },
  );
}

/** cosign's legacy keyless signature: `sha256-<hex>.sig` with one layer carrying certificate, chain and Rekor bundle (§6.1). */
export async function pushLegacyKeylessSignature(
  registry: TestRegistry,
  repo: string,
  subjectDigest: string,
  signature: { payload: string; annotations: Record<string, string> },
): Promise<string> {
  const payload = Buffer.from(signature.payload, 'base64');
  const layerDigest = await pushBlob(registry, repo, payload);
  const config = Buffer.from(
    JSON.stringify({ architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [layerDigest] }, config: {} }),
  );
  const configDigest = await pushBlob(registry, repo, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, size: config.length, digest: configDigest },
    layers: [
      { mediaType: SIMPLE_SIGNING, size: payload.length, digest: layerDigest, annotations: signature.annotations },
    ],
  };
  return pushManifest(
    registry,
    repo,
    `${subjectDigest.replace(':', '-')}.sig`,
    JSON.stringify(manifest),
    MEDIA_TYPES.ociManifest,
  );
}
