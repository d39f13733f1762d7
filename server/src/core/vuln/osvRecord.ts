// OSV vulnerability records (ossf/osv-schema docs/schema.md) read defensively, and the schema's
// evaluation of whether an installed version is affected and which version fixes it.
import type * as CvssCalculator from 'ae-cvss-calculator';
import { sameEcosystem, versionOrderFor, type VersionOrder } from './ecosystemVersions';
import type { InstalledPackage } from './packages';

export type VulnerabilitySeverity = 'critical' | 'high' | 'medium' | 'low' | 'unknown';
export const SEVERITY_ORDER: VulnerabilitySeverity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
export interface OsvRange {
  type: string;
  events: OsvEvent[];
}
export interface OsvAffected {
  package?: { ecosystem?: string; name?: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  severity?: Array<{ type: string; score: string }>;
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}
export interface OsvVulnerability {
  id: string;
  modified: string;
  /** Set when the record was withdrawn (osv-schema: the record no longer applies). */
  withdrawn?: string;
  summary?: string;
  details?: string;
  aliases?: string[];
  upstream?: string[];
  severity?: Array<{ type: string; score: string }>;
  affected?: OsvAffected[];
  database_specific?: Record<string, unknown>;
  references?: Array<{ type?: string; url?: string }>;
}

/** A record as the schema shapes it, or undefined: the fields we rely on must have their types. */
export function readOsvVulnerability(json: unknown): OsvVulnerability | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const r = json as Record<string, unknown>;
  if (typeof r.id !== 'string' || !r.id || typeof r.modified !== 'string') return undefined;
  if (r.affected !== undefined && !Array.isArray(r.affected)) return undefined;
  if (r.severity !== undefined && !Array.isArray(r.severity)) return undefined;
  for (const a of (r.affected as unknown[] | undefined) ?? []) {
    if (!a || typeof a !== 'object') return undefined;
    const ranges = (a as OsvAffected).ranges;
    if (ranges !== undefined && (!Array.isArray(ranges) || ranges.some((x) => !x || !Array.isArray(x.events))))
      return undefined;
  }
  return r as unknown as OsvVulnerability;
}

export interface AffectedVerdict {
  affected: boolean;
  /** The smallest fixed version above the installed one, when a fix exists. */
  fixedIn?: string;
  /** The record's entry that matched the package. */
  entry?: OsvAffected;
}

function matchesPackage(entry: OsvAffected, pkg: InstalledPackage): boolean {
  return entry.package?.name === pkg.sourceName && sameEcosystem(entry.package?.ecosystem, pkg.ecosystem);
}

/** OSV's "0" is before every version. */
function versionAtMost(order: VersionOrder, bound: string, version: string): boolean {
  return bound === '0' || order(bound, version) <= 0;
}

/**
 * Is `pkg` affected (osv-schema "Evaluation")? `trustMatch`: the record came from an OSV query for
 * this very package and version, so when we cannot order the ecosystem's versions we believe it.
 */
export function evaluateAffected(
  record: OsvVulnerability,
  pkg: InstalledPackage,
  trustMatch: boolean,
): AffectedVerdict {
  let verdict: AffectedVerdict = { affected: false };
  // A withdrawn record stays in exports and in the list of changes; it affects nothing.
  if (record.withdrawn) return verdict;
  for (const entry of record.affected ?? []) {
    if (!matchesPackage(entry, pkg)) continue;
    const version = pkg.sourceVersion;
    let affected = !!entry.versions?.includes(version);
    let fixedIn: string | undefined;
    let ordered = false;
    for (const range of entry.ranges ?? []) {
      const order = versionOrderFor(pkg.ecosystem, range.type);
      const fixes = range.events.map((e) => e.fixed).filter((f): f is string => typeof f === 'string');
      if (!order) {
        if (trustMatch && range.type !== 'GIT') {
          affected = true;
          if (fixes.length === 1) fixedIn = fixes[0];
        }
        continue;
      }
      ordered = true;
      // Walk the events in version order: introduced opens, fixed / limit / last_affected close.
      let inside = false;
      let rangeAffected = false;
      const events = [...range.events].sort((a, b) => {
        const va = a.introduced ?? a.fixed ?? a.last_affected ?? a.limit ?? '0';
        const vb = b.introduced ?? b.fixed ?? b.last_affected ?? b.limit ?? '0';
        return va === '0' ? (vb === '0' ? 0 : -1) : vb === '0' ? 1 : order(va, vb);
      });
      for (const e of events) {
        if (e.introduced !== undefined && versionAtMost(order, e.introduced, version)) inside = true;
        else if (e.fixed !== undefined && order(e.fixed, version) <= 0) inside = false;
        else if (e.last_affected !== undefined && order(e.last_affected, version) < 0) inside = false;
        else if (e.limit !== undefined && e.limit !== '*' && order(e.limit, version) <= 0) inside = false;
      }
      rangeAffected = inside;
      if (rangeAffected) {
        affected = true;
        const above = fixes.filter((f) => order(f, version) > 0).sort(order);
        if (above.length && (!fixedIn || order(above[0], fixedIn) < 0)) fixedIn = above[0];
      }
    }
    if (!ordered && !affected && trustMatch && !(entry.ranges?.length || entry.versions?.length)) affected = true;
    if (affected) verdict = { affected: true, fixedIn: fixedIn ?? verdict.fixedIn, entry };
  }
  return verdict;
}

