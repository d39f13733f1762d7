// Authentication against the real registry: htpasswd basic auth with credentials from config.json
// and from a docker-credential-* helper on PATH, and bearer tokens from the registry's `auth: token`
// mode with the tests' token server. Credentials must reach only the registry and its token realm,
// and never appear in an error.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultNetworkSettings } from '../../server/src/core/settings';
import { createRegistryClient, type RequestInfo } from '../../server/src/registry';
import type { RegistryResult } from '../../server/src/registry/types';
import { pushImage, startRegistry, type PushedImage, type TestRegistry } from '../support/registry';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-auth-'));
  tempDirs.push(dir);
  return dir;
}

function dockerConfig(config: unknown): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const basicAuth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

function clientWith(configDir: string, env: NodeJS.ProcessEnv = process.env) {
  const requests: RequestInfo[] = [];
  const handle = createRegistryClient(
    { ...defaultNetworkSettings(), cacheDir: '', dockerConfigDir: configDir },
    { env, retryBaseDelayMs: 10, onRequest: (info) => requests.push(info) },
  );
  return { handle, requests };
}

function assertNoSecrets(result: RegistryResult<unknown>, secrets: string[]): void {
  const text = JSON.stringify(result);
  for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret leaked into the result');
}

after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('htpasswd basic auth', () => {
  let registry: TestRegistry;
  let image: PushedImage;
  before(async () => {
    registry = await startRegistry({ auth: 'basic' });
    image = await pushImage(registry, 'private/app', '1.0', { platforms: ['linux/amd64', 'linux/arm64'] });
  });
  after(async () => {
    await registry?.stop();
  });

  test('credentials from config.json auths', async () => {
    const configDir = dockerConfig({
      auths: { [registry.host]: { auth: basicAuth(registry.username, registry.password) } },
    });
    const { handle } = clientWith(configDir);
    registry.resetLog();
    const head = await handle.resolveDigest({ registry: registry.host, repository: 'private/app' }, '1.0');
    assert.ok(head.ok, JSON.stringify(head));
    assert.equal(head.value.digest, image.digest);
    const [challenge, authorized] = registry.log;
    assert.equal(challenge.status, 401);
    assert.equal(challenge.authorization, undefined);
    assert.equal(authorized.authorization, `Basic ${basicAuth(registry.username, registry.password)}`);
    assert.equal(authorized.status, 200);
    // The Authorization that worked is reused: no second challenge.
    registry.resetLog();
    assert.ok((await handle.listTags({ registry: registry.host, repository: 'private/app' })).ok);
    assert.deepEqual(
      registry.log.map((r) => r.status),
      [200],
    );
    await handle.dispose();
  });

  test('credentials from a docker-credential helper on PATH (credHelpers), server URL on stdin', async () => {
    const bin = tempDir();
    const stdinCopy = join(bin, 'stdin.txt');
    const helper = join(bin, 'docker-credential-imagetrusttest');
    writeFileSync(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 3\ncat > '${stdinCopy}'\nprintf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' '${registry.host}' '${registry.username}' '${registry.password}'\n`,
    );
    chmodSync(helper, 0o755);
    const configDir = dockerConfig({
      auths: { [registry.host]: {} },
      credHelpers: { [registry.host]: 'imagetrusttest' },
    });
    const { handle } = clientWith(configDir, { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` });
    const manifest = await handle.getManifest({ registry: registry.host, repository: 'private/app' }, '1.0');
    assert.ok(manifest.ok, JSON.stringify(manifest));
    assert.equal(manifest.value.digest, image.digest);
    assert.equal(readFileSync(stdinCopy, 'utf8'), registry.host);
    await handle.dispose();
  });

  test('without credentials: unauthorized, saying none were found', async () => {
    const { handle } = clientWith(dockerConfig({}));
    const head = await handle.resolveDigest({ registry: registry.host, repository: 'private/app' }, '1.0');
    assert.ok(!head.ok);
    assert.equal(head.error.kind, 'unauthorized');
    assert.match(head.error.message, /without credentials/);
    await handle.dispose();
  });

  test('wrong password: unauthorized, and the password is nowhere in the error', async () => {
    const wrong = 'not-the-password-5f3a';
    const configDir = dockerConfig({ auths: { [registry.host]: { username: registry.username, password: wrong } } });
    const { handle } = clientWith(configDir);
    const head = await handle.resolveDigest({ registry: registry.host, repository: 'private/app' }, '1.0');
    assert.ok(!head.ok);
    assert.equal(head.error.kind, 'unauthorized');
    assert.match(head.error.message, /config\.json/);
    assertNoSecrets(head, [wrong, basicAuth(registry.username, wrong)]);
    await handle.dispose();
  });

  test('credentials for one registry are not sent to another', async () => {
    const other = await startRegistry();
    try {
      await pushImage(other, 'public/app', '1.0');
      const configDir = dockerConfig({
        auths: { [registry.host]: { auth: basicAuth(registry.username, registry.password) } },
      });
      const { handle } = clientWith(configDir);
      assert.ok((await handle.resolveDigest({ registry: registry.host, repository: 'private/app' }, '1.0')).ok);
      assert.ok((await handle.resolveDigest({ registry: other.host, repository: 'public/app' }, '1.0')).ok);
      assert.ok(other.log.length > 0);
      assert.ok(other.log.every((r) => r.authorization === undefined));
      await handle.dispose();
    } finally {
      await other.stop();
    }
  });
});

describe('bearer token auth', () => {
  let registry: TestRegistry;
  let image: PushedImage;
  before(async () => {
    registry = await startRegistry({ auth: 'token' });
    image = await pushImage(registry, 'org/service', '3.1', {
      platforms: ['linux/amd64', 'linux/s390x'],
      attestation: true,
    });
    await pushImage(registry, 'org/service', '3.2');
  });
  after(async () => {
    await registry?.stop();
  });

  test('challenge → token with the credentials at the realm → cached token for the next calls', async () => {
    const configDir = dockerConfig({
      auths: { [registry.host]: { auth: basicAuth(registry.username, registry.password) } },
    });
    const { handle } = clientWith(configDir);
    registry.resetLog();
    const head = await handle.resolveDigest({ registry: registry.host, repository: 'org/service' }, '3.1');
    assert.ok(head.ok, JSON.stringify(head));
    assert.equal(head.value.digest, image.digest);
    const tokenRequests = registry.tokenServer!.log;
    assert.equal(tokenRequests.length, 1);
    assert.deepEqual(tokenRequests[0].scopes, ['repository:org/service:pull']);
    assert.equal(tokenRequests[0].service, registry.tokenServer!.service);
    assert.equal(tokenRequests[0].authorization, `Basic ${basicAuth(registry.username, registry.password)}`);
    // The registry itself only ever sees the bearer token, never the password.
    assert.ok(
      registry.log
        .filter((r) => r.kind !== 'token')
        .every((r) => r.authorization === undefined || r.authorization.startsWith('Bearer ')),
    );

    assert.ok((await handle.resolveDigest({ registry: registry.host, repository: 'org/service' }, '3.2')).ok);
    assert.ok((await handle.listTags({ registry: registry.host, repository: 'org/service' })).ok);
    assert.equal(tokenRequests.length, 1, 'the token is reused until it expires');
    await handle.dispose();
  });

  test('a token that grants nothing: unauthorized, and no secret in the error', async () => {
    const { handle } = clientWith(dockerConfig({}));
    const head = await handle.resolveDigest({ registry: registry.host, repository: 'org/service' }, '3.1');
    assert.ok(!head.ok);
    assert.equal(head.error.kind, 'unauthorized');
    await handle.dispose();
  });

  test('wrong credentials are refused by the token server', async () => {
    const wrong = 'wrong-password-91c2';
    const { handle } = clientWith(
      dockerConfig({ auths: { [registry.host]: { auth: basicAuth(registry.username, wrong) } } }),
    );
    const head = await handle.getManifest({ registry: registry.host, repository: 'org/service' }, '3.1');
    assert.ok(!head.ok);
    assert.equal(head.error.kind, 'unauthorized');
    assertNoSecrets(head, [wrong, basicAuth(registry.username, wrong)]);
    await handle.dispose();
  });

  test('anonymous pull tokens, for a public registry', async () => {
    const open = await startRegistry({ auth: 'token', anonymousPull: true });
    try {
      const pushed = await pushImage(open, 'library/busybox', '1.36');
      const { handle } = clientWith(dockerConfig({}));
      const head = await handle.resolveDigest({ registry: open.host, repository: 'library/busybox' }, '1.36');
      assert.ok(head.ok, JSON.stringify(head));
      assert.equal(head.value.digest, pushed.digest);
      assert.equal(open.tokenServer!.log.length, 1);
      assert.equal(open.tokenServer!.log[0].authorization, undefined);
      await handle.dispose();
    } finally {
      await open.stop();
    }
  });
});

describe('config.json variants', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry({ auth: 'basic' });
    await pushImage(registry, 'private/app', '1.0');
  });
  after(async () => {
    await registry?.stop();
  });

  test('an entry written as a URL (https://host/v1/) matches its host', async () => {
    const configDir = dockerConfig({
      auths: { [`https://${registry.host}/v1/`]: { auth: basicAuth(registry.username, registry.password) } },
    });
    const { handle } = clientWith(configDir);
    assert.ok((await handle.resolveDigest({ registry: registry.host, repository: 'private/app' }, '1.0')).ok);
    await handle.dispose();
  });

  test('DOCKER_CONFIG from the environment when no folder is configured', async () => {
    const configDir = dockerConfig({
      auths: { [registry.host]: { auth: basicAuth(registry.username, registry.password) } },
    });
    const handle = createRegistryClient(
      { ...defaultNetworkSettings(), cacheDir: '' },
      { env: { ...process.env, DOCKER_CONFIG: configDir } },
    );
    assert.ok((await handle.resolveDigest({ registry: registry.host, repository: 'private/app' }, '1.0')).ok);
    await handle.dispose();
  });

  test('a credsStore that is not installed falls back to the auths entry', async () => {
    const configDir = dockerConfig({
      credsStore: 'image-trust-absent-store',
      auths: { [registry.host]: { auth: basicAuth(registry.username, registry.password) } },
    });
    mkdirSync(join(configDir, 'empty-bin'));
    const { handle } = clientWith(configDir, { ...process.env, PATH: join(configDir, 'empty-bin') });
    assert.ok((await handle.resolveDigest({ registry: registry.host, repository: 'private/app' }, '1.0')).ok);
    await handle.dispose();
  });
});

