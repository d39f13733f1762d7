// Reads the few files that say what is installed out of one image layer (a tar, usually gzipped):
// the dpkg status file and distroless `status.d/*`, apk's installed database, and os-release.
// Everything else streams past unread; each kept file and the whole unpacked stream are capped.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

export const DPKG_STATUS = 'var/lib/dpkg/status';
export const DPKG_STATUS_DIR = 'var/lib/dpkg/status.d/';
export const APK_INSTALLED = 'lib/apk/db/installed';
export const OS_RELEASE = ['etc/os-release', 'usr/lib/os-release'];

/** What one layer says about the wanted paths (OCI image-spec layer.md: whiteouts delete lower files). */
export interface LayerFiles {
  /** Path → content, or `{ link }` for a symbolic link. */
  files: Record<string, string | { link: string }>;
  /** Paths this layer deletes (`.wh.<name>`). */
  whiteouts: string[];
  /** Directories this layer makes opaque (`.wh..wh..opq`): nothing below them in lower layers counts. */
  opaqueDirs: string[];
  /** Files too large to keep. */
  capped: string[];
}

export interface LayerReadLimits {
  /** Largest single file kept (a dpkg status of a big image is a few MB). */
  maxFileBytes: number;
  /** Unpacked bytes read before giving up (a layer that never ends, a gzip bomb). */
  maxUnpackedBytes: number;
}

export const DEFAULT_LAYER_LIMITS: LayerReadLimits = {
  maxFileBytes: 32 * 1024 * 1024,
  maxUnpackedBytes: 2 * 1024 * 1024 * 1024,
};

export function isWantedPath(path: string): boolean {
  return (
    path === DPKG_STATUS ||
    path === APK_INSTALLED ||
    OS_RELEASE.includes(path) ||
    (path.startsWith(DPKG_STATUS_DIR) && path.length > DPKG_STATUS_DIR.length && !path.endsWith('.md5sums'))
  );
}

function normalize(name: string): string {
  return name.replace(/^\.?\/+/, '').replace(/^\.\//, '');
}

export class LayerReadError extends Error {}

export function layerCompression(mediaType: string): 'gzip' | 'none' | 'zstd' | 'unknown' {
  if (/zstd/.test(mediaType)) return 'zstd';
  if (/gzip/.test(mediaType)) return 'gzip';
  if (/\.tar$|tar$/.test(mediaType)) return 'none';
  return 'unknown';
}

/** Reads the wanted files of a layer held in memory. Rejects with LayerReadError on a bad layer. */
export function readLayerFiles(
  bytes: Uint8Array,
  mediaType: string,
  limits: LayerReadLimits = DEFAULT_LAYER_LIMITS,
): Promise<LayerFiles> {
  const compression = layerCompression(mediaType);
  // Some registries serve gzip layers under a plain media type; the magic bytes decide.
  const gzipped = compression === 'gzip' || (bytes[0] === 0x1f && bytes[1] === 0x8b);
  if (compression === 'zstd' && !gzipped)
    return Promise.reject(new LayerReadError('zstd-compressed layers cannot be read on this Node.js'));
  const out: LayerFiles = { files: {}, whiteouts: [], opaqueDirs: [], capped: [] };
  return new Promise((resolve, reject) => {
    const tar = extract();
    let unpacked = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      source.destroy();
      gunzip?.destroy();
      tar.destroy();
      if (error) reject(error);
      else resolve(out);
    };
    tar.on('entry', (header, stream, next) => {
      const path = normalize(header.name);
      const base = path.slice(path.lastIndexOf('/') + 1);
      const dir = path.slice(0, path.lastIndexOf('/') + 1);
      if (base === '.wh..wh..opq') out.opaqueDirs.push(dir);
      else if (base.startsWith('.wh.')) out.whiteouts.push(dir + base.slice(4));
      if (!isWantedPath(path) || base.startsWith('.wh.')) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      if (header.type === 'symlink' && header.linkname) {
        out.files[path] = { link: header.linkname };
        stream.on('end', next);
        stream.resume();
        return;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        stream.on('end', next);
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.length;
        if (size <= limits.maxFileBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (size > limits.maxFileBytes) out.capped.push(path);
        else out.files[path] = Buffer.concat(chunks).toString('utf8');
        next();
      });
    });
    tar.on('finish', () => finish());
    tar.on('error', (e: Error) => finish(new LayerReadError(`the layer is not a readable tar archive (${e.message})`)));
    const source = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
    const gunzip = gzipped ? createGunzip() : undefined;
    const counted = (gunzip ?? source) as NodeJS.ReadableStream;
    gunzip?.on('error', (e: Error) => finish(new LayerReadError(`the layer is not valid gzip (${e.message})`)));
    counted.on('data', (chunk: Buffer) => {
      unpacked += chunk.length;
      if (unpacked > limits.maxUnpackedBytes)
        finish(
          new LayerReadError(`the layer unpacks to more than ${Math.round(limits.maxUnpackedBytes / 1048576)} MiB`),
        );
    });
    if (gunzip) source.pipe(gunzip).pipe(tar);
    else source.pipe(tar);
  });
}
