// What the checks are configured with: the Policy (from `.image-trust.yaml`, merged with the
// workspace-scoped editor settings by mergePolicy in policy.ts) and the NetworkSettings (from the
// machine only).
import type { ImageFileKind, RuleId, SeveritySetting } from './types';
import { defaultVulnerabilityPolicy, type VulnerabilityPolicy } from './vuln/vulnerabilityReport';

/** What `.image-trust.yaml` and the workspace-scoped editor settings may say. */
export interface Policy {
  /** Absent: every registry is allowed. Entries are `host` or `host/namespace`. */
  trustedRegistries?: string[];
  /** Docker Hub namespaces trusted like Verified Publishers. */
  trustedNamespaces: string[];
  rules: Partial<Record<RuleId, SeveritySetting>>;
  maxImageAgeDays: number;
  /** PEM public keys whose cosign signatures count as verified. */
  signatureKeys: string[];
  /** Extra globs per file kind, relative to the policy file's folder, for layouts not guessed by name. */
  files?: Partial<Record<ImageFileKind, string[]>>;
  /** Platform whose image is inspected when `FROM --platform` says nothing, e.g. `linux/arm64`. */
  platform?: string;
  /** Which known vulnerabilities `vulnerable-image` reports. */
  vulnerabilities: VulnerabilityPolicy;
  /** Who must have signed which images (`signatures:`); several matching entries must all pass. */
  signatures: SignatureRequirement[];
  /** Signed attestations images must carry (`attestations:`), e.g. SLSA provenance. */
  attestations: AttestationRequirement[];
}

/**
 * A keyless identity, as Sigstore policy-controller and Kyverno write it: the OIDC issuer and the
 * certificate subject (workflow URI or e-mail), each exact or a regular expression.
 */
export interface KeylessIdentity {
  issuer?: string;
  issuerRegExp?: string;
  subject?: string;
  subjectRegExp?: string;
}

export type EnforcementMode = 'enforce' | 'warn';

export interface SignatureRequirement {
  /** Image globs on the normalized name (see imageGlob.ts). */
  images: string[];
  mode: EnforcementMode;
  /** Any one authority (identity or key) is enough. */
  keyless: KeylessIdentity[];
  /** PEM public keys. */
  keys: string[];
  /** 1-based line of the entry in the policy file, for messages. */
  line?: number;
}

export interface AttestationRequirement extends SignatureRequirement {
  /** The in-toto predicate type, e.g. https://slsa.dev/provenance/v1. */
  predicateType: string;
}

/**
 * Settings that decide where requests go and what is sent: only from the machine (user settings
 * of machine scope, CLI flags, initializationOptions of a standalone server), never a workspace.
 */
export interface NetworkSettings {
  offline: boolean;
  /** Registry host → base URL, e.g. `docker.io` → `http://127.0.0.1:5000`. */
  registryMirrors: Record<string, string>;
  /** Docker Hub web API base URL. */
  hubUrl: string;
  /** Hosts (host[:port]) allowed over plain http although not loopback. */
  insecureRegistries: string[];
  /** Folder of `config.json`; default `$DOCKER_CONFIG` or `~/.docker`. */
  dockerConfigDir?: string;
  /** Disk cache folder; default the OS cache folder. Empty string: no disk cache. */
  cacheDir?: string;
  /** endoflife.date API base to refresh the shipped snapshot from (eolApiUrlFor); unset: no refresh. */
  eolApiUrl?: string;
  /** OSV API base (default https://api.osv.dev). */
  osvUrl?: string;
  /** Folder of downloaded OSV exports (`<Ecosystem>/all.zip`): used instead of the OSV API. */
  vulnDbDir?: string;
  /** A Sigstore trusted_root.json that replaces the shipped public-good root (private deployments, tests). */
  sigstoreTrustedRoot?: string;
  /**
   * The TUF repository the public-good trusted root is refreshed from, and the TUF root.json to
   * start from (default https://tuf-repo-cdn.sigstore.dev and the root shipped in @sigstore/tuf).
   * Not a user setting: tests serve a repository on loopback.
   */
  sigstoreTuf?: { mirrorUrl: string; rootJson?: string };
  /** Requests in flight per registry origin (default 12). */
  connectionsPerRegistry?: number;
  /** Overall deadline of one request, retries included, ms (default 30 000). */
  requestDeadlineMs?: number;
  /** Time one run (a CLI lint or pin, the editor's network pass for one document) may spend on the network, ms. */
  runBudgetMs?: number;
  /**
   * Token endpoints (host, or https URL prefix) that may receive a registry's credentials although
   * they are on another host than the registry (docs/network.md, "Credentials and token realms").
   */
  trustedTokenRealms?: string[];
}

export const DEFAULT_HUB_URL = 'https://hub.docker.com';
export const DEFAULT_OSV_URL = 'https://api.osv.dev';
export const DEFAULT_EOL_URL = 'https://endoflife.date/api';

/** Values of IMAGE_TRUST_EOL_REFRESH that turn the default refresh off (for CI and air-gapped machines). */
const OFF = /^(0|off|false|no)$/i;

/**
 * Where end-of-life data is refreshed from: the URL the user gave, else endoflife.date unless
 * the refresh is turned off (`imageTrust.eolRefresh: false`, `--no-eol-refresh`, or the
 * environment variable IMAGE_TRUST_EOL_REFRESH=off). The refresh asks at most once a day per
 * product and sends only product names; offline mode sends nothing.
 */
export function eolApiUrlFor(
  url: string | undefined,
  refresh: boolean | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  if (url) return url;
  if (refresh === false || OFF.test(env.IMAGE_TRUST_EOL_REFRESH?.trim() ?? '')) return undefined;
  return DEFAULT_EOL_URL;
}

export function defaultPolicy(): Policy {
  return {
    trustedNamespaces: [],
    rules: {},
    maxImageAgeDays: 365,
    signatureKeys: [],
    vulnerabilities: defaultVulnerabilityPolicy(),
    signatures: [],
    attestations: [],
  };
}

export function defaultNetworkSettings(): NetworkSettings {
  return { offline: false, registryMirrors: {}, hubUrl: DEFAULT_HUB_URL, insecureRegistries: [] };
}
