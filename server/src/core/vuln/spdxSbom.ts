// The package list of a BuildKit SBOM attestation: an unsigned in-toto statement (`_type`
// https://in-toto.io/Statement/v0.1 or /v1) whose predicate (type https://spdx.dev/Document) is an
// SPDX 2.x JSON document; each package's purl says its type, name, version, and for distro
// packages the source package (`upstream=`) and the release (`distro=`) (moby/buildkit
// docs/attestations/sbom.md, attestation-storage.md).
import { ecosystemOfDistroQualifier, languageEcosystem, parsePackageUrl } from './purl';
import type { InstalledPackage } from './packages';

export const SPDX_PREDICATE_TYPE = 'https://spdx.dev/Document';
const STATEMENT_TYPES = new Set(['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1']);

export type SbomParseResult =
  { ok: true; packages: InstalledPackage[]; distro?: string; skipped: number } | { ok: false; reason: string };

export function parseSpdxStatement(json: unknown): SbomParseResult {
  if (!json || typeof json !== 'object') return { ok: false, reason: 'the SBOM attestation is not a JSON object' };
  const statement = json as Record<string, unknown>;
  if (typeof statement._type !== 'string' || !STATEMENT_TYPES.has(statement._type))
    return { ok: false, reason: 'the SBOM attestation is not an in-toto statement' };
  if (statement.predicateType !== SPDX_PREDICATE_TYPE)
    return { ok: false, reason: `the attestation's predicate is ${String(statement.predicateType)}, not SPDX` };
  const predicate = statement.predicate as Record<string, unknown> | undefined;
  if (!predicate || !Array.isArray(predicate.packages))
    return { ok: false, reason: 'the SPDX document has no packages list' };
  const packages: InstalledPackage[] = [];
  let skipped = 0;
  let distro: string | undefined;
  for (const raw of predicate.packages) {
    if (!raw || typeof raw !== 'object') continue;
    const p = raw as Record<string, unknown>;
    if (p.primaryPackagePurpose === 'OPERATING-SYSTEM' && typeof p.name === 'string') {
      distro = `${p.name}${typeof p.versionInfo === 'string' ? ` ${p.versionInfo}` : ''}`;
      continue;
    }
    const refs = Array.isArray(p.externalRefs) ? (p.externalRefs as Array<Record<string, unknown>>) : [];
    const locator = refs.find((r) => r?.referenceType === 'purl' && typeof r.referenceLocator === 'string')
      ?.referenceLocator as string | undefined;
    const purl = locator ? parsePackageUrl(locator) : undefined;
    if (!purl || !purl.version) {
      skipped++;
      continue;
    }
    if (purl.type === 'deb' || purl.type === 'apk') {
      // `upstream=openssl` or `upstream=openssl@3.0.11-1~deb12u2` (syft): the source package.
      const upstream = purl.qualifiers.upstream;
      const at = upstream?.indexOf('@') ?? -1;
      packages.push({
        name: purl.name,
        version: purl.version,
        sourceName: upstream ? (at > 0 ? upstream.slice(0, at) : upstream) : purl.name,
        sourceVersion: upstream && at > 0 ? upstream.slice(at + 1) : purl.version,
        ecosystem: ecosystemOfDistroQualifier(purl.type, purl.namespace, purl.qualifiers.distro),
        purl: locator,
      });
      continue;
    }
    const language = languageEcosystem(purl);
    if (!language) {
      skipped++;
      continue;
    }
    packages.push({
      name: language.name,
      version: purl.version,
      sourceName: language.name,
      sourceVersion: purl.version,
      ecosystem: language.ecosystem,
      purl: locator,
    });
  }
  return { ok: true, packages, distro, skipped };
}
