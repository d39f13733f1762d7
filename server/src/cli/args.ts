// Command-line parsing for `image-trust lint|pin`. Usage errors are values with a message.
import type { Severity } from '../core/types';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'codeclimate';
export type FailOn = Severity | 'never';

export interface CliOptions {
  command: 'lint' | 'pin' | 'vulndb-update';
  paths: string[];
  format: OutputFormat;
  offline: boolean;
  registryMirrors: Record<string, string>;
  insecureRegistries: string[];
  hubUrl?: string;
  eolUrl?: string;
  /** false: --no-eol-refresh. */
  eolRefresh?: boolean;
  osvUrl?: string;
  vulnDb?: string;
  /** Base of OSV's exports for `vulndb update` (default https://osv-vulnerabilities.storage.googleapis.com). */
  osvDataUrl?: string;
  /** `vulndb update --ecosystem`: the OSV ecosystems to download instead of those the images use. */
  ecosystems: string[];
  platform?: string;
  /** A Sigstore trusted_root.json replacing the shipped public-good root. */
  sigstoreTrustedRoot?: string;
  config?: string;
  failOn: FailOn;
  dryRun: boolean;
  check: boolean;
  color?: boolean;
  /** Exit 3 when a lookup failed and its findings are missing. */
  requireNetwork: boolean;
  /** Requests in flight per registry origin. */
  connections?: number;
  /** Overall deadline of one request, ms. */
  requestTimeoutMs?: number;
  /** Network time of the whole run, ms. */
  networkBudgetMs?: number;
  /** Token endpoints (host or https URL prefix) that may receive a registry's credentials from another host. */
  trustedTokenRealms: string[];
}