describe('Docker Hub answers 401 for what it does not have', () => {
  test('401 after a fresh token, as docker.io (through a mirror): notFound repository, "or private" in the message', async () => {
    const hubLike = await startRegistry({ auth: 'token', anonymousPull: false });
    try {
      const handle = createRegistryClient(
        {
          ...defaultNetworkSettings(),
          cacheDir: '',
          dockerConfigDir: dockerConfig({}),
          registryMirrors: { 'docker.io': hubLike.url },
        },
        { retryBaseDelayMs: 10 },
      );
      const head = await handle.resolveDigest(
        { registry: 'docker.io', repository: 'someone/private-or-missing' },
        'latest',
      );
      assert.ok(!head.ok);
      assert.equal(head.error.kind, 'notFound');
      assert.equal(head.error.missing, 'repository');
      assert.match(head.error.message, /does not exist, or it is private/);
      await handle.dispose();
    } finally {
      await hubLike.stop();
    }
  });
});

describe('token realms on another host', () => {
  // A registry on 127.0.0.1 whose challenge names a realm on 127.0.0.2: another host, and no
  // registrable domain in common (addresses have none).
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry({ auth: 'token', anonymousPull: true, realmHost: '127.0.0.2' });
    await pushImage(registry, 'org/app', '1.0');
  });
  after(async () => {
    await registry?.stop();
  });
  const basic = () => `Basic ${basicAuth(registry.username, registry.password)}`;

  test('get no credentials: an anonymous token is asked for', async () => {
    const configDir = dockerConfig({
      auths: { [registry.host]: { auth: basicAuth(registry.username, registry.password) } },
    });
    const { handle } = clientWith(configDir);
    const before = registry.tokenServer!.log.length;
    const head = await handle.resolveDigest({ registry: registry.host, repository: 'org/app' }, '1.0');
    assert.ok(head.ok, JSON.stringify(head));
    const asked = registry.tokenServer!.log.slice(before);
    assert.ok(asked.length >= 1);
    assert.ok(
      asked.every((r) => r.authorization === undefined),
      'the realm on another host saw credentials',
    );
    await handle.dispose();
  });

  test('a machine setting allows the realm: the credentials go there', async () => {
    const configDir = dockerConfig({
      auths: { [registry.host]: { auth: basicAuth(registry.username, registry.password) } },
    });
    const realmHost = new URL(registry.tokenServer!.realm).host;
    const handle = createRegistryClient(
      { ...defaultNetworkSettings(), cacheDir: '', dockerConfigDir: configDir, trustedTokenRealms: [realmHost] },
      { retryBaseDelayMs: 10 },
    );
    const before = registry.tokenServer!.log.length;
    assert.ok((await handle.resolveDigest({ registry: registry.host, repository: 'org/app' }, '1.0')).ok);
    assert.deepEqual(
      registry.tokenServer!.log.slice(before).map((r) => r.authorization),
      [basic()],
    );
    await handle.dispose();
  });

  test('a private repository behind it: the refusal says why no credentials were sent', async () => {
    const closed = await startRegistry({ auth: 'token', anonymousPull: false, realmHost: '127.0.0.2' });
    try {
      await pushImage(closed, 'org/secret', '1.0');
      const configDir = dockerConfig({
        auths: { [closed.host]: { auth: basicAuth(closed.username, closed.password) } },
      });
      const { handle } = clientWith(configDir);
      const head = await handle.resolveDigest({ registry: closed.host, repository: 'org/secret' }, '1.0');
      assert.ok(!head.ok);
      assert.equal(head.error.kind, 'unauthorized');
      assert.match(head.error.message, /another host .* no credentials were sent there/);
      assert.ok(closed.tokenServer!.log.every((r) => r.authorization === undefined));
      await handle.dispose();
    } finally {
      await closed.stop();
    }
  });
});

