// Optional refresh of the shipped end-of-life snapshot from the endoflife.date API
// (`GET {base}/{product}.json`), cached for a day in memory and on disk; never when offline.
// A failed refresh keeps the snapshot: end-of-life data never blocks or breaks a lint.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { undici } from '../registry/undici';
import { eolProductFor, type EolCycle } from '../core/eol/eol';

const DAY_MS = 86_400_000;
const TIMEOUT_MS = 5_000;

export interface EolRefreshOptions {
  /** API base, e.g. https://endoflife.date/api */
  baseUrl: string;
  offline: boolean;
  /** Cache root; `<root>/eol/<product>.json`. Undefined: memory only. */
  cacheDir?: string;
  now?: () => number;
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

  constructor(private readonly options: EolRefreshOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Refreshed cycles of the product an image maps to, if a refresh has succeeded. */
  cyclesFor(ref: { registry: string; repository: string }): EolCycle[] | undefined {
    const product = eolProductFor(ref);
    return product ? this.fresh.get(product)?.cycles : undefined;
  }

  /** Makes sure the product of `ref` was refreshed within a day (at most one request per product). */
  async refresh(ref: { registry: string; repository: string }): Promise<void> {
    const product = eolProductFor(ref);
    if (!product || this.options.offline) return;
    const known = this.fresh.get(product);
    if (known && this.now() - known.at < DAY_MS) return;
    let pending = this.inFlight.get(product);
    if (!pending) {
      pending = this.load(product).finally(() => this.inFlight.delete(product));
      this.inFlight.set(product, pending);
    }
    await pending;
  }

  private async load(product: string): Promise<void> {
    const file = this.options.cacheDir
      ? join(this.options.cacheDir, 'eol', `${encodeURIComponent(product)}.json`)
      : undefined;
    if (file) {
      try {
        const cached = JSON.parse(await readFile(file, 'utf8')) as { at: number; cycles: EolCycle[] };
        if (this.now() - cached.at < DAY_MS && Array.isArray(cached.cycles)) {
          this.fresh.set(product, cached);
          return;
        }
      } catch {
        // No cache yet, or a corrupt one: ask the API.
      }
    }
    try {
      const url = `${this.options.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(product)}.json`;
      const response = await undici().request(url, {
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
        headers: { accept: 'application/json' },
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        return;
      }
      const cycles = parseEolApiCycles(await response.body.json());
      if (!cycles) return;
      const entry = { at: this.now(), cycles };
      this.fresh.set(product, entry);
      if (file) {
        await mkdir(join(file, '..'), { recursive: true });
        const temp = `${file}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify(entry));
        await rename(temp, file);
      }
    } catch {
      // Unreachable or malformed: the shipped snapshot stays in use.
    }
  }
}
