// Keeps the Sigstore public-good trusted root current the way Sigstore's own clients do: a TUF
// client (tuf-js, the library @sigstore/tuf uses) starts from the TUF root shipped in
// @sigstore/tuf's seed, walks the repository's signed metadata (root rotations, timestamp,
// snapshot, targets) and downloads `trusted_root.json` only when the signed targets metadata
// names it with its hashes. Every request goes through the network door; the TUF metadata and
// the root are cached on disk; at most one refresh a day; never when offline. A failed refresh
// keeps the last good root (cached, else shipped) and is said once: lastFailure, and the lookup
// loss log (the CLI's stderr, the editor's status) under the TUF repository's host, because a
// stale root can make a signature by a rotated Fulcio CA or Rekor key fail to verify.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seeds from '@sigstore/tuf/seeds.json';
import type { Fetcher } from 'tuf-js';
import type * as Tuf from 'tuf-js';
import type * as TufErrors from 'tuf-js/dist/error';
import type { HttpClient } from '../net/httpClient';
import { parseTrustedRoot, PUBLIC_GOOD_TUF_URL, shippedTrustedRoot, type TrustedRootResult } from './trustedRoot';

/* eslint-disable @typescript-eslint/no-require-imports */
/** tuf-js (and the fetch library under it), loaded when a refresh runs, not at start-up (see keyless.ts). */
const tuf = () => require('tuf-js') as typeof Tuf;
const tufErrors = () => require('tuf-js/dist/error') as typeof TufErrors;
/* eslint-enable @typescript-eslint/no-require-imports */

const DAY_MS = 86_400_000;
/** TUF metadata and trusted_root.json are tens of KiB; more is not an answer. */
const MAX_TUF_BYTES = 4 * 1024 * 1024;
const TARGET = 'trusted_root.json';

export interface TrustedRootRefreshOptions {
  /** The TUF repository (default the public-good one). Its root of trust is `rootJson`. */
  mirrorUrl?: string;
  /** The TUF root.json to start from (default: @sigstore/tuf's seed for the public-good repository). */
  rootJson?: string;
  /** Folder for the TUF metadata and the downloaded root; undefined: memory only (a temp folder per refresh). */
  cacheDir?: string;
  http: HttpClient;
  offline: boolean;
  now?: () => number;
  /** Where a failed refresh is said (and a later success clears it). */
  losses?: { record(service: string, message: string): void; succeeded(service: string): void };
}

/** tuf-js's fetcher interface over the network door. */
class DoorFetcher implements Fetcher {
  constructor(private readonly http: HttpClient) {}

