// Settings that decide where requests go (mirrors, Docker Hub URL, plain-http registries, the
// end-of-life API). They are read and validated here only, for both the VS Code client (which
// reads the user's own values) and the server (which receives them): a workspace's
// .vscode/settings.json must never redirect registry traffic or credentials.

export interface MachineSettingsParams {
  /** Registry host → base URL, e.g. `docker.io` → `https://mirror.example`. */
  registryMirrors?: Record<string, string>;
  /** Docker Hub web API base URL. */
  hubUrl?: string;
  /** Hosts (host[:port]) allowed over plain http although not loopback. */
  insecureRegistries?: string[];
  /** endoflife.date API base to refresh end-of-life data from; unset: the shipped snapshot only. */
  eolUrl?: string;
}

export const MACHINE_SETTING_KEYS = ['registryMirrors', 'hubUrl', 'insecureRegistries', 'eolUrl'] as const;

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return /^https?:\/\/\S+$/i.test(trimmed) ? trimmed : undefined;
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
  if (Array.isArray(v.insecureRegistries))
    out.insecureRegistries = v.insecureRegistries
      .filter((s): s is string => typeof s === 'string' && s.trim() !== '')
      .map((s) => s.trim());
  return out;
}
