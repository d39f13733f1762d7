// A token server for the registry's `auth: token` mode (distribution's token spec): it answers
// `GET /token?service=..&scope=..` with a JWT signed by an ES256 key generated for the test run.
// docker-registry 2.8 trusts the key through `rootcertbundle`; the JWT carries the certificate in
// its `x5c` header, which 2.8 verifies against that bundle.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TokenRequestRecord {
  service: string | null;
  scopes: string[];
  /** The Authorization header the token server received (tests check where credentials went). */
  authorization?: string;
  status: number;
}

export interface TokenServerOptions {
  service?: string;
  issuer?: string;
  /** Accounts allowed everything they ask for (pull, push). */
  users?: Record<string, string>;
  /** What a request without credentials gets: a pull token, or a token that grants nothing (Docker Hub's way for private repos). */
  anonymous?: 'pull' | 'none';
  expiresInSeconds?: number;
  /** Leave `issued_at` out of the response (the spec makes it optional). */
  omitIssuedAt?: boolean;
  /** The path the realm is served under. */
  path?: string;
  /** Loopback address to listen on (default 127.0.0.1; 127.0.0.2 plays "another host"). */
  host?: string;
}

export interface TokenServer {
  /** Base URL of the server itself, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** The realm URL to put in the registry config. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM file of the signing certificate, for the registry's `rootcertbundle`. */
  certificatePath: string;
  log: TokenRequestRecord[];
  /** Mints a token directly (the push helpers use it). */
  issueToken(access: Array<{ type: string; name: string; actions: string[] }>, subject?: string): string;
  stop(): Promise<void>;
}

interface SigningMaterial {
  dir: string;
  key: KeyObject;
  certificateDer: Buffer;
  certificatePath: string;
}

function createSigningMaterial(): SigningMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-token-'));
  const keyPath = join(dir, 'token.key');
  const certificatePath = join(dir, 'token.crt');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certificatePath,
        '-days',
        '2',
        '-subj',
        '/CN=image-trust-test-token-issuer',
      ],
      { stdio: 'pipe' },
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `openssl could not create the token signing certificate (is the openssl package installed?): ${(err as Error).message}`,
    );
  }
  const pem = readFileSync(certificatePath, 'utf8');
  const base64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return {
    dir,
    key: createPrivateKey(readFileSync(keyPath)),
    certificateDer: Buffer.from(base64, 'base64'),
    certificatePath,
  };
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `repository:host:5000/name:pull,push` → the name may hold a colon; actions follow the last one. */
function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const service = options.service ?? 'image-trust-test-registry';
  const issuer = options.issuer ?? 'image-trust-test-issuer';
  const path = options.path ?? '/token';
  const expiresIn = options.expiresInSeconds ?? 300;
  const material = createSigningMaterial();
  const log: TokenRequestRecord[] = [];

  const issueToken = (access: Array<{ type: string; name: string; actions: string[] }>, subject = ''): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [material.certificateDer.toString('base64')] };
    // distribution 2.8 reads `aud` as a single string.
    const claims = {
      iss: issuer,
      sub: subject,
      aud: service,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    // JWS ES256 wants r||s, not the DER form node produces by default.
    const signature = sign('sha256', Buffer.from(signingInput), { key: material.key, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${base64url(signature)}`;
  };

  const handle = (req: IncomingMessage): { status: number; body: unknown } => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    if (url.pathname !== path || req.method !== 'GET')
      return { status: 404, body: { errors: [{ code: 'NOT_FOUND' }] } };
    const credentials = parseBasic(req.headers.authorization);
    let account: string | undefined;
    if (req.headers.authorization) {
      if (!credentials || options.users?.[credentials.username] !== credentials.password) {
        return { status: 401, body: { details: 'incorrect username or password' } };
      }
      account = credentials.username;
    }
    const requested = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .map(parseScope)
      .filter((s) => s !== undefined);
    const access = requested.map((s) => {
      if (account) return s;
      const anonymousActions = options.anonymous === 'none' ? [] : s.actions.filter((a) => a === 'pull');
      return { ...s, actions: anonymousActions };
    });
    const token = issueToken(access, account ?? '');
    const body: Record<string, unknown> = { token, access_token: token, expires_in: expiresIn };
    if (!options.omitIssuedAt) body.issued_at = new Date().toISOString();
    return { status: 200, body };
  };

  const server: Server = createServer((req, res) => {
    const { status, body } = handle(req);
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    log.push({
      service: url.searchParams.get('service'),
      scopes: url.searchParams.getAll('scope'),
      authorization: req.headers.authorization,
      status,
    });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    realm: `${url}${path}`,
    service,
    issuer,
    certificatePath: material.certificatePath,
    log,
    issueToken,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(material.dir, { recursive: true, force: true });
    },
  };
}
