// `image-trust vulndb update`: downloads OSV's per-ecosystem exports
// (`<base>/<ECOSYSTEM>/all.zip`, google/osv.dev docs/data.md) into `<dir>/<ECOSYSTEM>/all.zip`,
// written atomically so a reader never sees half a file. osv.dev no longer exports per-release
// ecosystems (`Alpine:v3.20`): the main ecosystem is downloaded and filtered when read.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpClient } from '../net';

export const DEFAULT_OSV_DATA_URL = 'https://osv-vulnerabilities.storage.googleapis.com';
export const DEFAULT_EXPORT_ECOSYSTEMS = ['Debian', 'Alpine', 'Ubuntu'];
/** The largest export (Debian) is a few hundred MB; more is not an OSV export. */
const MAX_EXPORT_BYTES = 1024 * 1024 * 1024;
const DOWNLOAD_DEADLINE_MS = 15 * 60_000;

export type DownloadResult = { ok: true; path: string; bytes: number } | { ok: false; message: string };

export async function downloadExport(
  http: HttpClient,
  options: { baseUrl?: string; dir: string; ecosystem: string },
): Promise<DownloadResult> {
  if (!/^[A-Za-z][A-Za-z0-9 .-]*$/.test(options.ecosystem))
    return { ok: false, message: `"${options.ecosystem}" is not an OSV ecosystem name` };
  const base = (options.baseUrl ?? DEFAULT_OSV_DATA_URL).replace(/\/+$/, '');
  const url = `${base}/${encodeURIComponent(options.ecosystem)}/all.zip`;
  const result = await http.send({
    method: 'GET',
    url,
    service: new URL(url).host,
    purpose: 'osv',
    maxBodyBytes: MAX_EXPORT_BYTES,
    deadlineMs: DOWNLOAD_DEADLINE_MS,
  });
  if (!result.ok) return { ok: false, message: result.error.message };
  if (result.value.status !== 200) return { ok: false, message: `${url} answered HTTP ${result.value.status}` };
  const folder = join(options.dir, options.ecosystem);
  const path = join(folder, 'all.zip');
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(folder, { recursive: true });
    await writeFile(temp, result.value.body);
    await rename(temp, path);
    return { ok: true, path, bytes: result.value.body.length };
  } catch (error) {
    await rm(temp, { force: true });
    return { ok: false, message: `${path} could not be written (${(error as NodeJS.ErrnoException).code ?? error})` };
  }
}