test('realm scope: own host, registrable domain, Docker Hub pair, machine setting; strangers get nothing', async () => {
  const { realmScope } = await import('../../server/src/registry/tokenRealmScope');
  const send = (registry: string, realm: string, trusted: string[] = []) =>
    realmScope(registry, new URL(realm), trusted).send;
  assert.equal(send('ghcr.io', 'https://ghcr.io/token'), true);
  assert.equal(send('127.0.0.1:5000', 'http://127.0.0.1:5001/token'), true, 'same host, another port');
  assert.equal(send('registry.gitlab.com', 'https://gitlab.com/jwt/auth'), true);
  assert.equal(send('registry.example.co.uk', 'https://auth.example.co.uk/token'), true);
  assert.equal(send('registry-1.docker.io', 'https://auth.docker.io/token'), true);
  assert.equal(send('a.github.io', 'https://b.github.io/token'), false, 'a public suffix is no common domain');
  assert.equal(send('registry.example.com', 'https://evil.example.net/token'), false);
  assert.equal(send('registry.example.com', 'https://auth.partner.net/token', ['auth.partner.net']), true);
  assert.equal(
    send('registry.example.com', 'https://auth.partner.net/v2/token', ['https://auth.partner.net/v2/']),
    true,
  );
  assert.equal(send('registry.example.com', 'https://auth.partner.net/other', ['https://auth.partner.net/v2/']), false);
});

