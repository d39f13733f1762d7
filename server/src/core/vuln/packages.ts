// What is installed in an image, as OSV needs it: the source package name and version (OSV lists
// distro advisories by source package) and the release-scoped ecosystem (`Debian:12`,
// `Alpine:v3.20`, `Ubuntu:22.04:LTS`; ossf/osv-schema "Ecosystems").

export interface InstalledPackage {
  /** The binary package name (`libssl3`). */
  name: string;
  version: string;
  /** The name OSV lists advisories under: dpkg `Source:`, apk `o:` origin, purl `upstream=`. */
  sourceName: string;
  sourceVersion: string;
  /** OSV ecosystem, e.g. `Debian:12`; undefined when the release is unknown (nothing can match). */
  ecosystem?: string;
  purl?: string;
}

export type InventorySource = 'sbom' | 'layers';

export interface PackageInventory {
  packages: InstalledPackage[];
  source: InventorySource;
  /** `debian 12`, `alpine 3.20.3`, from os-release or the SBOM. */
  distro?: string;
  /** The platform manifest the packages were read from. */
  manifestDigest?: string;
  /** Things a person should know about how the list was made (a capped file, a skipped layer). */
  notes: string[];
}

export interface OsRelease {
  id: string;
  versionId?: string;
  versionCodename?: string;
  /** `22.04.4 LTS (Jammy Jellyfish)` */
  version?: string;
}

/** `KEY=value` lines of os-release(5), quotes removed. */
export function parseOsRelease(text: string): OsRelease | undefined {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2].trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    fields[m[1]] = value.replace(/\\(["$`\\])/g, '$1');
  }
  if (!fields.ID) return undefined;
  return {
    id: fields.ID.toLowerCase(),
    versionId: fields.VERSION_ID || undefined,
    versionCodename: fields.VERSION_CODENAME || undefined,
    version: fields.VERSION || undefined,
  };
}

const DEBIAN_CODENAMES: Record<string, string> = {
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
};

/**
 * The OSV ecosystem of a distribution release (osv-schema: `Debian:<numeric release>`, `Alpine:v<major.minor>`
 * with the `v` required, `Ubuntu:<YY.MM>` plus `:LTS` for long-term releases; Wolfi and Chainguard have none).
 */
export function osvEcosystemFor(os: OsRelease): string | undefined {
  switch (os.id) {
    case 'debian': {
      const release = os.versionId?.split('.')[0] ?? (os.versionCodename && DEBIAN_CODENAMES[os.versionCodename]);
      return release ? `Debian:${release}` : undefined;
    }
    case 'ubuntu': {
      if (!os.versionId) return undefined;
      const lts = os.version ? /\bLTS\b/.test(os.version) : isUbuntuLts(os.versionId);
      return `Ubuntu:${os.versionId}${lts ? ':LTS' : ''}`;
    }
    case 'alpine': {
      const m = /^(\d+)\.(\d+)/.exec(os.versionId ?? '');
      return m ? `Alpine:v${m[1]}.${m[2]}` : undefined;
    }
    case 'wolfi':
      return 'Wolfi';
    case 'chainguard':
      return 'Chainguard';
    default:
      return undefined;
  }
}

/** Ubuntu's long-term releases are the April releases of even years (22.04, 24.04). */
function isUbuntuLts(versionId: string): boolean {
  const m = /^(\d\d)\.04$/.exec(versionId);
  return !!m && Number(m[1]) % 2 === 0;
}

/** RFC-822-style paragraphs separated by blank lines; continuation lines start with a space. */
function paragraphs(text: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let current: Record<string, string> = {};
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (Object.keys(current).length) out.push(current);
      current = {};
      lastKey = undefined;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (lastKey) current[lastKey] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim();
    current[lastKey] = line.slice(colon + 1).trim();
  }
  if (Object.keys(current).length) out.push(current);
  return out;
}

/**
 * Installed packages of a dpkg status file (`var/lib/dpkg/status`) or of one distroless
 * `var/lib/dpkg/status.d/<pkg>` file. `Source: name (version)` gives the source package; a binNMU
 * binary (`+b1`) keeps the source's version there (deb-src-control(5), trivy dpkg.go).
 */
export function parseDpkgStatus(text: string, ecosystem?: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const p of paragraphs(text)) {
    if (!p.Package || !p.Version) continue;
    // dpkg keeps removed-but-configured packages in the file; only `installed` ones are there.
    // Distroless status.d files carry no Status at all.
    if (p.Status !== undefined && !/\binstalled$/.test(p.Status)) continue;
    const source = /^(\S+)(?:\s+\((.+)\))?$/.exec(p.Source ?? '');
    out.push({
      name: p.Package,
      version: p.Version,
      sourceName: source?.[1] ?? p.Package,
      sourceVersion: source?.[2] ?? p.Version,
      ecosystem,
    });
  }
  return out;
}

/**
 * Installed packages of apk's database (`lib/apk/db/installed`): paragraphs of `X:value` lines,
 * `P:` name, `V:` version, `o:` origin (the source package OSV lists advisories under).
 */
export function parseApkInstalled(text: string, ecosystem?: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  let fields: Record<string, string> = {};
  const flush = () => {
    if (fields.P && fields.V)
      out.push({
        name: fields.P,
        version: fields.V,
        sourceName: fields.o || fields.P,
        sourceVersion: fields.V,
        ecosystem,
      });
    fields = {};
  };
  for (const line of text.split(/\r?\n/)) {
    if (line === '') {
      flush();
      continue;
    }
    if (line[1] !== ':') continue;
    const key = line[0];
    if (key === 'P' || key === 'V' || key === 'o' || key === 'A') fields[key] ??= line.slice(2);
  }
  flush();
  return out;
}
