// Where advisories come from: the OSV API (`POST /v1/querybatch`, then `GET /v1/vulns/{id}`;
// google/osv.dev docs/api) or, with `--vuln-db`, OSV's downloaded exports. Either answers "these
// records concern this package at this version", or fails with a sentence.
import type { OsvVulnerability } from '../core/vuln/osvRecord';

export interface OsvQuery {
  ecosystem: string;
  name: string;
  version: string;
}

export type AdvisoryResult = { ok: true; records: OsvVulnerability[][] } | { ok: false; message: string };

export interface AdvisorySource {
  /** `osv.dev (https://api.osv.dev)` or `OSV export in /path`. */
  readonly name: string;
  /**
   * True when the source already matched versions (the OSV API does): records are then believed
   * even for ecosystems whose version order we do not implement.
   */
  readonly trustMatch: boolean;
  advisoriesFor(queries: OsvQuery[], signal?: AbortSignal): Promise<AdvisoryResult>;
}
