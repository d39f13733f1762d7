// Starts Debian's docker-registry (distribution 2.8) on 127.0.0.1 for a test, with no auth, htpasswd
// basic auth or bearer-token auth (tokenServer.ts), behind a counting proxy so tests can count the
// requests a client makes. Push helpers speak the registry HTTP API directly (not through the proxy).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCountingProxy, type CountingProxy, type RequestKind, type RequestRecord } from './countingProxy';
import {
  MEDIA_TYPES,
  buildAttestation,
  buildImage,
  buildIndex,
  buildReferrer,
  sha256Digest,
  type BlobContent,
  type ImageBuildOptions,
} from './ociImages';
import { startTokenServer, type TokenServer } from './tokenServer';

export { startCountingProxy, classifyRequest } from './countingProxy';
export type { CountingProxy, CountingProxyOptions, RequestKind, RequestRecord } from './countingProxy';
export { MEDIA_TYPES, sha256Digest } from './ociImages';
export type { TokenServer } from './tokenServer';

const REGISTRY_BINARY = process.env.IMAGE_TRUST_REGISTRY_BINARY ?? 'docker-registry';

export type RegistryAuthMode = 'none' | 'basic' | 'token';

export interface StartRegistryOptions {
  auth?: RegistryAuthMode;
  /** Account for basic and token modes (default `tester` / a random password). */
  username?: string;
  password?: string;
  /** Token mode: whether a request without credentials gets a pull token (default false: like a private repo). */
  anonymousPull?: boolean;
  /** Milliseconds the counting proxy waits before forwarding each request. */
  delayMs?: number;
  /** Page tags/list at the proxy (see CountingProxyOptions.paginateTags); 2.8 itself ignores `n`. */
  paginateTags?: 'link' | 'lastOnly';
  /**
   * Token mode: serve the realm from the token server itself on this loopback address (e.g.
   * 127.0.0.2, "another host") instead of through the proxy on the registry's own host.
   */
  realmHost?: string;
  /**
   * Runs the registry as Docker's pull-through cache of this upstream (`proxy.remoteurl`,
   * https://distribution.github.io/distribution/recipes/mirror/): read-only, it fetches what it
   * lacks from the upstream and keeps blobs and manifests by digest. The upstream must be serving.
   */
  proxyRemoteUrl?: string;
}

export interface TestRegistry {
  /** What clients use: `http://127.0.0.1:PORT` (the counting proxy in front of the registry). */
  url: string;
  /** `127.0.0.1:PORT`, the registry name to put in image references. */
  host: string;
  /** The registry itself, bypassing the counting proxy. */
  directUrl: string;
  auth: RegistryAuthMode;
  username: string;
  password: string;
  /** Token mode only; its realm is reached through `url` (`<url>/token`), so the proxy counts token requests. */
  tokenServer?: TokenServer;
  /** Every request that went through `url`. */
  log: RequestRecord[];
  /** Requests through `url`, of one kind or all. */
  requestCount(kind?: RequestKind): number;
  resetLog(): void;
  proxy: CountingProxy;
  /** Kills the registry process, stops the proxy and token server, removes the storage. */
  stop(): Promise<void>;
}

// Every live registry process, so a test that dies before its `after` hook leaves no orphan.
const liveProcesses = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveProcesses) child.kill('SIGKILL');
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(130));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * An htpasswd line with a bcrypt hash (the only kind docker-registry accepts). Uses perl's crypt(),
 * which on Debian is libxcrypt with bcrypt support (perl-base is Essential, so always there);
 * apache2-utils' htpasswd is the fallback.
 */
