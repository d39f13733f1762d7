// Advisories from OSV's downloaded exports (google/osv.dev docs/data.md): one `all.zip` per
// ecosystem holding one JSON record per advisory, in `<dir>/<Ecosystem>/all.zip` (the layout
// osv-scanner's offline cache uses under `osv-scanner/`, read too), with the records changed since
// in `<dir>/<Ecosystem>/updates/<id>.json` (vulndb update) replacing theirs. No request is made;
// versions are matched here with the ecosystem's own order.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type * as Yauzl from 'yauzl';
import { readOsvVulnerability, type OsvVulnerability } from '../core/vuln/osvRecord';
import type { AdvisoryResult, AdvisorySource, OsvQuery } from './advisories';
import { UPDATES_DIR } from './exportDownload';

/** A record larger than this is not an advisory anyone wrote by hand. */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;

type Index = Map<string, OsvVulnerability[]>;

export function exportZipPath(dir: string, ecosystemBase: string): string | undefined {
  for (const candidate of [join(dir, ecosystemBase, 'all.zip'), join(dir, 'osv-scanner', ecosystemBase, 'all.zip')])
    if (existsSync(candidate)) return candidate;
  return undefined;
}

export class OsvExportDatabase implements AdvisorySource {
  readonly trustMatch = false;
  readonly name: string;
  private readonly indexes = new Map<string, Promise<Index>>();

  constructor(private readonly dir: string) {
    this.name = `OSV export in ${dir}`;
  }

  async advisoriesFor(queries: OsvQuery[]): Promise<AdvisoryResult> {
    const out: OsvVulnerability[][] = [];
    for (const q of queries) {
      const base = q.ecosystem.split(':')[0];
      let index: Index;
      try {
        index = await this.index(base);
      } catch (error) {
        return { ok: false, message: `${this.name}: ${(error as Error).message}` };
      }
      out.push(index.get(q.name) ?? []);
    }
    return { ok: true, records: out };
  }

  private index(base: string): Promise<Index> {
    let pending = this.indexes.get(base);
    if (!pending) {
      const path = exportZipPath(this.dir, base);
      pending = path
        ? readExport(path).then((index) => withUpdates(index, join(dirname(path), UPDATES_DIR)))
        : Promise.reject(new Error(`no ${base}/all.zip (run image-trust vulndb update --vuln-db ${this.dir})`));
      this.indexes.set(base, pending);
    }
    return pending;
  }
}

/** Lays the records fetched since the zip over it: a record with the same id replaces the zipped one. */
export async function withUpdates(index: Index, dir: string): Promise<Index> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return index;
  }
  const updated = new Map<string, OsvVulnerability>();
  for (const name of names) {
    try {
      const record = readOsvVulnerability(JSON.parse(await readFile(join(dir, name), 'utf8')));
      if (record) updated.set(record.id, record);
    } catch {
      // One unreadable update does not spoil the rest.
    }
  }
  if (!updated.size) return index;
  for (const [name, records] of index) {
    const kept = records.filter((r) => !updated.has(r.id));
    if (kept.length === records.length) continue;
    if (kept.length) index.set(name, kept);
    else index.delete(name);
  }
  for (const record of updated.values()) addToIndex(index, record);
  return index;
}

function addToIndex(index: Index, record: OsvVulnerability): void {
  for (const name of new Set((record.affected ?? []).map((a) => a.package?.name).filter(Boolean))) {
    const list = index.get(name!) ?? [];
    list.push(record);
    index.set(name!, list);
  }
}

/** Every record of an export, by affected package name. */
export function readExport(path: string): Promise<Index> {
  return new Promise((resolve, reject) => {
    // The zip reader is loaded when an export is read, not at start-up (see signatures/keyless.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yauzl = require('yauzl') as typeof Yauzl;
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(new Error(`${path} is not a readable zip (${error?.message})`));
      const index: Index = new Map();
      zip.on('error', (e: Error) => reject(new Error(`${path}: ${e.message}`)));
      zip.on('end', () => resolve(index));
      zip.on('entry', (entry: Yauzl.Entry) => {
        if (!entry.fileName.endsWith('.json') || entry.uncompressedSize > MAX_RECORD_BYTES) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return zip.readEntry();
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_RECORD_BYTES) chunks.push(c);
          });
          stream.on('error', () => zip.readEntry());
          stream.on('end', () => {
            try {
              const record = readOsvVulnerability(JSON.parse(Buffer.concat(chunks).toString('utf8')));
              if (record) addToIndex(index, record);
            } catch {
              // One malformed record does not spoil the export.
            }
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
