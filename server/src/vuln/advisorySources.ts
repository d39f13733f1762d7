// Picks where advisories come from: downloaded OSV exports when a folder is set (no request to
// OSV at all), else the OSV API.
import type { AdvisorySource } from './advisories';
import { OsvClient } from './osvClient';
import { OsvExportDatabase } from './osvExport';
import type { OsvHttp } from './osvHttp';

export function createAdvisorySource(options: {
  osvUrl: string;
  vulnDbDir?: string;
  cacheDir?: string;
  http: OsvHttp;
}): AdvisorySource {
  if (options.vulnDbDir) return new OsvExportDatabase(options.vulnDbDir);
  return new OsvClient({ baseUrl: options.osvUrl, http: options.http, cacheDir: options.cacheDir });
}
