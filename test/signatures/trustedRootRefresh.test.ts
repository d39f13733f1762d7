// The trusted root refreshed through TUF (tuf-js over the network door) from a TUF repository
// served on loopback, signed in the test with its own root key: the root names the mock
// trusted_root.json as a target. Daily at most, cached on disk, never when offline, and a
// target that does not match the signed metadata is refused (the last good root stays).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalize } from '@tufjs/canonical-json';
import fixtures from '../fixtures/sigstore/mock-fixtures.json';
import { HttpClient } from '../../server/src/net/httpClient';
import { verifyKeylessBundle } from '../../server/src/signatures/keyless';
import { TrustedRootRefresher } from '../../server/src/signatures/trustedRootRefresh';
import { LookupLossLog } from '../../server/src/services/lookupLosses';

const key = generateKeyPairSync('ed25519');
const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const keyJson = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: publicPem } };
const keyId = createHash('sha256').update(canonicalize(keyJson)).digest('hex');
const EXPIRES = '2099-01-01T00:00:00Z';

function signed(body: Record<string, unknown>): string {
  const signedPart = { spec_version: '1.0.31', version: 1, expires: EXPIRES, ...body };
  const sig = sign(null, Buffer.from(canonicalize(signedPart)), key.privateKey).toString('hex');
  return JSON.stringify({ signed: signedPart, signatures: [{ keyid: keyId, sig }] });
}

const trustedRoot = Buffer.from(JSON.stringify(fixtures.trustedRoot));
const role = { keyids: [keyId], threshold: 1 };
const rootJson = signed({
  _type: 'root',
  consistent_snapshot: false,
  keys: { [keyId]: keyJson },
  roles: { root: role, timestamp: role, snapshot: role, targets: role },
});
const files: Record<string, Buffer> = {
  '/timestamp.json': Buffer.from(signed({ _type: 'timestamp', meta: { 'snapshot.json': { version: 1 } } })),
  '/snapshot.json': Buffer.from(signed({ _type: 'snapshot', meta: { 'targets.json': { version: 1 } } })),
  '/targets.json': Buffer.from(
    signed({
      _type: 'targets',
      targets: {
        'trusted_root.json': {
          length: trustedRoot.length,
          hashes: { sha256: createHash('sha256').update(trustedRoot).digest('hex') },
        },
      },
    }),
  ),
  '/targets/trusted_root.json': trustedRoot,
};

let server: Server;
let mirror: string;
const requests: string[] = [];
let tamper = false;
const dirs: string[] = [];
const http = new HttpClient();

before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    let body = files[req.url ?? ''];
    if (body && tamper && req.url === '/targets/trusted_root.json')
      body = Buffer.from(body.toString().replace('sigstore.mock', 'sigstore.evil'));
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await http.close();
  await new Promise((resolve) => server.close(resolve));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cacheDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'image-trust-tuf-test-'));
  dirs.push(d);
  return d;
}

test('refreshes trusted_root.json through TUF, then at most daily; the disk cache serves a new process', async () => {
  tamper = false;
  let now = Date.parse('2026-11-01T00:00:00Z');
  const dir = cacheDir();
  const refresher = new TrustedRootRefresher({
    mirrorUrl: mirror,
    rootJson,
    cacheDir: dir,
    http,
    offline: false,
    now: () => now,
  });
  requests.length = 0;
  const root = await refresher.trustedRoot();
  assert.ok(root.ok, !root.ok ? root.error : '');
  assert.equal(root.root.name, `the trusted root of ${mirror} (TUF, 2026-11-01)`);
  assert.equal(refresher.lastFailure, undefined);
  assert.deepEqual(requests, [
    '/2.root.json',
    '/timestamp.json',
    '/snapshot.json',
    '/targets.json',
    '/targets/trusted_root.json',
  ]);
  assert.equal(verifyKeylessBundle(fixtures.bundles.trusted, root.root).ok, true);

  requests.length = 0;
  now += 3_600_000;
  await refresher.trustedRoot();
  const again = new TrustedRootRefresher({
    mirrorUrl: mirror,
    rootJson,
    cacheDir: dir,
    http,
    offline: false,
    now: () => now,
  });
  assert.ok((await again.trustedRoot()).ok);
  assert.deepEqual(requests, [], 'within a day: no request, from memory and from disk');

  now += 86_400_000;
  await again.trustedRoot();
  assert.ok((requests as string[]).includes('/timestamp.json'), 'a day later the metadata is checked again');
});

test('a target that does not match its signed hash is refused; the shipped root stays', async () => {
  tamper = true;
  const refresher = new TrustedRootRefresher({
    mirrorUrl: mirror,
    rootJson,
    cacheDir: cacheDir(),
    http,
    offline: false,
  });
  const root = await refresher.trustedRoot();
  assert.ok(root.ok);
  assert.match(root.root.name, /public-good trusted root \(shipped\)/);
  assert.match(
    refresher.lastFailure ?? '',
    /could not be refreshed from http:\/\/127\.0\.0\.1:\d+ .*using the Sigstore public-good trusted root \(shipped\)/,
  );
  tamper = false;
});

test('a failed refresh is said once in the loss log; a later refresh that succeeds clears it from the status', async () => {
  tamper = true;
  let now = Date.parse('2026-11-01T00:00:00Z');
  const losses = new LookupLossLog();
  const refresher = new TrustedRootRefresher({
    mirrorUrl: mirror,
    rootJson,
    cacheDir: cacheDir(),
    http,
    offline: false,
    now: () => now,
    losses,
  });
  await refresher.trustedRoot();
  await refresher.trustedRoot();
  const host = new URL(mirror).host;
  assert.deepEqual(
    losses.all().map((l) => [l.service, l.count]),
    [[host, 1]],
  );
  assert.equal(losses.current()[0]?.message, refresher.lastFailure);
  tamper = false;
  now += 86_400_000;
  const root = await refresher.trustedRoot();
  assert.ok(root.ok && /TUF, 2026-11-02/.test(root.root.name));
  assert.deepEqual(losses.current(), []);
});

test('offline: no request, the shipped root', async () => {
  requests.length = 0;
  const refresher = new TrustedRootRefresher({
    mirrorUrl: mirror,
    rootJson,
    cacheDir: cacheDir(),
    http,
    offline: true,
  });
  const root = await refresher.trustedRoot();
  assert.ok(root.ok);
  assert.match(root.root.name, /shipped/);
  assert.deepEqual(requests, []);
});

test('the public-good repository starts from the TUF root shipped in @sigstore/tuf', async () => {
  // No request is made here: offline. The seed must exist for the default mirror.
  const refresher = new TrustedRootRefresher({ http, offline: true });
  assert.ok((await refresher.trustedRoot()).ok);
});
