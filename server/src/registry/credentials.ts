// Credentials the way the docker CLI finds them ([CLI] configfile/file.go, docs/registries.md §2.8):
// `$DOCKER_CONFIG/config.json` (or NetworkSettings.dockerConfigDir), credHelpers for the host, then
// credsStore, then the plain `auths` entry. Helpers run without a shell, get the server URL on
// stdin, and are killed after a timeout. Secrets never appear in any message this file builds.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB } from './endpoints';

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** OAuth refresh token for the token endpoint (helper username `<token>`, or `identitytoken`). */
  identityToken?: string;
  /** A ready bearer token for the registry itself. */
  registryToken?: string;
  /** Where they came from, for messages: `config.json` or `docker-credential-<name>`. */
  source: string;
}

export type CredentialLookup = { ok: true; credentials?: RegistryCredentials } | { ok: false; message: string };

export interface CredentialStoreOptions {
  /** Folder of config.json; default `$DOCKER_CONFIG` or `~/.docker`. */
  configDir?: string;
  /** Environment for DOCKER_CONFIG, DOCKER_AUTH_CONFIG and the helpers' PATH. */
  env?: NodeJS.ProcessEnv;
  helperTimeoutMs?: number;
  /** How long a helper's answer is reused (helpers can be slow: ecr-login, gcloud). */
  memoMs?: number;
  now?: () => number;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/** The key docker uses for a registry host in config.json and with helpers. */
export function credentialKey(host: string): string {
  const lower = host.toLowerCase();
  return lower === DOCKER_HUB || lower === 'index.docker.io' || lower === 'registry-1.docker.io'
    ? DOCKER_HUB_KEY
    : lower;
}

/** `https://ghcr.io/v1/` → `ghcr.io` ([CLI] ConvertToHostname). */
function hostOfKey(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

export function decodeAuthEntry(entry: AuthEntry, source: string): RegistryCredentials | { error: string } | undefined {
  const credentials: RegistryCredentials = { source };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { error: `${source}: the "auth" value is not base64 of user:password` };
    credentials.username = decoded.slice(0, colon);
    credentials.password = decoded.slice(colon + 1).replace(/\0+$/, '');
  } else if (entry.username) {
    credentials.username = entry.username;
    credentials.password = entry.password ?? '';
  }
  if (entry.identitytoken) credentials.identityToken = entry.identitytoken;
  if (entry.registrytoken) credentials.registryToken = entry.registrytoken;
  const hasSecret = credentials.username !== undefined || credentials.identityToken || credentials.registryToken;
  return hasSecret ? credentials : undefined;
}

/** What a helper printed on `get` → credentials, or a message that does not repeat the output. */
export function parseHelperOutput(stdout: string, helper: string): CredentialLookup {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return {
      ok: false,
      message: `${helper} printed something that is not credentials JSON ({"Username":...,"Secret":...}).`,
    };
  }
  const record = parsed as { Username?: unknown; Secret?: unknown };
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    typeof record.Secret !== 'string' ||
    (record.Username !== undefined && typeof record.Username !== 'string')
  ) {
    return {
      ok: false,
      message: `${helper} printed JSON without the "Username" and "Secret" strings a credential helper must print.`,
    };
  }
  const username = (record.Username as string | undefined) ?? '';
  // A helper username of `<token>` means the secret is an identity (refresh) token ([CLI] native_store.go).
  if (username === '<token>') return { ok: true, credentials: { identityToken: record.Secret, source: helper } };
  return { ok: true, credentials: { username, password: record.Secret, source: helper } };
}

interface HelperRun {
  kind: 'ok' | 'notInstalled' | 'timeout' | 'failed';
  stdout: string;
  stderr: string;
  code?: number | null;
}

function runHelper(program: string, serverUrl: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<HelperRun> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (run: HelperRun) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(run);
      }
    };
    let stdout = '';
    let stderr = '';
    // Its own process group on POSIX, so a helper script's children die with it on timeout.
    const ownGroup = process.platform !== 'win32';
    const child = spawn(program, ['get'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      shell: false,
      detached: ownGroup,
    });
    const timer = setTimeout(() => {
      try {
        if (ownGroup && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      finish({ kind: 'timeout', stdout, stderr });
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < 64 * 1024) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) =>
      finish({ kind: err.code === 'ENOENT' ? 'notInstalled' : 'failed', stdout, stderr: err.message }),
    );
    child.on('close', (code) => finish({ kind: code === 0 ? 'ok' : 'failed', stdout, stderr, code }));
    child.stdin.on('error', () => undefined); // a helper that exits before reading stdin
    child.stdin.end(serverUrl);
  });
}

