// `image-trust vulndb update`: downloads OSV's per-ecosystem exports
// (`<base>/<ECOSYSTEM>/all.zip`, google/osv.dev docs/data.md) into `<dir>/<ECOSYSTEM>/all.zip`,
// written atomically so a reader never sees half a file. osv.dev no longer exports per-release
// ecosystems (`Alpine:v3.20`): the main ecosystem is downloaded and filtered when read.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isLoopbackHost } from '../core/reference';
import { undici } from '../registry/undici';

export const DEFAULT_OSV_DATA_URL = 'https://osv-vulnerabilities.storage.googleapis.com';
export const DEFAULT_EXPORT_ECOSYSTEMS = ['Debian', 'Alpine', 'Ubuntu'];
/** The largest export (Debian) is a few hundred MB; more is not an OSV export. */
const MAX_EXPORT_BYTES = 2 * 1024 * 1024 * 1024;

export type DownloadResult = { ok: true; path: string; bytes: number } | { ok: false; message: string };

export async function downloadExport(options: {
  baseUrl?: string;
  dir: string;
  ecosystem: string;
}): Promise<DownloadResult> {
  if (!/^[A-Za-z][A-Za-z0-9 .-]*$/.test(options.ecosystem))
    return { ok: false, message: `"${options.ecosystem}" is not an OSV ecosystem name` };
  const base = (options.baseUrl ?? DEFAULT_OSV_DATA_URL).replace(/\/+$/, '');
  const url = new URL(`${base}/${encodeURIComponent(options.ecosystem)}/all.zip`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    return { ok: false, message: `${url.host}: plain http is allowed only to this machine` };
  const folder = join(options.dir, options.ecosystem);
  const path = join(folder, 'all.zip');
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(folder, { recursive: true });
    const response = await undici().request(url, { headersTimeout: 30_000, bodyTimeout: 60_000 });
    if (response.statusCode !== 200) {
      await response.body.dump();
      return { ok: false, message: `${url.href} answered HTTP ${response.statusCode}` };
    }
    let bytes = 0;
    const out = createWriteStream(temp);
    try {
      for await (const chunk of response.body) {
        bytes += (chunk as Buffer).length;
        if (bytes > MAX_EXPORT_BYTES)
          throw new Error(`${url.host} sent more than ${MAX_EXPORT_BYTES / 1073741824} GiB`);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    } finally {
      await new Promise<void>((r) => out.end(() => r()));
    }
    await rename(temp, path);
    return { ok: true, path, bytes };
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as { code?: string }).code;
    return { ok: false, message: code ? `${url.host} could not be reached (${code})` : (error as Error).message };
  }
}
