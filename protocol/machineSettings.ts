// Settings that decide where requests go (mirrors, Docker Hub URL, plain-http registries, the
// end-of-life API) and whom signatures are verified against (the Sigstore trusted root). They are
// read and validated here only, for both the VS Code client (which reads the user's own values)
// and the server (which receives them): a workspace's .vscode/settings.json must never redirect
// registry traffic or credentials, nor choose the signers it is trusted for.

export interface MachineSettingsParams {
  /** Registry host → base URL, e.g. `docker.io` → `https://mirror.example`. */
  registryMirrors?: Record<string, string>;
  /** Docker Hub web API base URL. */
  hubUrl?: string;
  /** Hosts (host[:port]) allowed over plain http although not loopback. */
  insecureRegistries?: string[];
  /** endoflife.date API base to refresh end-of-life data from; unset: endoflife.date's own. */
  eolUrl?: string;
  /** false: no end-of-life refresh, the shipped snapshot only. */
  eolRefresh?: boolean;
  /** Requests in flight per registry origin. */
  connectionsPerRegistry?: number;
  /** Overall deadline of one request, seconds. */
  requestTimeoutSeconds?: number;
  /** Network time of one document's lookups, seconds. */
  networkBudgetSeconds?: number;
  /** Token endpoints on another host that may receive a registry's credentials. */
  trustedTokenRealms?: string[];
  /** OSV API base (default https://api.osv.dev). */
  osvUrl?: string;
  /** Folder of downloaded OSV exports used instead of the OSV API. */
  vulnDb?: string;
  /** A Sigstore trusted_root.json (file path) replacing the shipped public-good root. */
  sigstoreTrustedRoot?: string;
}

export const MACHINE_SETTING_KEYS = [
  'registryMirrors',
  'hubUrl',
  'insecureRegistries',
  'eolUrl',
  'eolRefresh',
  'connectionsPerRegistry',
  'requestTimeoutSeconds',
  'networkBudgetSeconds',
  'trustedTokenRealms',
  'osvUrl',
  'vulnDb',
  'sigstoreTrustedRoot',
] as const;

/** Numeric limits: only a value the user set counts (the server has the same defaults). */
export const MACHINE_LIMIT_KEYS = ['connectionsPerRegistry', 'requestTimeoutSeconds', 'networkBudgetSeconds'] as const;

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return /^https?:\/\/\S+$/i.test(trimmed) ? trimmed : undefined;
}

function nonEmptyStrings(values: unknown[]): string[] {
  return values.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim());
}

/** Keeps the well-formed machine settings of `value` and drops the rest. */
export function validateMachineSettings(value: unknown): MachineSettingsParams {
  if (!value || typeof value !== 'object') return {};
  const v = value as Record<string, unknown>;
  const out: MachineSettingsParams = {};
  if (v.registryMirrors && typeof v.registryMirrors === 'object' && !Array.isArray(v.registryMirrors)) {
    out.registryMirrors = Object.fromEntries(
      Object.entries(v.registryMirrors as Record<string, unknown>).flatMap(([host, url]) => {
        const valid = httpUrl(url);
        return host.trim() && valid ? [[host.trim(), valid]] : [];
      }),
    );
  }
  const hubUrl = httpUrl(v.hubUrl);
  if (hubUrl) out.hubUrl = hubUrl;
  const eolUrl = httpUrl(v.eolUrl);
  if (eolUrl) out.eolUrl = eolUrl;
  if (typeof v.eolRefresh === 'boolean') out.eolRefresh = v.eolRefresh;
  const osvUrl = httpUrl(v.osvUrl);
  if (osvUrl) out.osvUrl = osvUrl;
  if (typeof v.vulnDb === 'string' && v.vulnDb.trim()) out.vulnDb = v.vulnDb.trim();
  if (typeof v.sigstoreTrustedRoot === 'string' && v.sigstoreTrustedRoot.trim())
    out.sigstoreTrustedRoot = v.sigstoreTrustedRoot.trim();
  if (Array.isArray(v.insecureRegistries)) out.insecureRegistries = nonEmptyStrings(v.insecureRegistries);
  const positive = (x: unknown, max: number): x is number =>
    typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= max;
  if (positive(v.connectionsPerRegistry, 256)) out.connectionsPerRegistry = Math.floor(v.connectionsPerRegistry);
  if (positive(v.requestTimeoutSeconds, 3600)) out.requestTimeoutSeconds = v.requestTimeoutSeconds;
  if (positive(v.networkBudgetSeconds, 3600)) out.networkBudgetSeconds = v.networkBudgetSeconds;
  if (Array.isArray(v.trustedTokenRealms)) {
    const realms = nonEmptyStrings(v.trustedTokenRealms);
    if (realms.length) out.trustedTokenRealms = realms;
  }
  return out;
}
