// Images with real content for the vulnerability tests: gzip tar layers holding real package
// databases (this machine's own dpkg status, an Alpine installed database in apk's documented
// format, distroless status.d files), and BuildKit attestation manifests carrying in-toto SPDX SBOMs
// and SLSA provenance, in the legacy and the OCI-artifact form (moby/buildkit
// docs/attestations/attestation-storage.md). Pushed through the registry's HTTP API.
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { MEDIA_TYPES, sha256Digest } from './ociImages';
import { pushBlob, pushManifest, type TestRegistry } from './registry';

export interface TarEntry {
  name: string;
  content?: string | Buffer;
  /** A symbolic link to this target. */
  link?: string;
  /** A directory. */
  dir?: boolean;
}

/** A real gzipped tar layer. */
export async function gzipLayer(entries: TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  for (const e of entries) {
    if (e.link) archive.entry({ name: e.name, type: 'symlink', linkname: e.link, mtime: new Date(0) });
    else if (e.dir) archive.entry({ name: e.name, type: 'directory', mtime: new Date(0) });
    else
      archive.entry(
        { name: e.name, mtime: new Date(0) },
        typeof e.content === 'string' ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0)),
      );
  }
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

export const REAL_DPKG_STATUS = readFileSync('/var/lib/dpkg/status', 'utf8');

/** The machine's real dpkg status with openssl's packages at another version. */
export function dpkgStatusWithOpenssl(version: string): string {
  const current = /^Package: libssl3\n(?:.+\n)*?Version: (.+)$/m.exec(REAL_DPKG_STATUS)?.[1];
  if (!current) throw new Error('this machine has no libssl3 in /var/lib/dpkg/status');
  return REAL_DPKG_STATUS.split(current).join(version);
}

export const DEBIAN_12_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
`;

export const ALPINE_OS_RELEASE = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.20.3
PRETTY_NAME="Alpine Linux v3.20"
`;

/** apk's installed database (apk-tools' format: `X:value` lines, a blank line between packages). */
export function apkInstalled(packages: Array<{ name: string; version: string; origin?: string }>): string {
  return packages
    .map(
      (p) =>
        `C:Q1${Buffer.from(p.name).toString('base64')}=\nP:${p.name}\nV:${p.version}\nA:x86_64\nS:100\nI:200\nT:${p.name}\nU:https://alpinelinux.org\nL:MIT\no:${p.origin ?? p.name}\nm:Test <test@example.org>\nt:1700000000\nc:0123456789abcdef\nF:usr/bin\nR:${p.name}\n`,
    )
    .join('\n');
}

/** Debian-style layers: os-release (etc/os-release a link, as on Debian) and the dpkg status. */
export async function debianLayers(dpkgStatus: string): Promise<Buffer[]> {
  return [
    await gzipLayer([
      { name: 'etc/', dir: true },
      { name: 'etc/os-release', link: '../usr/lib/os-release' },
      { name: 'usr/lib/os-release', content: DEBIAN_12_OS_RELEASE },
      { name: 'usr/bin/placeholder', content: 'x'.repeat(4096) },
    ]),
    await gzipLayer([
      { name: 'var/lib/dpkg/', dir: true },
      { name: 'var/lib/dpkg/status', content: dpkgStatus },
      { name: 'var/lib/dpkg/status-old', content: 'Package: stale\nVersion: 0\n' },
    ]),
  ];
}

export interface Statement {
  predicateType: string;
  predicate: unknown;
  /** in-toto statement version (BuildKit ≥ 0.31 writes v1). */
  type?: 'v0.1' | 'v1';
}

export interface PlatformContent {
  layers: Buffer[];
  attestations?: Statement[];
  /** Annotations on this platform's index entry (DOI put org.opencontainers.image.* there). */
  entryAnnotations?: Record<string, string>;
}

export interface PushedPackagedImage {
  digest: string;
  manifestDigests: Record<string, string>;
  layerDigests: Record<string, string[]>;
  attestationBlobDigests: string[];
  /** Size of every blob pushed (layers, configs, statements), by digest. */
  blobSizes: Record<string, number>;
}

/**
 * Pushes an index with one image per platform and, where given, BuildKit attestation manifests
 * (`form`: legacy image config, or OCI artifact with `artifactType`, empty config and `subject`).
 */