export function htpasswdLine(username: string, password: string): string {
  const bytes = randomBytes(22);
  let salt = '';
  for (let i = 0; i < 21; i++) salt += BCRYPT_ALPHABET[bytes[i] % 64];
  // The 22nd salt character carries only 2 bits; these four leave the unused bits zero.
  salt += '.Oeu'[bytes[21] % 4];
  try {
    const hash = execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$05$${salt}`], {
      encoding: 'utf8',
    });
    if (/^\$2[aby]\$05\$.{53}$/.test(hash)) return `${username}:${hash}`;
  } catch {
    // fall through to htpasswd
  }
  try {
    return execFileSync('htpasswd', ['-nbB', '-C', '5', username, password], { encoding: 'utf8' }).trim();
  } catch (err) {
    throw new Error(
      `cannot make a bcrypt htpasswd line: neither perl crypt() with bcrypt nor htpasswd (apache2-utils) works: ${(err as Error).message}`,
    );
  }
}

function registryConfig(dir: string, port: number, authBlock: string, proxyRemoteUrl?: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    authBlock,
    ...(proxyRemoteUrl ? ['proxy:', `  remoteurl: ${JSON.stringify(proxyRemoteUrl)}`] : []),
  ].join('\n');
}

async function waitUntilServing(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}): ${stderr().slice(-2000)}`);
    }
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer /v2/ within 15 s: ${stderr().slice(-2000)}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  installExitHook();
  const auth = options.auth ?? 'none';
  const username = options.username ?? 'tester';
  const password = options.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-registry-'));
  liveDirs.add(dir);

  let tokenServer: TokenServer | undefined;
  let directUrl = '';
  const proxy = await startCountingProxy('http://127.0.0.1:1', {
    delayMs: options.delayMs,
    paginateTags: options.paginateTags,
    route: (path) => (tokenServer && path.startsWith('/token') ? tokenServer.url : directUrl),
  });

  let authBlock = '';
  if (auth === 'basic') {
    const htpasswdPath = join(dir, 'htpasswd');
    writeFileSync(htpasswdPath, `${htpasswdLine(username, password)}\n`);
    authBlock = [
      'auth:',
      '  htpasswd:',
      '    realm: image-trust-test',
      `    path: ${JSON.stringify(htpasswdPath)}`,
    ].join('\n');
  } else if (auth === 'token') {
    tokenServer = await startTokenServer({
      users: { [username]: password },
      anonymous: options.anonymousPull ? 'pull' : 'none',
      host: options.realmHost,
    });
    authBlock = [
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(options.realmHost ? tokenServer.realm : `${proxy.url}/token`)}`,
      `    service: ${JSON.stringify(tokenServer.service)}`,
      `    issuer: ${JSON.stringify(tokenServer.issuer)}`,
      `    rootcertbundle: ${JSON.stringify(tokenServer.certificatePath)}`,
    ].join('\n');
  }

  let child: ChildProcess | undefined;
  let lastError: unknown;
  // A port picked free can be taken before the registry binds it; try again with another.
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    const port = await freePort();
    const configPath = join(dir, 'config.yml');
    writeFileSync(configPath, registryConfig(dir, port, authBlock, options.proxyRemoteUrl));
    const candidate = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    liveProcesses.add(candidate);
    candidate.once('exit', () => liveProcesses.delete(candidate));
    let stderr = '';
    candidate.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    const spawnError = new Promise<never>((_, reject) => candidate.once('error', reject));
    try {
      directUrl = `http://127.0.0.1:${port}`;
      await Promise.race([waitUntilServing(directUrl, candidate, () => stderr), spawnError]);
      child = candidate;
    } catch (err) {
      lastError = err;
      await stopProcess(candidate);
    }
  }
  if (!child) {
    await proxy.stop();
    await tokenServer?.stop();
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }
  const registryProcess = child;

  return {
    url: proxy.url,
    host: proxy.host,
    directUrl,
    auth,
    username,
    password,
    tokenServer,
    log: proxy.log,
    requestCount: (kind) => proxy.count(kind),
    resetLog: () => proxy.reset(),
    proxy,
    async stop() {
      await stopProcess(registryProcess);
      await proxy.stop();
      await tokenServer?.stop();
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Push helpers (registry HTTP API, straight to the registry, with the right credentials)

const pushTokens = new WeakMap<TestRegistry, Map<string, string>>();

async function pushAuthorization(registry: TestRegistry, repo: string): Promise<Record<string, string>> {
  if (registry.auth === 'basic') {
    return { authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}` };
  }
  if (registry.auth === 'token' && registry.tokenServer) {
    let tokens = pushTokens.get(registry);
    if (!tokens) pushTokens.set(registry, (tokens = new Map()));
    let token = tokens.get(repo);
    if (!token) {
      token = registry.tokenServer.issueToken(
        [{ type: 'repository', name: repo, actions: ['pull', 'push'] }],
        registry.username,
      );
      tokens.set(repo, token);
    }
    return { authorization: `Bearer ${token}` };
  }
  return {};
}

async function expectStatus(response: Response, expected: number[], what: string): Promise<void> {
  if (!expected.includes(response.status)) {
    throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  }
}

export async function pushBlob(registry: TestRegistry, repo: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256Digest(bytes);
  const headers = await pushAuthorization(registry, repo);
  const exists = await fetch(`${registry.directUrl}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers });
  if (exists.status === 200) return digest;
  const start = await fetch(`${registry.directUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
  await expectStatus(start, [202], `start upload to ${repo}`);
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location') ?? '', registry.directUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  await expectStatus(put, [201], `upload blob ${digest} to ${repo}`);
  await put.arrayBuffer();
  return digest;
}

/** PUTs manifest bytes under a tag or digest; returns the sha256 of the bytes (checked against the registry's answer). */
export async function pushManifest(
  registry: TestRegistry,
  repo: string,
  reference: string,
  body: Uint8Array | string,
  mediaType: string,
): Promise<string> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const digest = sha256Digest(bytes);
  const headers = await pushAuthorization(registry, repo);
  const response = await fetch(`${registry.directUrl}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': mediaType },
    body: bytes,
  });
  await expectStatus(response, [201], `push manifest ${repo}:${reference}`);
  await response.arrayBuffer();
  const answered = response.headers.get('docker-content-digest');
  if (answered && answered !== digest)
    throw new Error(`registry stored ${repo}:${reference} as ${answered}, expected ${digest}`);
  return digest;
}