describe('credentials belong to the host that answers', () => {
  test('Hub credentials configured, docker.io mirrored: the mirror sees no Authorization header', async () => {
    // The mirror asks for credentials (basic auth), so a client that looked them up by the
    // image's registry (docker.io) instead of the answering host would send Docker Hub's there.
    const mirror = await startRegistry({ auth: 'basic' });
    try {
      await pushImage(mirror, 'library/alpine', '3.20');
      const hubSecret = basicAuth('hub-user', 'hub-password-5d1e');
      const configDir = dockerConfig({
        auths: {
          'https://index.docker.io/v1/': { auth: hubSecret },
          'docker.io': { auth: hubSecret },
          'registry-1.docker.io': { auth: hubSecret },
        },
      });
      const handle = createRegistryClient(
        {
          ...defaultNetworkSettings(),
          cacheDir: '',
          dockerConfigDir: configDir,
          registryMirrors: { 'docker.io': mirror.url },
        },
        { retryBaseDelayMs: 10 },
      );
      mirror.resetLog();
      const repo = { registry: 'docker.io', repository: 'library/alpine' };
      const results = [await handle.resolveDigest(repo, '3.20'), await handle.listTags(repo)];
      assert.ok(mirror.log.length >= 2, 'the mirror was asked');
      assert.deepEqual(
        mirror.log.map((r) => r.authorization),
        mirror.log.map(() => undefined),
      );
      for (const r of results) assert.equal(!r.ok && r.error.kind, 'unauthorized');
      await handle.dispose();
    } finally {
      await mirror.stop();
    }
  });
});
