// The package list of one platform's image: from its BuildKit SBOM attestation when it has one
// (one small blob), else from the package databases in its layers, read top layer first and
// stopping once the answer is known (lower layers are then never downloaded). Each layer is
// streamed through gunzip and a tar reader that keeps only the wanted paths, closes the download
// once no later entry can be wanted, and stops at a byte cap. What a layer holds is cached by its
// digest (a layer never changes), in memory and on disk, so no layer is downloaded twice.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readCacheFile } from '../net/diskCache';
import { join } from 'node:path';
import type { Answer } from '../core/facts';
import { SPDX_PREDICATE_TYPE, parseSpdxStatement } from '../core/vuln/spdxSbom';
import {
  osvEcosystemFor,
  parseApkInstalled,
  parseDpkgStatus,
  parseOsRelease,
  type InstalledPackage,
  type PackageInventory,
} from '../core/vuln/packages';
import { attestationLayers, readStatement, resolvePlatformImage } from '../provenance/attestations';
import type { RegistryClient, RepositoryName } from '../registry/types';
import {
  APK_INSTALLED,
  DEFAULT_LAYER_LIMITS,
  DPKG_STATUS,
  DPKG_STATUS_DIR,
  emptyLayerFiles,
  LayerReadError,
  OS_RELEASE,
  readLayerStream,
  type LayerFiles,
  type LayerReadLimits,
} from './layerFiles';

export interface InventoryOptions {
  registry: RegistryClient;
  /** `<cacheDir>/vuln/layers/<hex>.json`; undefined: memory only. */
  cacheDir?: string;
  /** Compressed bytes of one layer downloaded at most; a longer layer is read up to here (a note says so). */
  maxLayerBytes?: number;
  limits?: LayerReadLimits;
}

export const DEFAULT_MAX_LAYER_BYTES = 512 * 1024 * 1024;
const MEMORY_LAYERS = 64;

/** What the layers above have decided about each wanted path: content, deleted (null) or not yet known. */
interface Overlay {
  dpkgStatus?: string | null;
  apkInstalled?: string | null;
  osRelease?: string | null;
  /** `status.d/<name>` files, top layer first wins. */
  statusD: Map<string, string | null>;
  statusDClosed: boolean;
}

export class ImageInventoryReader {
  private readonly layers = new Map<string, Promise<LayerFiles>>();
  /** Layers downloaded (not served from a cache), for the bench and the tests. */
  downloadedLayers = 0;
  /** Compressed layer bytes received, for the bench and the tests. */
  downloadedBytes = 0;

  constructor(private readonly options: InventoryOptions) {}

