// `image-trust vulndb update`: OSV's per-ecosystem exports (google/osv.dev docs/data.md) kept
// current in `<dir>/<ECOSYSTEM>/`. The first download takes `<base>/<ECOSYSTEM>/all.zip` (streamed
// to disk, renamed into place so a reader never sees half a file). Later updates read
// `<base>/<ECOSYSTEM>/modified_id.csv` (`<iso modified>,<id>` lines, newest first) only until the
// first record already known, and fetch just those records (`<base>/<ECOSYSTEM>/<id>.json`) into
// `updates/`, which the reader lays over the zip. osv.dev no longer exports per-release
// ecosystems (`Alpine:v3.20`): the main ecosystem is downloaded and filtered when read.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readOsvVulnerability } from '../core/vuln/osvRecord';
import type { HttpClient } from '../net';

export const DEFAULT_OSV_DATA_URL = 'https://osv-vulnerabilities.storage.googleapis.com';
/** What `vulndb update` downloads when the files name no image whose release can be read. */
export const DEFAULT_EXPORT_ECOSYSTEMS = ['Debian', 'Alpine', 'Ubuntu'];
/** The largest export (Debian) is a few hundred MB; more is not an OSV export. */
const MAX_EXPORT_BYTES = 1024 * 1024 * 1024;
/** modified_id.csv lists every record of the ecosystem; only its head is read. */
const MAX_CSV_BYTES = 256 * 1024 * 1024;
const MAX_RECORD_BYTES = 4 * 1024 * 1024;
/** More changed records than this: one new all.zip is cheaper than that many requests. */
export const MAX_INCREMENTAL_RECORDS = 2000;
const DOWNLOAD_DEADLINE_MS = 15 * 60_000;
/**
 * A zip is written over some time: records changed in the hour before it was finished are fetched
 * again by the next update rather than risk missing one.
 */
const EXPORT_SAFETY_MS = 60 * 60_000;
const STATE_FILE = 'export-state.json';
export const UPDATES_DIR = 'updates';

export type DownloadResult =
  | {
      ok: true;
      /** `full`: a new all.zip; `incremental`: only the records changed since the last update. */
      mode: 'full' | 'incremental';
      path: string;
      /** Bytes downloaded (the zip, or the list head and the changed records). */
      bytes: number;
      /** Records fetched one by one (incremental). */
      records?: number;
      /** Why an update had to download the whole zip again. */
      why?: string;
    }
  | { ok: false; message: string };

interface ExportState {
  /** Records modified after this time are not in the files yet (ISO time). */
  cutoff?: string;
}

export async function downloadExport(
  http: HttpClient,
  options: { baseUrl?: string; dir: string; ecosystem: string },
): Promise<DownloadResult> {
  if (!/^[A-Za-z][A-Za-z0-9 .-]*$/.test(options.ecosystem))
    return { ok: false, message: `"${options.ecosystem}" is not an OSV ecosystem name` };
  const base = `${(options.baseUrl ?? DEFAULT_OSV_DATA_URL).replace(/\/+$/, '')}/${encodeURIComponent(options.ecosystem)}`;
  const folder = join(options.dir, options.ecosystem);
  const state = await readState(folder);
  let why: string | undefined;
  if (state?.cutoff) {
    const incremental = await updateRecords(http, base, folder, state.cutoff);
    if (incremental.ok) return incremental;
    why = incremental.message;
  }
  const full = await downloadZip(http, base, folder);
  return full.ok && why ? { ...full, why } : full;
}

async function readState(folder: string): Promise<ExportState | undefined> {
  try {
    const state = JSON.parse(await readFile(join(folder, STATE_FILE), 'utf8')) as ExportState;
    // Without its zip the state means nothing.
    return existsSync(join(folder, 'all.zip')) ? state : undefined;
  } catch {
    return undefined;
  }
}

async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The lines of modified_id.csv newer than `after` (all when undefined), reading no further. */
async function changedSince(
  http: HttpClient,
  base: string,
  after: string | undefined,
  maxIds: number,
): Promise<
  { ok: true; ids: string[]; newest?: string; bytes: number; tooMany: boolean } | { ok: false; message: string }
> {
  const url = `${base}/modified_id.csv`;
  const ids: string[] = [];
  let newest: string | undefined;
  let tooMany = false;
  let malformed: string | undefined;
  const sent = await http.send({
    method: 'GET',
    url,
    service: hostOf(url),
    purpose: 'osv',
    maxBodyBytes: MAX_CSV_BYTES,
    deadlineMs: DOWNLOAD_DEADLINE_MS,
    streamBody: (status) =>
      status === 200
        ? async (chunks) => {
            let rest = '';
            for await (const chunk of chunks) {
              rest += chunk.toString('utf8');
              const lines = rest.split('\n');
              rest = lines.pop() ?? '';
              for (const line of lines) {
                const verdict = take(line);
                if (verdict !== 'more') return;
              }
            }
            if (rest) take(rest);
          }
        : undefined,
  });
  // One line: `<iso date>,<id>`; newest first, so the first known date ends the read.
  function take(line: string): 'more' | 'stop' {
    const text = line.trim();
    if (!text) return 'more';
    const comma = text.indexOf(',');
    const date = text.slice(0, comma);
    const id = text.slice(comma + 1);
    if (comma < 1 || Number.isNaN(Date.parse(date)) || !/^[A-Za-z0-9._:-]+$/.test(id)) {
      malformed = `a line of ${url} is not "<date>,<id>"`;
      return 'stop';
    }
    newest ??= date;
    if (after === undefined || Date.parse(date) <= Date.parse(after)) return 'stop';
    if (ids.length >= maxIds) {
      tooMany = true;
      return 'stop';
    }
    ids.push(id);
    return 'more';
  }
  if (!sent.ok) return { ok: false, message: sent.error.message };
  if (sent.value.status !== 200) return { ok: false, message: `${url} answered HTTP ${sent.value.status}` };
  if (malformed) return { ok: false, message: malformed };
  return { ok: true, ids, newest, bytes: sent.value.streamed?.bytes ?? 0, tooMany };
}

