// Reads the few files that say what is installed out of one image layer (a tar, usually gzipped),
// as it streams in: the dpkg status file and distroless `status.d/*`, apk's installed database,
// and os-release. Everything else streams past unread; each kept file and the whole unpacked
// stream are capped. The reader stops as soon as the rest of the layer cannot hold a wanted path
// (see pastWantedPaths), so the download behind it can be closed early.
import { createGunzip } from 'node:zlib';
import type * as TarStream from 'tar-stream';

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
  /**
   * The reader stopped before the end of the layer because the entries had passed every wanted
   * path in the order image builders write them (nothing after could be wanted).
   */
  stoppedEarly?: boolean;
  /**
   * Only the start of the layer was read (the byte cap was reached): files found are whole, but a
   * wanted path may still have been further in.
   */
  truncated?: boolean;
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

/** The last wanted path in either order below: everything in `status.d/` sorts before the bounds. */
const LAST_WANTED_DIR = DPKG_STATUS_DIR.slice(0, -1);
/** The first string after every `var/lib/dpkg/status.d/…` in plain string order ('0' follows '/'). */
const AFTER_LAST_WANTED = `${LAST_WANTED_DIR}0`;

/**
 * Order of a depth-first walk with the names of each directory sorted (Go's filepath.Walk, which
 * Docker's archive package and BuildKit's differ use to write layer tars): segment by segment.
 */
export function compareWalkOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