export class DockerCredentialStore {
  private readonly env: NodeJS.ProcessEnv;
  private readonly helperTimeoutMs: number;
  private readonly memoMs: number;
  private readonly now: () => number;
  private readonly memo = new Map<string, { at: number; lookup: Promise<CredentialLookup> }>();

  constructor(private readonly options: CredentialStoreOptions = {}) {
    this.env = options.env ?? process.env;
    this.helperTimeoutMs = options.helperTimeoutMs ?? 5000;
    this.memoMs = options.memoMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  get configPath(): string {
    const dir =
      this.options.configDir ||
      this.env.DOCKER_CONFIG ||
      join(this.env.HOME || this.env.USERPROFILE || homedir(), '.docker');
    return join(dir, 'config.json');
  }

  /** Credentials for a registry host (`host[:port]`, or `docker.io`). */
  lookup(host: string): Promise<CredentialLookup> {
    const key = credentialKey(host);
    const memo = this.memo.get(key);
    if (memo && this.now() - memo.at < this.memoMs) return memo.lookup;
    const lookup = this.lookupUncached(key);
    this.memo.set(key, { at: this.now(), lookup });
    return lookup;
  }

  clear(): void {
    this.memo.clear();
  }

  private async readConfig(): Promise<{ ok: true; config: DockerConfigFile } | { ok: false; message: string }> {
    let text: string;
    try {
      text = await readFile(this.configPath, 'utf8');
    } catch {
      return { ok: true, config: {} };
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      return { ok: true, config: parsed && typeof parsed === 'object' ? (parsed as DockerConfigFile) : {} };
    } catch {
      return { ok: false, message: `${this.configPath} is not valid JSON.` };
    }
  }

  private findAuthEntry(auths: Record<string, AuthEntry> | undefined, key: string): AuthEntry | undefined {
    if (!auths) return undefined;
    if (auths[key]) return auths[key];
    const wanted = key === DOCKER_HUB_KEY ? 'index.docker.io' : key;
    for (const [name, entry] of Object.entries(auths)) {
      const host = hostOfKey(name);
      if (host === wanted || (key === DOCKER_HUB_KEY && (host === DOCKER_HUB || host === 'registry-1.docker.io')))
        return entry;
    }
    return undefined;
  }

  private async lookupUncached(key: string): Promise<CredentialLookup> {
    // DOCKER_AUTH_CONFIG (docker CLI 2025+) holds `{"auths":{...}}` and comes before the file.
    const fromEnv = this.env.DOCKER_AUTH_CONFIG;
    if (fromEnv) {
      try {
        const entry = this.findAuthEntry((JSON.parse(fromEnv) as DockerConfigFile).auths, key);
        const decoded = entry && decodeAuthEntry(entry, 'DOCKER_AUTH_CONFIG');
        if (decoded && 'error' in decoded) return { ok: false, message: decoded.error };
        if (decoded) return { ok: true, credentials: decoded };
      } catch {
        return { ok: false, message: 'DOCKER_AUTH_CONFIG is not valid JSON.' };
      }
    }
    const read = await this.readConfig();
    if (!read.ok) return read;
    const { config } = read;
    const helperName = config.credHelpers?.[key] ?? config.credHelpers?.[hostOfKey(key)] ?? config.credsStore;
    if (helperName) {
      const fromHelper = await this.askHelper(helperName, key);
      // A store that is not installed here (e.g. `desktop` in a CI container) leaves the file entry.
      if (fromHelper !== 'notInstalled') return fromHelper;
    }
    const entry = this.findAuthEntry(config.auths, key);
    const decoded = entry && decodeAuthEntry(entry, this.configPath);
    if (decoded && 'error' in decoded) return { ok: false, message: decoded.error };
    return { ok: true, credentials: decoded };
  }

  private async askHelper(name: string, serverUrl: string): Promise<CredentialLookup | 'notInstalled'> {
    if (!/^[A-Za-z0-9._-]+$/.test(name))
      return {
        ok: false,
        message: `The credential helper name "${name}" in config.json is not a plain program suffix.`,
      };
    const program = `docker-credential-${name}`;
    const run = await runHelper(program, serverUrl, this.env, this.helperTimeoutMs);
    if (run.kind === 'notInstalled') return 'notInstalled';
    if (run.kind === 'timeout')
      return { ok: false, message: `${program} did not answer within ${Math.round(this.helperTimeoutMs / 1000)} s.` };
    if (run.kind === 'failed') {
      // The helper protocol's "no credentials" answer ([DCH] credentials/error.go).
      if (/credentials not found/i.test(run.stdout) || /credentials not found/i.test(run.stderr)) return { ok: true };
      return { ok: false, message: `${program} failed (exit code ${run.code ?? 'unknown'}).` };
    }
    return parseHelperOutput(run.stdout, program);
  }
}
