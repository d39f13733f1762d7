// Builds realistic image content for the tests' registry: a gzipped tar layer, an image config with
// `created`/`architecture`/`os`, image manifests, and OCI indexes (optionally with BuildKit's
// `unknown/unknown` attestation entry). Pure byte builders; pushing lives in registry.ts.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface BlobContent {
  digest: string;
  bytes: Buffer;
  mediaType: string;
}

function blob(bytes: Buffer, mediaType: string): BlobContent {
  return { digest: sha256Digest(bytes), bytes, mediaType };
}

/** A one-file ustar archive, the smallest real layer. */
export function tarWithFile(name: string, content: string): Buffer {
  const data = Buffer.from(content, 'utf8');
  const header = Buffer.alloc(512, 0);
  const put = (text: string, offset: number, length: number) =>
    header.write(text.slice(0, length), offset, length, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(data.length.toString(8).padStart(11, '0') + '\0', 124, 12);
  put('00000000000\0', 136, 12); // mtime 0 keeps the layer digest reproducible
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  put(checksum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024, 0)]);
}

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

/** `linux/arm64/v8` → `{ os: 'linux', architecture: 'arm64', variant: 'v8' }`. */
export function parsePlatform(text: string): PlatformSpec {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new Error(`not a platform: ${text}`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export interface ImageBuildOptions {
  format?: 'oci' | 'docker';
  /** RFC 3339 creation time written into the config. */
  created?: string;
  labels?: Record<string, string>;
  /** Makes the layer unique, so two pushes of "the same" image differ (a new build). */
  salt?: string;
}

export interface BuiltImage {
  platform: PlatformSpec;
  config: BlobContent;
  layer: BlobContent;
  manifest: BlobContent;
}

export function buildImage(platformText: string, options: ImageBuildOptions = {}): BuiltImage {
  const platform = parsePlatform(platformText);
  const oci = (options.format ?? 'oci') === 'oci';
  const tar = tarWithFile('etc/image-trust-test', `platform=${platformText}\nsalt=${options.salt ?? ''}\n`);
  const layer = blob(gzipSync(tar, { level: 9 }), oci ? MEDIA_TYPES.ociLayer : MEDIA_TYPES.dockerLayer);
  const created = options.created ?? '2024-01-01T00:00:00Z';
  const configJson = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['/bin/sh'],
      Labels: options.labels ?? {},
    },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    history: [{ created, created_by: 'ADD etc/image-trust-test /etc/image-trust-test # image-trust test' }],
  };
  const config = blob(Buffer.from(JSON.stringify(configJson)), oci ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig);
  const manifestJson = {
    schemaVersion: 2,
    mediaType: oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
    layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.bytes.length }],
  };
  const manifest = blob(Buffer.from(JSON.stringify(manifestJson, null, 2)), manifestJson.mediaType);
  return { platform, config, layer, manifest };
}

export interface BuiltAttestation {
  blobs: BlobContent[];
  manifest: BlobContent;
  /** The index entry BuildKit writes for it. */
  descriptor: Record<string, unknown>;
}

/** BuildKit's attestation manifest for one platform manifest ([BK] attestation-storage.md). */
export function buildAttestation(subject: BuiltImage): BuiltAttestation {
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: 'image', digest: { sha256: subject.manifest.digest.slice(7) } }],
    predicate: { builder: { id: 'image-trust-test' } },
  };
  const layer = blob(Buffer.from(JSON.stringify(statement)), MEDIA_TYPES.inToto);
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: 'unknown',
        os: 'unknown',
        config: {},
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
    MEDIA_TYPES.ociConfig,
  );
  const manifestJson = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
    layers: [
      {
        mediaType: layer.mediaType,
        digest: layer.digest,
        size: layer.bytes.length,
        annotations: { 'in-toto.io/predicate-type': statement.predicateType },
      },
    ],
  };
  const manifest = blob(Buffer.from(JSON.stringify(manifestJson)), MEDIA_TYPES.ociManifest);
  return {
    blobs: [config, layer],
    manifest,
    descriptor: {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: manifest.digest,
      size: manifest.bytes.length,
      annotations: {
        'vnd.docker.reference.digest': subject.manifest.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
  };
}

export function buildIndex(
  images: BuiltImage[],
  options: {
    format?: 'oci' | 'docker';
    extraManifests?: Array<Record<string, unknown>>;
    annotations?: Record<string, string>;
  } = {},
): BlobContent {
  const oci = (options.format ?? 'oci') === 'oci';
  const json = {
    schemaVersion: 2,
    mediaType: oci ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerList,
    manifests: [
      ...images.map((image) => ({
        mediaType: image.manifest.mediaType,
        digest: image.manifest.digest,
        size: image.manifest.bytes.length,
        platform: image.platform,
      })),
      ...(options.extraManifests ?? []),
    ],
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  return blob(Buffer.from(JSON.stringify(json, null, 2)), json.mediaType);
}

/** An OCI artifact manifest (a signature-like referrer) whose `subject` is the given manifest. */
export function buildReferrer(
  subject: { digest: string; mediaType: string; size: number },
  artifactType: string,
): { blobs: BlobContent[]; manifest: BlobContent } {
  const empty = blob(Buffer.from('{}'), MEDIA_TYPES.ociEmpty);
  const payload = blob(
    Buffer.from(JSON.stringify({ signed: subject.digest })),
    'application/vnd.dev.sigstore.bundle.v0.3+json',
  );
  const json = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType,
    config: { mediaType: empty.mediaType, digest: empty.digest, size: 2 },
    layers: [{ mediaType: payload.mediaType, digest: payload.digest, size: payload.bytes.length }],
    subject,
  };
  return { blobs: [empty, payload], manifest: blob(Buffer.from(JSON.stringify(json)), MEDIA_TYPES.ociManifest) };
}