function cvssScore(type: string, vector: string): number | undefined {
  // The calculator is loaded when a score is first read, not at start-up (its 200 KB cost every
  // run; see scripts/build.mjs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = require('ae-cvss-calculator') as typeof CvssCalculator;
  try {
    if (type === 'CVSS_V4') return new Cvss4P0(vector).calculateScores().overall;
    if (type === 'CVSS_V3')
      return (vector.startsWith('CVSS:3.0/') ? new Cvss3P0(vector) : new Cvss3P1(vector)).calculateScores().overall;
    if (type === 'CVSS_V2') return new Cvss2(vector).calculateScores().overall;
  } catch {
    return undefined;
  }
  return undefined;
}

function fromScore(score: number): VulnerabilitySeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

function fromWord(word: unknown): VulnerabilitySeverity | undefined {
  if (typeof word !== 'string') return undefined;
  switch (word.toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'moderate':
    case 'medium':
      return 'medium';
    case 'low':
    case 'negligible':
      return 'low';
    default:
      return undefined;
  }
}

export interface SeverityVerdict {
  severity: VulnerabilitySeverity;
  score?: number;
  /** Debian "unimportant" and Ubuntu "negligible": osv-scanner hides these, and so do we. */
  unimportant: boolean;
}

/**
 * The severity of a record for one affected entry: a CVSS vector (v3, then v4, then v2, scored
 * with ae-cvss-calculator), else the database's own word (GHSA `database_specific.severity`,
 * Ubuntu priority), else Debian's urgency; otherwise unknown, never guessed as low.
 */
export function severityOf(record: OsvVulnerability, entry?: OsvAffected): SeverityVerdict {
  const urgency = debianUrgency(entry?.ecosystem_specific?.urgency);
  const unimportant = urgency === 'unimportant';
  const vectors = [...(entry?.severity ?? []), ...(record.severity ?? [])];
  for (const type of ['CVSS_V3', 'CVSS_V4', 'CVSS_V2']) {
    const v = vectors.find((s) => s?.type === type && typeof s.score === 'string');
    const score = v && cvssScore(type, v.score);
    if (score !== undefined) return { severity: fromScore(score), score, unimportant };
  }
  const ubuntu = vectors.find((s) => s?.type === 'Ubuntu');
  if (ubuntu && String(ubuntu.score).toLowerCase() === 'negligible') return { severity: 'low', unimportant: true };
  const word =
    fromWord(record.database_specific?.severity) ??
    fromWord(entry?.database_specific?.severity) ??
    fromWord(ubuntu?.score) ??
    (urgency === 'low' || urgency === 'medium' || urgency === 'high' ? urgency : undefined);
  return { severity: word ?? 'unknown', unimportant };
}

/**
 * The urgency the Debian Security Tracker gave a CVE in one release, as osv.dev's Debian converter
 * copies it into `affected[].ecosystem_specific.urgency` of DEBIAN-CVE records (vulnfeeds/cmd/debian):
 * `unimportant`, `low`, `medium`, `high`, at times with trailing asterisks in the tracker's JSON
 * (`medium**`), read as the same level. `not yet assigned`, `end-of-life` and anything else say
 * nothing about severity (undefined: unknown, never low).
 * DSA and DLA records carry no urgency at all.
 */
export function debianUrgency(value: unknown): 'unimportant' | 'low' | 'medium' | 'high' | undefined {
  if (typeof value !== 'string') return undefined;
  const level = value.trim().replace(/\*+$/, '').trim().toLowerCase();
  return level === 'unimportant' || level === 'low' || level === 'medium' || level === 'high' ? level : undefined;
}

/** A page a person can read about the vulnerability. */
export function vulnerabilityUrl(id: string): string {
  return `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}