async function updateRecords(http: HttpClient, base: string, folder: string, cutoff: string): Promise<DownloadResult> {
  const changed = await changedSince(http, base, cutoff, MAX_INCREMENTAL_RECORDS);
  if (!changed.ok) return changed;
  if (changed.tooMany) return { ok: false, message: `more than ${MAX_INCREMENTAL_RECORDS} records changed` };
  let bytes = changed.bytes;
  const updates = join(folder, UPDATES_DIR);
  await mkdir(updates, { recursive: true });
  for (const id of changed.ids) {
    const url = `${base}/${encodeURIComponent(id)}.json`;
    const sent = await http.send({
      method: 'GET',
      url,
      service: hostOf(url),
      purpose: 'osv',
      maxBodyBytes: MAX_RECORD_BYTES,
    });
    if (!sent.ok) return { ok: false, message: sent.error.message };
    // A record listed but gone (withdrawn and deleted) is not an error: there is nothing to lay over.
    if (sent.value.status === 404) continue;
    if (sent.value.status !== 200) return { ok: false, message: `${url} answered HTTP ${sent.value.status}` };
    bytes += sent.value.body.length;
    let record;
    try {
      record = readOsvVulnerability(JSON.parse(sent.value.body.toString('utf8')));
    } catch {
      record = undefined;
    }
    if (!record || record.id !== id) return { ok: false, message: `${url} is not the OSV record ${id}` };
    await writeAtomically(join(updates, `${id}.json`), sent.value.body);
  }
  await writeAtomically(join(folder, STATE_FILE), JSON.stringify({ cutoff: changed.newest ?? cutoff }));
  return { ok: true, mode: 'incremental', path: folder, bytes, records: changed.ids.length };
}

async function downloadZip(http: HttpClient, base: string, folder: string): Promise<DownloadResult> {
  // The newest change listed before the zip is fetched: what later updates start from.
  const head = await changedSince(http, base, undefined, 0);
  const url = `${base}/all.zip`;
  const path = join(folder, 'all.zip');
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    return { ok: false, message: `${folder} could not be created (${(error as NodeJS.ErrnoException).code ?? error})` };
  }
  let writeError: unknown;
  const result = await http.send({
    method: 'GET',
    url,
    service: hostOf(url),
    purpose: 'osv',
    maxBodyBytes: MAX_EXPORT_BYTES,
    deadlineMs: DOWNLOAD_DEADLINE_MS,
    // Streamed to disk: an export of hundreds of MB never sits in memory.
    streamBody: (status) =>
      status === 200
        ? async (chunks) => {
            const file = createWriteStream(temp);
            const closed = new Promise<void>((resolve, reject) => {
              file.on('close', resolve);
              file.on('error', reject);
            });
            try {
              for await (const chunk of chunks)
                if (!file.write(chunk)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
            } finally {
              file.end();
              await closed.catch((error: unknown) => (writeError = error));
            }
          }
        : undefined,
  });
  const fail = async (message: string): Promise<DownloadResult> => {
    await rm(temp, { force: true });
    return { ok: false, message };
  };
  if (!result.ok) return fail(result.error.message);
  if (result.value.status !== 200) return fail(`${url} answered HTTP ${result.value.status}`);
  const streamed = result.value.streamed;
  if (writeError || streamed?.readerError)
    return fail(`${path} could not be written (${String((writeError ?? streamed?.readerError) as Error)})`);
  try {
    await rename(temp, path);
    await rm(join(folder, UPDATES_DIR), { recursive: true, force: true });
    // Everything changed after the zip was written is fetched by the next update; without the zip's
    // time (Last-Modified) that moment is unknown, so the next update downloads the zip again.
    const zipTime = Date.parse(result.value.headers['last-modified'] ?? '');
    const listed = head.ok && head.newest ? Date.parse(head.newest) : Infinity;
    const state: ExportState = Number.isNaN(zipTime)
      ? {}
      : { cutoff: new Date(Math.min(listed, zipTime - EXPORT_SAFETY_MS)).toISOString() };
    await writeAtomically(join(folder, STATE_FILE), JSON.stringify(state));
  } catch (error) {
    return fail(`${path} could not be written (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return { ok: true, mode: 'full', path, bytes: (streamed?.bytes ?? 0) + (head.ok ? head.bytes : 0) };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