export interface PushImageOptions extends ImageBuildOptions {
  /** One platform (default `linux/amd64`) pushes a plain manifest; several (or `index: true`) an index. */
  platforms?: string[];
  index?: boolean;
  /** Adds BuildKit's `unknown/unknown` attestation entry for the first platform (implies an index). */
  attestation?: boolean;
  /** Alias of `created`. */
  configCreated?: string;
  indexAnnotations?: Record<string, string>;
}

export interface PushedImage {
  /** What the tag points to: the index digest for multi-platform images. */
  digest: string;
  mediaType: string;
  size: number;
  /** The exact bytes pushed under the tag. */
  body: Buffer;
  /** Platform text (`linux/amd64`) → image manifest digest. */
  manifestDigests: Record<string, string>;
  configDigests: Record<string, string>;
  attestationDigest?: string;
}

async function pushBlobs(registry: TestRegistry, repo: string, blobs: BlobContent[]): Promise<void> {
  for (const b of blobs) await pushBlob(registry, repo, b.bytes);
}

export async function pushImage(
  registry: TestRegistry,
  repo: string,
  tag: string,
  options: PushImageOptions = {},
): Promise<PushedImage> {
  const platforms = options.platforms ?? ['linux/amd64'];
  const buildOptions: ImageBuildOptions = { ...options, created: options.created ?? options.configCreated };
  const images = platforms.map((p) => buildImage(p, buildOptions));
  const manifestDigests: Record<string, string> = {};
  const configDigests: Record<string, string> = {};
  for (const [i, image] of images.entries()) {
    await pushBlobs(registry, repo, [image.config, image.layer]);
    manifestDigests[platforms[i]] = image.manifest.digest;
    configDigests[platforms[i]] = image.config.digest;
  }
  const wantIndex = images.length > 1 || options.index || options.attestation;
  if (!wantIndex) {
    const m = images[0].manifest;
    await pushManifest(registry, repo, tag, m.bytes, m.mediaType);
    return {
      digest: m.digest,
      mediaType: m.mediaType,
      size: m.bytes.length,
      body: m.bytes,
      manifestDigests,
      configDigests,
    };
  }
  for (const image of images)
    await pushManifest(registry, repo, image.manifest.digest, image.manifest.bytes, image.manifest.mediaType);
  let attestationDigest: string | undefined;
  const extraManifests: Array<Record<string, unknown>> = [];
  if (options.attestation) {
    const attestation = buildAttestation(images[0]);
    await pushBlobs(registry, repo, attestation.blobs);
    attestationDigest = await pushManifest(
      registry,
      repo,
      attestation.manifest.digest,
      attestation.manifest.bytes,
      attestation.manifest.mediaType,
    );
    extraManifests.push(attestation.descriptor);
  }
  const index = buildIndex(images, { format: options.format, extraManifests, annotations: options.indexAnnotations });
  await pushManifest(registry, repo, tag, index.bytes, index.mediaType);
  return {
    digest: index.digest,
    mediaType: index.mediaType,
    size: index.bytes.length,
    body: index.bytes,
    manifestDigests,
    configDigests,
    attestationDigest,
  };
}

const ACCEPT_ALL_MANIFESTS = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
].join(', ');

/** Points one or more new tags at an existing manifest (same bytes, so the same digest). */
export async function tagExisting(
  registry: TestRegistry,
  repo: string,
  newTags: string | string[],
  digest: string,
): Promise<void> {
  const headers = await pushAuthorization(registry, repo);
  const response = await fetch(`${registry.directUrl}/v2/${repo}/manifests/${digest}`, {
    headers: { ...headers, accept: ACCEPT_ALL_MANIFESTS },
  });
  await expectStatus(response, [200], `fetch ${repo}@${digest}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const mediaType = (response.headers.get('content-type') ?? MEDIA_TYPES.ociManifest).split(';')[0];
  for (const tag of Array.isArray(newTags) ? newTags : [newTags])
    await pushManifest(registry, repo, tag, bytes, mediaType);
}

/**
 * Pushes an artifact whose `subject` is `subjectDigest` and, since distribution 2.8 has no
 * referrers API, the OCI fallback index under tag `sha256-<hex>` listing it.
 */
export async function pushReferrer(
  registry: TestRegistry,
  repo: string,
  subject: { digest: string; mediaType: string; size: number },
  artifactType: string,
): Promise<{ digest: string; fallbackTag: string }> {
  const referrer = buildReferrer(subject, artifactType);
  await pushBlobs(registry, repo, referrer.blobs);
  const digest = await pushManifest(
    registry,
    repo,
    referrer.manifest.digest,
    referrer.manifest.bytes,
    referrer.manifest.mediaType,
  );
  const fallbackTag = subject.digest.replace(':', '-');
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest, size: referrer.manifest.bytes.length, artifactType }],
  };
  await pushManifest(registry, repo, fallbackTag, JSON.stringify(index), MEDIA_TYPES.ociIndex);
  return { digest, fallbackTag };
}

/** The client's `GET /v2/` before its first request to an origin (tests that count the other requests leave it out). */
export function isPing(request: { url: string }): boolean {
  return new URL(request.url).pathname.endsWith('/v2/');
}
