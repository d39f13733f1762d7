// Package URLs (github.com/package-url/purl-spec: `pkg:type/namespace/name@version?qualifiers#subpath`)
// as SBOMs carry them, and the OSV query each one needs.

export interface PackageUrl {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
}

export function parsePackageUrl(text: string): PackageUrl | undefined {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/([^?#]+?)(?:@([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/.exec(text.trim());
  if (!m) return undefined;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const path = m[2].split('/').filter(Boolean).map(decode);
  const name = path.pop();
  if (!name) return undefined;
  const qualifiers: Record<string, string> = {};
  for (const pair of (m[4] ?? '').split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) qualifiers[pair.slice(0, eq).toLowerCase()] = decode(pair.slice(eq + 1));
  }
  return {
    type: m[1].toLowerCase(),
    namespace: path.length ? path.join('/') : undefined,
    name,
    version: m[3] !== undefined ? decode(m[3]) : undefined,
    qualifiers,
  };
}

/** OSV ecosystems of language package types (ossf/osv-schema ecosystems table; purl-spec types). */
const LANGUAGE_ECOSYSTEMS: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  gem: 'RubyGems',
  cargo: 'crates.io',
  nuget: 'NuGet',
  composer: 'Packagist',
  hex: 'Hex',
  pub: 'Pub',
};

/**
 * The release-scoped OSV ecosystem of a distro purl's `distro` qualifier. Syft writes
 * `distro=debian-12` or `distro=alpine-3.20.3`, which osv.dev would read as the ecosystem
 * `Debian:debian-12` and match nothing, so the query is built here instead.
 */
export function ecosystemOfDistroQualifier(
  type: string,
  namespace: string | undefined,
  distro: string | undefined,
): string | undefined {
  if (!distro) return undefined;
  const m = /^(?:([a-z]+)-)?(\d+(?:\.\d+)*)$/.exec(distro) ?? /^([a-z]+)$/.exec(distro);
  const id = (m?.[1] ?? namespace ?? '').toLowerCase();
  const version = m?.[2];
  if (type === 'deb' && id === 'debian') {
    const codenames: Record<string, string> = { bullseye: '11', bookworm: '12', trixie: '13', buster: '10' };
    const release = version?.split('.')[0] ?? codenames[distro];
    return release ? `Debian:${release}` : undefined;
  }
  if (type === 'deb' && id === 'ubuntu' && version) {
    const mm = /^(\d\d)\.(\d\d)/.exec(version);
    if (!mm) return undefined;
    const lts = mm[2] === '04' && Number(mm[1]) % 2 === 0;
    return `Ubuntu:${mm[1]}.${mm[2]}${lts ? ':LTS' : ''}`;
  }
  if (type === 'apk' && id === 'alpine' && version) {
    const mm = /^(\d+)\.(\d+)/.exec(version);
    return mm ? `Alpine:v${mm[1]}.${mm[2]}` : undefined;
  }
  if (type === 'apk' && id === 'wolfi') return 'Wolfi';
  if (type === 'apk' && id === 'chainguard') return 'Chainguard';
  return undefined;
}

/** The OSV `{ecosystem, name}` of a language package purl; undefined for types OSV does not know. */
export function languageEcosystem(purl: PackageUrl): { ecosystem: string; name: string } | undefined {
  const ecosystem = LANGUAGE_ECOSYSTEMS[purl.type];
  if (!ecosystem) return undefined;
  const name =
    purl.type === 'maven'
      ? `${purl.namespace ?? ''}:${purl.name}`
      : purl.namespace && (purl.type === 'npm' || purl.type === 'golang' || purl.type === 'composer')
        ? `${purl.namespace}/${purl.name}`
        : purl.name;
  return { ecosystem, name };
}
