// The OSV API client (google/osv.dev docs/api): `POST /v1/querybatch` with at most 1000 queries
// per request answers ids and modified times only, in the order asked, with `next_page_token` for
// a query that has more; each record then comes from `GET /v1/vulns/{id}`, cached by id and
// modified time. Batch answers are cached for an hour, so a warm run makes no request.
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readCacheFile } from '../net/diskCache';
import { join } from 'node:path';
import { readOsvVulnerability, type OsvVulnerability } from '../core/vuln/osvRecord';
import type { AdvisoryResult, AdvisorySource, OsvQuery } from './advisories';
import type { OsvHttp } from './osvHttp';

/** osv.dev refuses more ("too many queries", query_affected.go maxBatchQueries). */
export const MAX_BATCH_QUERIES = 1000;
/** osv.dev's own response limit on HTTP/1.1 (docs/api/index.md). */
export const MAX_BATCH_RESPONSE_BYTES = 32 * 1024 * 1024;
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;
const MAX_PAGES_PER_QUERY = 10;
const RECORD_CONCURRENCY = 8;
const BATCH_TTL_MS = 60 * 60_000;

interface ListedVuln {
  id: string;
  modified: string;
}

export interface OsvClientOptions {
  baseUrl: string;
  http: OsvHttp;
  /** `<cacheDir>/osv/`; undefined: memory only. */
  cacheDir?: string;
  now?: () => number;
}

class OsvShapeError extends Error {}

export class OsvClient implements AdvisorySource {
  readonly trustMatch = true;
  readonly name: string;
  private readonly baseUrl: string;
  private readonly records = new Map<string, OsvVulnerability>();
  private readonly batches = new Map<string, { at: number; lists: ListedVuln[][] }>();
  private readonly now: () => number;

  constructor(private readonly options: OsvClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.name = `OSV (${new URL(this.baseUrl).host})`;
    this.now = options.now ?? Date.now;
  }