export async function pushPackagedImage(
  registry: TestRegistry,
  repo: string,
  tag: string,
  platforms: Record<string, PlatformContent>,
  form: 'legacy' | 'artifact' = 'legacy',
): Promise<PushedPackagedImage> {
  const entries: Array<Record<string, unknown>> = [];
  const attestationEntries: Array<Record<string, unknown>> = [];
  const manifestDigests: Record<string, string> = {};
  const layerDigests: Record<string, string[]> = {};
  const attestationBlobDigests: string[] = [];
  const blobSizes: Record<string, number> = {};
  const push = async (bytes: Buffer) => {
    blobSizes[sha256Digest(bytes)] = bytes.length;
    await pushBlob(registry, repo, bytes);
  };
  for (const [platformText, content] of Object.entries(platforms)) {
    const [os, architecture, variant] = platformText.split('/');
    const diffIds = content.layers.map((l) => sha256Digest(gunzipSync(l)));
    const config = Buffer.from(
      JSON.stringify({
        architecture,
        os,
        ...(variant ? { variant } : {}),
        config: {},
        rootfs: { type: 'layers', diff_ids: diffIds },
      }),
    );
    await push(config);
    for (const l of content.layers) await push(l);
    layerDigests[platformText] = content.layers.map((l) => sha256Digest(l));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: MEDIA_TYPES.ociConfig, digest: sha256Digest(config), size: config.length },
        layers: content.layers.map((l) => ({
          mediaType: MEDIA_TYPES.ociLayer,
          digest: sha256Digest(l),
          size: l.length,
        })),
      }),
    );
    const digest = await pushManifest(registry, repo, sha256Digest(manifest), manifest, MEDIA_TYPES.ociManifest);
    manifestDigests[platformText] = digest;
    entries.push({
      mediaType: MEDIA_TYPES.ociManifest,
      digest,
      size: manifest.length,
      platform: { os, architecture, ...(variant ? { variant } : {}) },
      ...(content.entryAnnotations ? { annotations: content.entryAnnotations } : {}),
    });
    if (!content.attestations?.length) continue;
    const layers: Array<Record<string, unknown>> = [];
    for (const s of content.attestations) {
      const statement = Buffer.from(
        JSON.stringify({
          _type: s.type === 'v1' ? 'https://in-toto.io/Statement/v1' : 'https://in-toto.io/Statement/v0.1',
          subject: [
            {
              name: `pkg:docker/${repo}@${tag}?platform=${encodeURIComponent(platformText)}`,
              digest: { sha256: digest.slice(7) },
            },
          ],
          predicateType: s.predicateType,
          predicate: s.predicate,
        }),
      );
      await push(statement);
      attestationBlobDigests.push(sha256Digest(statement));
      layers.push({
        mediaType: MEDIA_TYPES.inToto,
        digest: sha256Digest(statement),
        size: statement.length,
        annotations: { 'in-toto.io/predicate-type': s.predicateType },
      });
    }
    let attestationManifest: Buffer;
    if (form === 'artifact') {
      const empty = Buffer.from('{}');
      await pushBlob(registry, repo, empty);
      attestationManifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPES.ociManifest,
          artifactType: 'application/vnd.docker.attestation.manifest.v1+json',
          config: { mediaType: MEDIA_TYPES.ociEmpty, digest: sha256Digest(empty), size: 2, data: 'e30=' },
          layers,
          subject: { mediaType: MEDIA_TYPES.ociManifest, digest, size: manifest.length },
        }),
      );
    } else {
      const attConfig = Buffer.from(
        JSON.stringify({
          architecture: 'unknown',
          os: 'unknown',
          config: {},
          rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
        }),
      );
      await pushBlob(registry, repo, attConfig);
      attestationManifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPES.ociManifest,
          config: { mediaType: MEDIA_TYPES.ociConfig, digest: sha256Digest(attConfig), size: attConfig.length },
          layers,
        }),
      );
    }
    const attDigest = await pushManifest(
      registry,
      repo,
      sha256Digest(attestationManifest),
      attestationManifest,
      MEDIA_TYPES.ociManifest,
    );
    attestationEntries.push({
      mediaType: MEDIA_TYPES.ociManifest,
      digest: attDigest,
      size: attestationManifest.length,
      annotations: { 'vnd.docker.reference.digest': digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    });
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [...entries, ...attestationEntries],
    }),
  );
  const digest = await pushManifest(registry, repo, tag, index, MEDIA_TYPES.ociIndex);
  return { digest, manifestDigests, layerDigests, attestationBlobDigests, blobSizes };
}

/** An SPDX 2.3 document as buildkit-syft-scanner writes it, listing packages by purl. */
export function spdxDocument(
  packages: Array<{ name: string; version: string; purl: string }>,
  os?: { name: string; version: string },
) {
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'sbom',
    documentNamespace: 'https://example.invalid/sbom',
    creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: syft-v1.0.0'] },
    packages: [
      ...(os
        ? [{ SPDXID: 'SPDXRef-os', name: os.name, versionInfo: os.version, primaryPackagePurpose: 'OPERATING-SYSTEM' }]
        : []),
      ...packages.map((p, i) => ({
        SPDXID: `SPDXRef-Package-${i}`,
        name: p.name,
        versionInfo: p.version,
        sourceInfo: 'acquired package info from DPKG DB: /var/lib/dpkg/status',
        externalRefs: [
          {
            referenceCategory: 'SECURITY',
            referenceType: 'cpe23Type',
            referenceLocator: `cpe:2.3:a:${p.name}:${p.name}:${p.version}:*:*:*:*:*:*:*`,
          },
          { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl },
        ],
      })),
    ],
  };
}