  async read(
    repo: RepositoryName,
    tagOrDigest: string,
    platform: string,
    signal?: AbortSignal,
  ): Promise<Answer<PackageInventory>> {
    const image = await resolvePlatformImage(this.options.registry, repo, tagOrDigest, platform, signal);
    if (!image.ok) {
      if ('noPlatform' in image)
        return {
          state: 'unavailable',
          reason: `the image has no ${platform} variant (it has ${image.noPlatform.join(', ') || 'none'})`,
        };
      return image.error.kind === 'notFound'
        ? { state: 'notFound', missing: image.error.missing === 'repository' ? 'repository' : 'tag' }
        : { state: 'unavailable', reason: image.error.message };
    }
    const notes: string[] = [];
    const manifestDigest = image.value.manifest.digest;
    const sbomLayer = attestationLayers(image.value.attestation, [SPDX_PREDICATE_TYPE])[0];
    if (sbomLayer) {
      const statement = await readStatement(this.options.registry, repo, sbomLayer, signal);
      const parsed = statement.ok
        ? parseSpdxStatement(statement.json)
        : { ok: false as const, reason: statement.reason };
      if (parsed.ok && parsed.packages.length) {
        return {
          state: 'known',
          value: { packages: parsed.packages, source: 'sbom', distro: parsed.distro, manifestDigest, notes },
          fetchedAt: Date.now(),
        };
      }
      notes.push(
        `the SBOM attestation was not used (${parsed.ok ? 'it lists no packages' : parsed.reason}); packages were read from the layers`,
      );
    }
    const layers = image.value.manifest.json.layers ?? [];
    if (!layers.length && !Array.isArray(image.value.manifest.json.layers))
      return { state: 'unavailable', reason: 'the platform manifest lists no layers' };
    const overlay: Overlay = { statusD: new Map(), statusDClosed: false };
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i];
      let files: LayerFiles;
      try {
        files = await this.layerFiles(repo, layer.digest, layer.mediaType, signal);
      } catch (error) {
        if (signal?.aborted) return { state: 'unavailable', reason: 'cancelled' };
        const message = (error as Error).message;
        if (!(error instanceof LayerReadError) && !(error instanceof LayerFetchError)) throw error;
        notes.push(`layer ${layer.digest.slice(7, 19)} could not be read: ${message}`);
        continue;
      }
      if (files.truncated) {
        const maxBytes = this.options.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES;
        notes.push(
          `layer ${layer.digest.slice(7, 19)} was read only to its first ${Math.round(maxBytes / 1048576)} MiB; what it holds further on is not known`,
        );
      }
      apply(overlay, files);
      const database = overlay.dpkgStatus !== undefined || overlay.apkInstalled !== undefined;
      if (database && overlay.osRelease !== undefined && (overlay.dpkgStatus || overlay.apkInstalled)) break;
    }
    const os = overlay.osRelease ? parseOsRelease(overlay.osRelease) : undefined;
    const ecosystem = os ? osvEcosystemFor(os) : undefined;
    const packages: InstalledPackage[] = [];
    if (overlay.dpkgStatus) packages.push(...parseDpkgStatus(overlay.dpkgStatus, ecosystem));
    for (const [, text] of [...overlay.statusD.entries()].sort(([a], [b]) => a.localeCompare(b)))
      if (text) packages.push(...parseDpkgStatus(text, ecosystem));
    if (overlay.apkInstalled) packages.push(...parseApkInstalled(overlay.apkInstalled, ecosystem));
    if (!packages.length)
      notes.push(
        'no dpkg or apk package database was found in the image (scratch, static or rpm-based images are not read)',
      );
    else if (!ecosystem)
      notes.push(
        os
          ? `OSV has no advisories for ${os.id} ${os.versionId ?? ''}`.trim()
          : 'the image has no os-release, so its release is unknown',
      );
    const distro = os ? `${os.id}${os.versionId ? ` ${os.versionId}` : ''}` : undefined;
    return {
      state: 'known',
      value: { packages, source: 'layers', distro, manifestDigest, notes },
      fetchedAt: Date.now(),
    };
  }

  private layerFiles(
    repo: RepositoryName,
    digest: string,
    mediaType: string,
    signal?: AbortSignal,
  ): Promise<LayerFiles> {
    let pending = this.layers.get(digest);
    if (!pending) {
      pending = this.loadLayer(repo, digest, mediaType, signal);
      // Memory keeps the most recent layers only; the disk cache keeps them all.
      if (this.layers.size >= MEMORY_LAYERS) this.layers.delete(this.layers.keys().next().value!);
      this.layers.set(digest, pending);
      pending.catch(() => this.layers.delete(digest));
    }
    return pending;
  }

  private async loadLayer(
    repo: RepositoryName,
    digest: string,
    mediaType: string,
    signal?: AbortSignal,
  ): Promise<LayerFiles> {
    const file =
      this.options.cacheDir && /^sha256:[0-9a-f]{64}$/.test(digest)
        ? join(this.options.cacheDir, 'vuln', 'layers', `${digest.slice(7)}.json`)
        : undefined;
    if (file) {
      try {
        return JSON.parse(await readCacheFile(file)) as LayerFiles;
      } catch {
        // Not cached yet (or unreadable): read the layer.
      }
    }
    const files = emptyLayerFiles();
    const limits = this.options.limits ?? DEFAULT_LAYER_LIMITS;
    const counted = async function* (this: ImageInventoryReader, chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        this.downloadedBytes += chunk.length;
        yield chunk;
      }
    }.bind(this);
    this.downloadedLayers++;
    const streamed = await this.options.registry.streamLayer(
      repo,
      digest,
      this.options.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES,
      async (chunks) => {
        await readLayerStream(counted(chunks), mediaType, limits, files);
      },
      signal,
    );
    if (!streamed.ok) {
      // Over the cap: what the start of the layer held is kept (and said to be partial).
      if (!streamed.error.tooLarge) throw new LayerFetchError(streamed.error.message);
      files.truncated = true;
    } else if (streamed.value.readerError !== undefined) {
      const error = streamed.value.readerError;
      throw error instanceof LayerReadError ? error : new LayerReadError(String((error as Error)?.message ?? error));
    }
    if (file) {
      try {
        await mkdir(join(file, '..'), { recursive: true });
        const temp = `${file}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify(files));
        await rename(temp, file);
      } catch {
        // A cache that cannot be written costs a download next time, nothing else.
      }
    }
    return files;
  }
}

class LayerFetchError extends Error {}

function decide<K extends 'dpkgStatus' | 'apkInstalled' | 'osRelease'>(
  overlay: Overlay,
  key: K,
  files: LayerFiles,
  paths: string[],
): void {
  if (overlay[key] !== undefined) return;
  for (const path of paths) {
    const content = files.files[path];
    if (typeof content === 'string') {
      overlay[key] = content;
      return;
    }
    if (hidesLower(files, path)) {
      overlay[key] = null;
      return;
    }
  }
  if (files.capped.some((p) => paths.includes(p))) overlay[key] = null;
}

/**
 * Whether this layer hides `path` of the layers below (OCI image-spec layer.md "Whiteouts"): a
 * whiteout of the path or of a folder above it, or an opaque folder above it.
 */
function hidesLower(files: LayerFiles, path: string): boolean {
  return (
    files.whiteouts.some((w) => path === w || path.startsWith(`${w}/`)) ||
    files.opaqueDirs.some((dir) => path.startsWith(dir))
  );
}

function apply(overlay: Overlay, files: LayerFiles): void {
  decide(overlay, 'dpkgStatus', files, [DPKG_STATUS]);
  decide(overlay, 'apkInstalled', files, [APK_INSTALLED]);
  // etc/os-release is a link to ../usr/lib/os-release on Debian and Ubuntu: follow it to the real file.
  const etc = files.files['etc/os-release'];
  decide(overlay, 'osRelease', files, typeof etc === 'object' ? ['usr/lib/os-release'] : OS_RELEASE);
  if (overlay.statusDClosed) return;
  for (const path of files.whiteouts)
    if (path.startsWith(DPKG_STATUS_DIR) && !overlay.statusD.has(path)) overlay.statusD.set(path, null);
  for (const [path, content] of Object.entries(files.files)) {
    if (path.startsWith(DPKG_STATUS_DIR) && typeof content === 'string' && !overlay.statusD.has(path))
      overlay.statusD.set(path, content);
  }
  if (hidesLower(files, DPKG_STATUS_DIR)) overlay.statusDClosed = true;
}
