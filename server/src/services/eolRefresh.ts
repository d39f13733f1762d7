// Optional refresh of the shipped end-of-life snapshot from the endoflife.date API
// (`GET {base}/{product}.json`) through the network door, cached for a day in memory and on disk;
// never when offline. A failed refresh keeps the snapshot: end-of-life data never blocks or breaks a
// lint, and a failure is said once (lastFailure) instead of silently.
import { join } from 'node:path';
import { eolProductFor, type EolCycle } from '../core/eol/eol';
import { DiskCache } from '../net/diskCache';
import { HttpClient } from '../net/httpClient';

const DAY_MS = 86_400_000;
/** A product's cycles are a few KiB (nodejs, the longest, about 8 KiB); more is not an answer. */
export const MAX_EOL_BODY_BYTES = 256 * 1024;
const DEADLINE_MS = 10_000;

export interface EolRefreshOptions {
  /** API base, e.g. https://endoflife.date/api */
  baseUrl: string;
  offline: boolean;
  /** Cache root; entries under `<root>/eol`. Undefined: memory only. */
  cacheDir?: string;
  /** The network door (shared); without one the refresher makes its own (loopback-only plain http). */
  http?: HttpClient;
  /** Overall deadline of one refresh request, ms (default 10 000). */
  deadlineMs?: number;
  /** Told about every failed refresh (said once per service) and every success. */
  losses?: { record(service: string, message: string): void; succeeded(service: string): void };
  now?: () => number;
}

interface StoredCycles {
  key: string;
  at: number;
  cycles: EolCycle[];
}

/** Parses the API's answer (an array of cycles) into the snapshot's shape; undefined if it is not one. */
export function parseEolApiCycles(body: unknown): EolCycle[] | undefined {
  if (!Array.isArray(body)) return undefined;
  const cycles: EolCycle[] = [];
  for (const item of body) {
    if (!item || typeof item !== 'object') continue;
    const r = item as Record<string, unknown>;
    const cycle = typeof r.cycle === 'string' || typeof r.cycle === 'number' ? String(r.cycle) : undefined;
    const eol = typeof r.eol === 'string' || typeof r.eol === 'boolean' ? r.eol : undefined;
    if (!cycle || eol === undefined) continue;
    cycles.push({
      cycle,
      eol,
      releaseDate: typeof r.releaseDate === 'string' ? r.releaseDate : undefined,
      latest: typeof r.latest === 'string' ? r.latest : undefined,
    });
  }
  return cycles.length ? cycles : undefined;
}

export class EolRefresher {
  private readonly fresh = new Map<string, { at: number; cycles: EolCycle[] }>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private readonly disk: DiskCache<StoredCycles> | undefined;
  private readonly http: HttpClient;
  private readonly ownHttp: HttpClient | undefined;
  /** Why the last refresh failed; cleared by a success. */
  lastFailure: string | undefined;
  private readonly service: string;

  constructor(private readonly options: EolRefreshOptions) {
    this.now = options.now ?? Date.now;
    this.disk = options.cacheDir ? new DiskCache<StoredCycles>(join(options.cacheDir, 'eol')) : undefined;
    this.ownHttp = options.http ? undefined : new HttpClient({ now: this.now });
    this.http = options.http ?? (this.ownHttp as HttpClient);
    this.service = hostOf(options.baseUrl);
  }

  private failed(message: string): void {
    this.lastFailure = `end-of-life refresh (the shipped data is used): ${message}`;
    this.options.losses?.record(this.service, this.lastFailure);
  }

  /** Refreshed cycles of the product an image maps to, if a refresh has succeeded. */
  cyclesFor(ref: { registry: string; repository: string }): EolCycle[] | undefined {
    const product = eolProductFor(ref);
    return product ? this.fresh.get(product)?.cycles : undefined;
  }

  /** When the refreshed cycles of `ref`'s product were fetched (ms), if a refresh has succeeded. */
  refreshedAt(ref: { registry: string; repository: string }): number | undefined {
    const product = eolProductFor(ref);
    return product ? this.fresh.get(product)?.at : undefined;
  }

  /** Makes sure the product of `ref` was refreshed within a day (at most one request per product). */
  async refresh(ref: { registry: string; repository: string }, signal?: AbortSignal): Promise<void> {
    const product = eolProductFor(ref);
    if (!product || this.options.offline) return;
    const known = this.fresh.get(product);
    if (known && this.now() - known.at < DAY_MS) return;
    let pending = this.inFlight.get(product);
    if (!pending) {
      // Not tied to one caller's signal: the answer serves every reference of the product.
      pending = this.load(product).finally(() => this.inFlight.delete(product));
      this.inFlight.set(product, pending);
    }
    if (!signal) return pending;
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      signal.addEventListener('abort', () => resolve(), { once: true });
      void pending.then(resolve);
    });
  }

  /** Waits for pending refreshes and disk writes; closes the refresher's own door. */
  async dispose(): Promise<void> {
    await Promise.all([...this.inFlight.values()]);
    await this.disk?.flush();
    await this.ownHttp?.close();
  }

  private async load(product: string): Promise<void> {
    const cached = await this.disk?.read(product);
    if (cached && this.now() - cached.at < DAY_MS && Array.isArray(cached.cycles)) {
      this.fresh.set(product, cached);
      return;
    }
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(product)}.json`;
    const sent = await this.http.send({
      method: 'GET',
      url,
      headers: { accept: 'application/json' },
      service: this.service,
      purpose: 'eol',
      maxBodyBytes: MAX_EOL_BODY_BYTES,
      deadlineMs: this.options.deadlineMs ?? DEADLINE_MS,
    });
    if (!sent.ok) {
      if (sent.error.kind !== 'cancelled') this.failed(sent.error.message);
      return;
    }
    if (sent.value.status !== 200) {
      // 404: a product the API does not know; the snapshot stays without a word.
      if (sent.value.status !== 404) this.failed(`${this.service} answered HTTP ${sent.value.status}.`);
      return;
    }
    let cycles: EolCycle[] | undefined;
    try {
      cycles = parseEolApiCycles(JSON.parse(sent.value.body.toString('utf8')));
    } catch {
      cycles = undefined;
    }
    if (!cycles) {
      this.failed(`${this.service} sent something that is not a list of release cycles for ${product}.`);
      return;
    }
    this.lastFailure = undefined;
    this.options.losses?.succeeded(this.service);
    const entry: StoredCycles = { key: product, at: this.now(), cycles };
    this.fresh.set(product, entry);
    await this.disk?.write(entry);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