function compareStrings(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Whether `path` comes after every wanted path (and every whiteout or opaque marker that could
 * touch one) both in walk order and in plain string order (the order of Docker's classic diff
 * export, which sorts changes by full path). Layer tars are written in one of the two; once the
 * entries seen so far are in one of them and an entry is past the wanted paths in both, no later
 * entry can be wanted.
 */
export function pastWantedPaths(path: string): boolean {
  return compareWalkOrder(path, LAST_WANTED_DIR) > 0 && !path.startsWith(DPKG_STATUS_DIR) && path > AFTER_LAST_WANTED;
}

/**
 * Reads the wanted files of a layer from its chunks as they arrive. Returns when the layer ends,
 * or earlier once no later entry can be wanted (`stoppedEarly`), leaving the rest of `chunks`
 * unread so its source can be closed. Rejects with LayerReadError on a bad layer.
 */
export async function readLayerStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  mediaType: string,
  limits: LayerReadLimits = DEFAULT_LAYER_LIMITS,
  /** Filled as entries are read: what was found before a failure or a cap is still there. */
  out: LayerFiles = emptyLayerFiles(),
): Promise<LayerFiles> {
  const compression = layerCompression(mediaType);
  // The tar reader is loaded when a layer is read, not at start-up (see signatures/keyless.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tar = (require('tar-stream') as typeof TarStream).extract();
  let unpacked = 0;
  let failure: Error | undefined;
  let done = false;
  let previous: string | undefined;
  let walkOrdered = true;
  let stringOrdered = true;
  // Settles when the reader needs no more input (finished early or failed): a write waiting for
  // the tar parser to take more must not wait for a parser that stopped.
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const fail = (error: Error) => {
    failure ??= error;
    wake();
  };
  tar.on('entry', (header, stream, next) => {
    const path = normalize(header.name).replace(/\/+$/, '');
    if (previous !== undefined) {
      if (compareWalkOrder(previous, path) > 0) walkOrdered = false;
      if (compareStrings(previous, path) > 0) stringOrdered = false;
    }
    previous = path;
    if ((walkOrdered || stringOrdered) && pastWantedPaths(path)) {
      done = true;
      out.stoppedEarly = true;
      stream.resume();
      wake();
      return;
    }
    const base = path.slice(path.lastIndexOf('/') + 1);
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    if (base === '.wh..wh..opq') out.opaqueDirs.push(dir);
    else if (base.startsWith('.wh.')) out.whiteouts.push(dir + base.slice(4));
    const skip = () => {
      stream.on('end', next);
      stream.resume();
    };
    if (!isWantedPath(path) || base.startsWith('.wh.')) return skip();
    if (header.type === 'symlink' && header.linkname) {
      out.files[path] = { link: header.linkname };
      return skip();
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') return skip();
    const kept: Buffer[] = [];
    let size = 0;
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      size += chunk.length;
      if (size <= limits.maxFileBytes) kept.push(chunk);
    });
    stream.on('end', () => {
      if (size > limits.maxFileBytes) out.capped.push(path);
      else out.files[path] = Buffer.concat(kept).toString('utf8');
      next();
    });
  });
  tar.on('error', (e: Error) => fail(new LayerReadError(`the layer is not a readable tar archive (${e.message})`)));
  const tarFinished = new Promise<void>((resolve) => {
    tar.on('finish', resolve);
    tar.on('close', resolve);
    tar.on('error', () => resolve());
  });

  let input: Sink | undefined;
  let gunzip: ReturnType<typeof createGunzip> | undefined;
  const count = (chunk: Buffer) => {
    unpacked += chunk.length;
    if (unpacked > limits.maxUnpackedBytes)
      fail(new LayerReadError(`the layer unpacks to more than ${Math.round(limits.maxUnpackedBytes / 1048576)} MiB`));
  };
  const start = (first: Uint8Array): Sink => {
    // Some registries serve gzip layers under a plain media type; the magic bytes decide.
    const gzipped = compression === 'gzip' || (first[0] === 0x1f && first[1] === 0x8b);
    if (compression === 'zstd' && !gzipped)
      throw new LayerReadError('zstd-compressed layers cannot be read on this Node.js');
    if (gzipped) {
      gunzip = createGunzip();
      gunzip.on('error', (e: Error) => fail(new LayerReadError(`the layer is not valid gzip (${e.message})`)));
      gunzip.on('data', count);
      gunzip.pipe(tar as unknown as NodeJS.WritableStream);
      return gunzip;
    }
    return tar as unknown as Sink;
  };
  try {
    for await (const raw of chunks) {
      const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      if (!chunk.length) continue;
      input ??= start(chunk);
      if (!gunzip) count(chunk);
      // Pulled one chunk at a time: a slow reader slows the download instead of filling memory.
      if (!input.write(chunk)) await drained(input, stopped);
      if (done || failure) break;
    }
    if (!done && !failure) {
      input ??= start(Buffer.alloc(0));
      input.end();
      await Promise.race([tarFinished, stopped]);
    }
  } finally {
    gunzip?.unpipe(tar as unknown as NodeJS.WritableStream);
    gunzip?.destroy();
    tar.destroy();
  }
  if (failure) throw failure;
  return out;
}

export function emptyLayerFiles(): LayerFiles {
  return { files: {}, whiteouts: [], opaqueDirs: [], capped: [] };
}

/** The writable end of the gunzip or tar stream (Node's Writable and streamx's share this much). */
interface Sink {
  write(chunk: Buffer): boolean;
  end(): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** Waits for `stream` to take more input, to close, or for `stopped`. */
function drained(stream: Sink, stopped: Promise<void>): Promise<void> {
  let resolve: () => void = () => undefined;
  const ready = new Promise<void>((r) => (resolve = r));
  stream.once('drain', resolve);
  stream.once('close', resolve);
  return Promise.race([ready, stopped]).finally(() => {
    stream.off('drain', resolve);
    stream.off('close', resolve);
  });
}

/** Reads the wanted files of a layer held in memory. Rejects with LayerReadError on a bad layer. */
export function readLayerFiles(
  bytes: Uint8Array,
  mediaType: string,
  limits: LayerReadLimits = DEFAULT_LAYER_LIMITS,
): Promise<LayerFiles> {
  return readLayerStream([bytes], mediaType, limits);
}