export type ParsedArgs =
  { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

export const USAGE = `Usage: image-trust <command> [PATH...] [options]

Commands:
  lint [PATH...]     check the images of Dockerfiles, compose files, Kubernetes manifests,
                     Helm values, GitHub Actions and GitLab CI files, dev containers and
                     bake files (files or folders, searched recursively; .git and
                     node_modules skipped); default .
  pin  [PATH...]     rewrite image references to tag@sha256:digest in place
  vulndb update [PATH...]
                     download OSV's exports for the ecosystems the images in PATH use
                     (their releases, read like lint reads them; default .) into
                     --vuln-db DIR (default: the cache folder's osv-exports); later
                     runs fetch only the records changed since (modified_id.csv)

Options:
  --format text|json|sarif|codeclimate
                                  lint output (default text, coloured on a terminal;
                                  codeclimate: GitLab code quality report)
  --offline                       no network: only the rules that need none
  --registry-mirror HOST=URL      repeatable, e.g. docker.io=http://127.0.0.1:5000
  --insecure-registry HOST        repeatable: allow plain http to HOST (not only loopback)
  --hub-url URL                   Docker Hub web API base (default https://hub.docker.com)
  --eol-url URL                   refresh end-of-life data from this endoflife.date API base
                                  (default https://endoflife.date/api, at most daily per product)
  --no-eol-refresh                only the shipped end-of-life snapshot (also
                                  IMAGE_TRUST_EOL_REFRESH=off)
  --connections N                 requests in flight per registry (default 12)
  --request-timeout SECONDS       overall deadline of one request, retries included (default 30)
  --network-budget SECONDS        network time of the whole run (default 60); what is
                                  still missing then is reported per registry
  --trust-token-realm HOST        repeatable: a token endpoint on another host that may
                                  receive a registry's credentials (see docs/network.md)
  --require-network               lint: exit 3 when a registry, Docker Hub or end-of-life
                                  lookup failed and its findings are missing
  --osv-url URL                   OSV API base (default https://api.osv.dev)
  --vuln-db DIR                   use downloaded OSV exports in DIR, no request to OSV
  --osv-data-url URL              vulndb update: export base
                                  (default https://osv-vulnerabilities.storage.googleapis.com)
  --ecosystem NAME                vulndb update, repeatable: download this OSV ecosystem
                                  (Debian, Alpine, Ubuntu …) instead of those the images use
  --platform OS/ARCH              platform to inspect when FROM --platform and the policy
                                  say nothing (default linux/amd64)
  --sigstore-trusted-root FILE    verify keyless signatures against this Sigstore trusted_root.json
                                  (default: the public-good root shipped with image-trust)
  --config FILE                   policy file (default: .image-trust.yaml found upward)
  --fail-on error|warning|info|never   lint exit threshold (default warning)
  --dry-run                       pin: print a unified diff, write nothing
  --check                         pin: exit 1 if anything is unpinned, write nothing
  --no-color                      plain text output
  -h, --help                      this help
  -v, --version                   the version

Exit codes: 0 nothing at or above the threshold; 1 findings at or above it (pin --check:
something unpinned); 2 usage, configuration or I/O error; 3 (with --require-network)
lookups failed and their findings are missing (said per registry on stderr; wins over 1).`;

/** The flags that set a boolean option, and what the flag says of it (`--no-color` says no). */
const BOOLEAN_FLAGS = new Map<
  string,
  { option: 'offline' | 'requireNetwork' | 'dryRun' | 'check' | 'eolRefresh' | 'color'; says: boolean }
>([
  ['--offline', { option: 'offline', says: true }],
  ['--require-network', { option: 'requireNetwork', says: true }],
  ['--dry-run', { option: 'dryRun', says: true }],
  ['--check', { option: 'check', says: true }],
  ['--eol-refresh', { option: 'eolRefresh', says: true }],
  ['--no-eol-refresh', { option: 'eolRefresh', says: false }],
  ['--color', { option: 'color', says: true }],
  ['--no-color', { option: 'color', says: false }],
]);

export function parseArgs(argv: string[]): ParsedArgs {
  const options: CliOptions = {
    command: 'lint',
    paths: [],
    format: 'text',
    offline: false,
    registryMirrors: {},
    insecureRegistries: [],
    ecosystems: [],
    failOn: 'warning',
    dryRun: false,
    check: false,
    requireNetwork: false,
    trustedTokenRealms: [],
  };
  let commandSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    // A boolean flag takes no value, or `=true` / `=false`; anything else is a mistake to say.
    const flagOn = (): boolean | { kind: 'error'; message: string } => {
      if (inline === undefined || inline === 'true') return true;
      if (inline === 'false') return false;
      return { kind: 'error', message: `${flag} takes no value, or =true / =false, not "${inline}"` };
    };
    const boolean = BOOLEAN_FLAGS.get(flag);
    if (boolean) {
      const on = flagOn();
      if (typeof on !== 'boolean') return on;
      options[boolean.option] = boolean.says ? on : !on;
      continue;
    }
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '-v':
      case '--version':
        return { kind: 'version' };
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif' && v !== 'codeclimate')
          return {
            kind: 'error',
            message: `--format must be text, json, sarif or codeclimate${v ? `, not "${v}"` : ''}`,
          };
        options.format = v;
        break;
      }
      case '--registry-mirror': {
        const v = value();
        const eq = v?.indexOf('=') ?? -1;
        if (!v || eq <= 0 || eq === v.length - 1)
          return { kind: 'error', message: '--registry-mirror takes HOST=URL, e.g. docker.io=http://127.0.0.1:5000' };
        const url = v.slice(eq + 1);
        if (!/^https?:\/\/[^/]+/.test(url))
          return { kind: 'error', message: `--registry-mirror: "${url}" is not an http(s) URL` };
        options.registryMirrors[v.slice(0, eq)] = url;
        break;
      }
      case '--insecure-registry': {
        const v = value();
        if (!v) return { kind: 'error', message: '--insecure-registry takes a HOST[:PORT]' };
        options.insecureRegistries.push(v);
        break;
      }
      case '--hub-url': {
        const v = value();
        if (!v || !/^https?:\/\/[^/]+/.test(v)) return { kind: 'error', message: '--hub-url takes an http(s) URL' };
        options.hubUrl = v.replace(/\/+$/, '');
        break;
      }
      case '--eol-url': {
        const v = value();
        if (!v || !/^https?:\/\/[^/]+/.test(v)) return { kind: 'error', message: '--eol-url takes an http(s) URL' };
        options.eolUrl = v;
        break;
      }
      case '--osv-url':
      case '--osv-data-url': {
        const v = value();
        if (!v || !/^https?:\/\/[^/]+/.test(v)) return { kind: 'error', message: `${flag} takes an http(s) URL` };
        if (flag === '--osv-url') options.osvUrl = v.replace(/\/+$/, '');
        else options.osvDataUrl = v.replace(/\/+$/, '');
        break;
      }
      case '--ecosystem': {
        const v = value();
        if (!v || !/^[A-Za-z][A-Za-z0-9 .-]*$/.test(v))
          return { kind: 'error', message: '--ecosystem takes an OSV ecosystem name, e.g. Debian' };
        options.ecosystems.push(v);
        break;
      }
      case '--vuln-db': {
        const v = value();
        if (!v) return { kind: 'error', message: '--vuln-db takes a DIR' };
        options.vulnDb = v;
        break;
      }
      case '--platform': {
        const v = value();
        if (!v || !/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(v))
          return { kind: 'error', message: '--platform takes OS/ARCH[/VARIANT], e.g. linux/arm64' };
        options.platform = v;
        break;
      }
      case '--sigstore-trusted-root': {
        const v = value();
        if (!v)
          return { kind: 'error', message: '--sigstore-trusted-root takes a FILE (a Sigstore trusted_root.json)' };
        options.sigstoreTrustedRoot = v;
        break;
      }
      case '--config': {
        const v = value();
        if (!v) return { kind: 'error', message: '--config takes a FILE' };
        options.config = v;
        break;
      }
      case '--fail-on': {
        const v = value();
        if (v !== 'error' && v !== 'warning' && v !== 'info' && v !== 'never')
          return {
            kind: 'error',
            message: `--fail-on must be error, warning, info or never${v ? `, not "${v}"` : ''}`,
          };
        options.failOn = v;
        break;
      }
      case '--connections': {
        const v = value();
        const n = Number(v);
        if (!v || !Number.isInteger(n) || n < 1 || n > 256)
          return { kind: 'error', message: '--connections takes a whole number from 1 to 256' };
        options.connections = n;
        break;
      }
      case '--request-timeout':
      case '--network-budget': {
        const v = value();
        const seconds = Number(v);
        if (!v || !Number.isFinite(seconds) || seconds <= 0)
          return { kind: 'error', message: `${flag} takes a number of seconds greater than 0` };
        if (flag === '--request-timeout') options.requestTimeoutMs = seconds * 1000;
        else options.networkBudgetMs = seconds * 1000;
        break;
      }
      case '--trust-token-realm': {
        const v = value();
        if (!v) return { kind: 'error', message: '--trust-token-realm takes a HOST or an https URL' };
        options.trustedTokenRealms.push(v);
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-')
          return { kind: 'error', message: `unknown option ${arg} (see image-trust --help)` };
        if (!commandSeen && (arg === 'lint' || arg === 'pin')) {
          options.command = arg;
          commandSeen = true;
        } else if (!commandSeen && arg === 'vulndb') {
          if (argv[i + 1] !== 'update') return { kind: 'error', message: 'vulndb takes the subcommand update' };
          i++;
          options.command = 'vulndb-update';
          commandSeen = true;
        } else if (!commandSeen) {
          return {
            kind: 'error',
            message: `unknown command "${arg}": use lint, pin or vulndb (see image-trust --help)`,
          };
        } else options.paths.push(arg);
    }
  }
  if (!commandSeen) return { kind: 'help' };
  if (options.command === 'lint' && (options.dryRun || options.check))
    return { kind: 'error', message: '--dry-run and --check belong to pin' };
  if (options.dryRun && options.check) return { kind: 'error', message: 'use either --dry-run or --check, not both' };
  if (options.paths.length === 0 && options.command !== 'vulndb-update') options.paths.push('.');
  return { kind: 'run', options };
}
