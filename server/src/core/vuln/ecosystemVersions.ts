// Which version order an OSV ecosystem uses (ossf/osv-schema "Evaluation": ECOSYSTEM ranges are
// ordered by the ecosystem's own rules; SEMVER ranges by SemVer 2.0).
import semver from 'semver';
import { compareApkVersions } from './apkVersion';
import { compareDebianVersions } from './debianVersion';

export type VersionOrder = (a: string, b: string) => number;

/** SemVer order, with OSV's "0" (before everything) and leniency for a leading `v`. */
export function compareSemver(a: string, b: string): number {
  const pa = semver.coerce(a, { includePrerelease: true, loose: true }) ?? undefined;
  const pb = semver.coerce(b, { includePrerelease: true, loose: true }) ?? undefined;
  const va = semver.valid(a.replace(/^v/, ''), { loose: true }) ?? pa?.version;
  const vb = semver.valid(b.replace(/^v/, ''), { loose: true }) ?? pb?.version;
  if (!va || !vb) return a < b ? -1 : a > b ? 1 : 0;
  return semver.compare(va, vb, { loose: true });
}

/** The order of versions in an ecosystem (`Debian:12` → dpkg's), or undefined when we have none. */
export function versionOrderFor(ecosystem: string | undefined, rangeType = 'ECOSYSTEM'): VersionOrder | undefined {
  if (rangeType === 'SEMVER') return compareSemver;
  if (rangeType !== 'ECOSYSTEM' || !ecosystem) return undefined;
  const base = ecosystem.split(':')[0];
  switch (base) {
    case 'Debian':
    case 'Ubuntu':
      return compareDebianVersions;
    case 'Alpine':
    case 'Wolfi':
    case 'Chainguard':
      return compareApkVersions;
    case 'npm':
    case 'crates.io':
    case 'Go':
    case 'Hex':
    case 'Pub':
      return compareSemver;
    default:
      return undefined;
  }
}

/** Does an advisory's ecosystem cover the package's (`Ubuntu:22.04:LTS` is also listed as `Ubuntu:22.04`)? */
export function sameEcosystem(advisory: string | undefined, installed: string | undefined): boolean {
  if (!advisory || !installed) return false;
  if (advisory === installed) return true;
  const strip = (e: string) => e.replace(/:LTS$/, '');
  return strip(advisory) === strip(installed);
}