  async downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    const bytes = await this.downloadBytes(url, maxLength);
    const dir = mkdtempSync(join(tmpdir(), 'image-trust-tuf-'));
    try {
      const file = join(dir, 'download');
      writeFileSync(file, bytes);
      return await handler(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async downloadBytes(url: string, maxLength: number): Promise<Buffer> {
    const outcome = await this.http.send({
      method: 'GET',
      url,
      service: new URL(url).host,
      purpose: 'tuf',
      maxBodyBytes: Math.min(maxLength, MAX_TUF_BYTES),
    });
    if (!outcome.ok) throw new Error(`${url}: ${outcome.error.message}`);
    // tuf-js walks root versions until a 403/404 says there is no newer one.
    if (outcome.value.status !== 200)
      throw new (tufErrors().DownloadHTTPError)(`GET ${url}: HTTP ${outcome.value.status}`, outcome.value.status);
    return outcome.value.body;
  }
}

function seedRoot(mirror: string): string | undefined {
  const seed = (seeds as Record<string, { 'root.json'?: string }>)[mirror];
  return seed?.['root.json'] ? Buffer.from(seed['root.json'], 'base64').toString('utf8') : undefined;
}

export class TrustedRootRefresher {
  private readonly mirror: string;
  private readonly now: () => number;
  private current: { at: number; root: TrustedRootResult } | undefined;
  private inFlight: Promise<TrustedRootResult> | undefined;
  /** Why the last refresh failed; cleared by a success. */
  lastFailure: string | undefined;

  constructor(private readonly options: TrustedRootRefreshOptions) {
    this.mirror = (options.mirrorUrl ?? PUBLIC_GOOD_TUF_URL).replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
  }

  /** The name the failure is said under: the TUF repository's host, like a registry's. */
  get service(): string {
    return new URL(this.mirror).host;
  }

  private get dir(): string | undefined {
    return this.options.cacheDir
      ? join(this.options.cacheDir, 'sigstore-tuf', encodeURIComponent(this.mirror))
      : undefined;
  }

  /** The freshest verified root: refreshed through TUF at most daily, else the cached one, else the shipped one. */
  async trustedRoot(): Promise<TrustedRootResult> {
    if (this.current && this.now() - this.current.at < DAY_MS) return this.current.root;
    const cached = this.readCache();
    if (cached && this.now() - cached.at < DAY_MS) {
      this.current = cached;
      return cached.root;
    }
    if (this.options.offline) return cached?.root ?? shippedTrustedRoot();
    this.inFlight ??= this.refresh(cached?.root).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private readCache(): { at: number; root: TrustedRootResult } | undefined {
    const dir = this.dir;
    if (!dir) return undefined;
    try {
      const stamp = JSON.parse(readFileSync(join(dir, 'refreshed.json'), 'utf8')) as { at?: unknown };
      const text = readFileSync(join(dir, 'targets', TARGET), 'utf8');
      const root = parseTrustedRoot(text, this.rootName(Number(stamp.at)));
      return root.ok && typeof stamp.at === 'number' ? { at: stamp.at, root } : undefined;
    } catch {
      return undefined;
    }
  }

  private rootName(at: number): string {
    const when = new Date(at).toISOString().slice(0, 10);
    return this.mirror === PUBLIC_GOOD_TUF_URL
      ? `the Sigstore public-good trusted root (TUF, ${when})`
      : `the trusted root of ${this.mirror} (TUF, ${when})`;
  }

  private async refresh(fallback: TrustedRootResult | undefined): Promise<TrustedRootResult> {
    const keep = fallback ?? shippedTrustedRoot();
    const temporary = this.dir ? undefined : mkdtempSync(join(tmpdir(), 'image-trust-tuf-'));
    const dir = this.dir ?? temporary!;
    try {
      mkdirSync(join(dir, 'targets'), { recursive: true });
      // tuf-js needs a trusted root.json to start from: the seed, unless a newer one is cached.
      if (!existsSync(join(dir, 'root.json'))) {
        const seed = this.options.rootJson ?? seedRoot(this.mirror);
        if (!seed) throw new Error(`no TUF root to start from for ${this.mirror}`);
        writeFileSync(join(dir, 'root.json'), seed);
      }
      const updater = new (tuf().Updater)({
        metadataBaseUrl: this.mirror,
        targetBaseUrl: `${this.mirror}/targets`,
        metadataDir: dir,
        targetDir: join(dir, 'targets'),
        fetcher: new DoorFetcher(this.options.http),
      });
      await updater.refresh();
      const info = await updater.getTargetInfo(TARGET);
      if (!info) throw new Error(`the TUF repository ${this.mirror} names no ${TARGET}`);
      const path =
        (await updater.findCachedTarget(info, join(dir, 'targets', TARGET))) ??
        (await updater.downloadTarget(info, join(dir, 'targets', TARGET)));
      const at = this.now();
      const root = parseTrustedRoot(readFileSync(path, 'utf8'), this.rootName(at));
      if (!root.ok) throw new Error(root.error);
      writeFileSync(join(dir, 'refreshed.json'), JSON.stringify({ at }));
      this.current = { at, root };
      this.lastFailure = undefined;
      this.options.losses?.succeeded(this.service);
      return root;
    } catch (error) {
      this.lastFailure = `the Sigstore trusted root could not be refreshed from ${this.mirror} (${(error as Error).message}); using ${keep.ok ? keep.root.name : 'none'}`;
      this.options.losses?.record(this.service, this.lastFailure);
      // Try again tomorrow, not on every signature.
      this.current = { at: this.now(), root: keep };
      return keep;
    } finally {
      if (temporary) rmSync(temporary, { recursive: true, force: true });
    }
  }
}
