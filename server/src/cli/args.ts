// Command-line parsing for `image-trust lint|pin`. Usage errors are values with a message.
import type { Severity } from '../core/types';

export type OutputFormat = 'text' | 'json' | 'sarif';
export type FailOn = Severity | 'never';

export interface CliOptions {
  command: 'lint' | 'pin';
  paths: string[];
  format: OutputFormat;
  offline: boolean;
  registryMirrors: Record<string, string>;
  insecureRegistries: string[];
  hubUrl?: string;
  eolUrl?: string;
  /** A Sigstore trusted_root.json replacing the shipped public-good root. */
  sigstoreTrustedRoot?: string;
  config?: string;
  failOn: FailOn;
  dryRun: boolean;
  check: boolean;
  color?: boolean;
}

export type ParsedArgs =
  { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

export const USAGE = `Usage: image-trust <command> [PATH...] [options]

Commands:
  lint [PATH...]     check Dockerfiles and compose files (files or folders, searched
                     recursively; .git and node_modules skipped); default .
  pin  [PATH...]     rewrite image references to tag@sha256:digest in place

Options:
  --format text|json|sarif        lint output (default text, coloured on a terminal)
  --offline                       no network: only the rules that need none
  --registry-mirror HOST=URL      repeatable, e.g. docker.io=http://127.0.0.1:5000
  --insecure-registry HOST        repeatable: allow plain http to HOST (not only loopback)
  --hub-url URL                   Docker Hub web API base (default https://hub.docker.com)
  --eol-url URL                   refresh end-of-life data from this endoflife.date API base
  --sigstore-trusted-root FILE    verify keyless signatures against this Sigstore trusted_root.json
                                  (default: the public-good root shipped with image-trust)
                                  (e.g. https://endoflife.date/api); default: the shipped snapshot
  --config FILE                   policy file (default: .image-trust.yaml found upward)
  --fail-on error|warning|info|never   lint exit threshold (default warning)
  --dry-run                       pin: print a unified diff, write nothing
  --check                         pin: exit 1 if anything is unpinned, write nothing
  --no-color                      plain text output
  -h, --help                      this help
  -v, --version                   the version

Exit codes: 0 nothing at or above the threshold; 1 findings at or above it (pin --check:
something unpinned); 2 usage, configuration or I/O error.`;

export function parseArgs(argv: string[]): ParsedArgs {
  const options: CliOptions = {
    command: 'lint',
    paths: [],
    format: 'text',
    offline: false,
    registryMirrors: {},
    insecureRegistries: [],
    failOn: 'warning',
    dryRun: false,
    check: false,
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
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '-v':
      case '--version':
        return { kind: 'version' };
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif')
          return { kind: 'error', message: `--format must be text, json or sarif${v ? `, not "${v}"` : ''}` };
        options.format = v;
        break;
      }
      case '--offline': {
        const on = flagOn();
        if (typeof on !== 'boolean') return on;
        options.offline = on;
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
      case '--dry-run': {
        const on = flagOn();
        if (typeof on !== 'boolean') return on;
        options.dryRun = on;
        break;
      }
      case '--check': {
        const on = flagOn();
        if (typeof on !== 'boolean') return on;
        options.check = on;
        break;
      }
      case '--no-color':
      case '--color': {
        const on = flagOn();
        if (typeof on !== 'boolean') return on;
        options.color = flag === '--color' ? on : !on;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-')
          return { kind: 'error', message: `unknown option ${arg} (see image-trust --help)` };
        if (!commandSeen && (arg === 'lint' || arg === 'pin')) {
          options.command = arg;
          commandSeen = true;
        } else if (!commandSeen) {
          return { kind: 'error', message: `unknown command "${arg}": use lint or pin (see image-trust --help)` };
        } else options.paths.push(arg);
    }
  }
  if (!commandSeen) return { kind: 'help' };
  if (options.command === 'lint' && (options.dryRun || options.check))
    return { kind: 'error', message: '--dry-run and --check belong to pin' };
  if (options.dryRun && options.check) return { kind: 'error', message: 'use either --dry-run or --check, not both' };
  if (options.paths.length === 0) options.paths.push('.');
  return { kind: 'run', options };
}