  async advisoriesFor(queries: OsvQuery[], signal?: AbortSignal): Promise<AdvisoryResult> {
    try {
      const listed = await this.list(queries, signal);
      const wanted = new Map<string, string>();
      for (const vulns of listed) for (const v of vulns) wanted.set(v.id, v.modified);
      const records = new Map<string, OsvVulnerability>();
      const ids = [...wanted.keys()];
      const worker = async () => {
        for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
          records.set(id, await this.record(id, wanted.get(id)!, signal));
        }
      };
      await Promise.all(Array.from({ length: Math.min(RECORD_CONCURRENCY, ids.length) }, worker));
      return { ok: true, records: listed.map((vulns) => vulns.map((v) => records.get(v.id)!)) };
    } catch (error) {
      return { ok: false, message: `${this.name}: ${(error as Error).message}` };
    }
  }

  /**
   * Ids and modified times for each query, from the cache or querybatch. The whole list of an
   * image is cached under one key too, so a warm run reads one file, not one per package.
   */
  private async list(queries: OsvQuery[], signal?: AbortSignal): Promise<ListedVuln[][]> {
    const whole = createHash('sha256')
      .update(queries.map((q) => `${q.ecosystem}\n${q.name}\n${q.version}`).join('\n\n'))
      .digest('hex');
    const cached = await this.cachedListing(`all-${whole}`);
    if (cached && cached.length === queries.length) return cached;
    const listed = await this.listEach(queries, signal);
    await this.storeListing(`all-${whole}`, listed);
    return listed;
  }

  private async listEach(queries: OsvQuery[], signal?: AbortSignal): Promise<ListedVuln[][]> {
    const out: ListedVuln[][] = new Array(queries.length);
    const missing: number[] = [];
    for (const [i, q] of queries.entries()) {
      const cached = await this.cachedBatch(q);
      if (cached) out[i] = cached;
      else missing.push(i);
    }
    for (let start = 0; start < missing.length; start += MAX_BATCH_QUERIES) {
      const chunk = missing.slice(start, start + MAX_BATCH_QUERIES);
      const pending = new Map<number, string>(); // query index → page token
      const body = { queries: chunk.map((i) => toApiQuery(queries[i])) };
      const results = await this.batch(body, chunk.length, signal);
      chunk.forEach((qi, k) => {
        out[qi] = results[k].vulns;
        if (results[k].next) pending.set(qi, results[k].next!);
      });
      for (let page = 1; pending.size && page < MAX_PAGES_PER_QUERY; page++) {
        const more = [...pending.entries()];
        const answers = await this.batch(
          { queries: more.map(([qi, token]) => ({ ...toApiQuery(queries[qi]), page_token: token })) },
          more.length,
          signal,
        );
        pending.clear();
        more.forEach(([qi], k) => {
          out[qi].push(...answers[k].vulns);
          if (answers[k].next) pending.set(qi, answers[k].next!);
        });
      }
      if (pending.size) throw new Error('a query had more pages of advisories than image-trust reads');
      for (const qi of chunk) await this.storeBatch(queries[qi], out[qi]);
    }
    return out;
  }

  private async batch(
    body: { queries: unknown[] },
    expected: number,
    signal?: AbortSignal,
  ): Promise<Array<{ vulns: ListedVuln[]; next?: string }>> {
    const answer = await this.options.http.request(
      'POST',
      `${this.baseUrl}/v1/querybatch`,
      body,
      MAX_BATCH_RESPONSE_BYTES,
      signal,
    );
    if (!answer.ok) throw new Error(answer.message);
    if (answer.status !== 200) throw new Error(`querybatch answered HTTP ${answer.status}`);
    const results = (answer.json as { results?: unknown })?.results;
    if (!Array.isArray(results) || results.length !== expected)
      throw new OsvShapeError(
        "querybatch answered something that is not OSV's documented shape (results[] in query order)",
      );
    return results.map((r) => {
      const o = (r ?? {}) as { vulns?: unknown; next_page_token?: unknown };
      if (o.vulns !== undefined && !Array.isArray(o.vulns)) throw new OsvShapeError('querybatch: vulns is not a list');
      const vulns = ((o.vulns as unknown[] | undefined) ?? []).map((v) => {
        const x = (v ?? {}) as { id?: unknown; modified?: unknown };
        if (typeof x.id !== 'string' || !x.id || /[/\\]/.test(x.id))
          throw new OsvShapeError('querybatch: an advisory without a proper id');
        return { id: x.id, modified: typeof x.modified === 'string' ? x.modified : '' };
      });
      return {
        vulns,
        next: typeof o.next_page_token === 'string' && o.next_page_token ? o.next_page_token : undefined,
      };
    });
  }

  private async record(id: string, modified: string, signal?: AbortSignal): Promise<OsvVulnerability> {
    const known = this.records.get(id);
    if (known && (!modified || known.modified >= modified)) return known;
    const file = this.options.cacheDir
      ? join(this.options.cacheDir, 'osv', 'vulns', `${encodeURIComponent(id)}.json`)
      : undefined;
    if (file) {
      try {
        const cached = readOsvVulnerability(JSON.parse(await readCacheFile(file)));
        if (cached && (!modified || cached.modified >= modified)) {
          this.records.set(id, cached);
          return cached;
        }
      } catch {
        // Not cached: fetch it.
      }
    }
    const answer = await this.options.http.request(
      'GET',
      `${this.baseUrl}/v1/vulns/${encodeURIComponent(id)}`,
      undefined,
      MAX_RECORD_BYTES,
      signal,
    );
    if (!answer.ok) throw new Error(answer.message);
    if (answer.status !== 200) throw new Error(`vulns/${id} answered HTTP ${answer.status}`);
    const record = readOsvVulnerability(answer.json);
    if (!record || record.id !== id) throw new OsvShapeError(`vulns/${id} is not an OSV record`);
    this.records.set(id, record);
    if (file) await writeAtomically(file, JSON.stringify(record));
    return record;
  }

  private batchKey(q: OsvQuery): string {
    return createHash('sha256').update(`${q.ecosystem}\n${q.name}\n${q.version}`).digest('hex');
  }

  private async cachedBatch(q: OsvQuery): Promise<ListedVuln[] | undefined> {
    const found = await this.cachedListing(this.batchKey(q));
    return found?.[0];
  }

  private storeBatch(q: OsvQuery, vulns: ListedVuln[]): Promise<void> {
    return this.storeListing(this.batchKey(q), [vulns]);
  }

  private async cachedListing(key: string): Promise<ListedVuln[][] | undefined> {
    const memory = this.batches.get(key);
    if (memory && this.now() - memory.at < BATCH_TTL_MS) return memory.lists.map((l) => [...l]);
    if (!this.options.cacheDir) return undefined;
    try {
      const disk = JSON.parse(await readCacheFile(join(this.options.cacheDir, 'osv', 'batch', `${key}.json`))) as {
        at: number;
        lists: ListedVuln[][];
      };
      if (this.now() - disk.at < BATCH_TTL_MS && Array.isArray(disk.lists) && disk.lists.every(Array.isArray)) {
        this.batches.set(key, disk);
        return disk.lists.map((l) => [...l]);
      }
    } catch {
      // Not cached.
    }
    return undefined;
  }

  private async storeListing(key: string, lists: ListedVuln[][]): Promise<void> {
    const entry = { at: this.now(), lists };
    this.batches.set(key, entry);
    if (this.options.cacheDir)
      await writeAtomically(join(this.options.cacheDir, 'osv', 'batch', `${key}.json`), JSON.stringify(entry));
  }

  clear(): void {
    this.batches.clear();
    this.records.clear();
  }
}

function toApiQuery(q: OsvQuery) {
  return { package: { name: q.name, ecosystem: q.ecosystem }, version: q.version };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  try {
    await mkdir(join(file, '..'), { recursive: true });
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temp, text);
    await rename(temp, file);
  } catch {
    // A cache that cannot be written costs a request next time, nothing else.
  }
}
