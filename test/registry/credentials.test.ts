// Credential lookup the docker CLI way, with real helper programs (tiny shell scripts on PATH).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, test } from 'node:test';
import { DockerCredentialStore, credentialKey, parseHelperOutput } from '../../server/src/registry/credentials';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function setup(config: unknown, helpers: Record<string, string> = {}, options: { helperTimeoutMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-creds-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  for (const [name, script] of Object.entries(helpers)) {
    const path = join(dir, `docker-credential-${name}`);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
  }
  return new DockerCredentialStore({
    configDir: dir,
    env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` },
    helperTimeoutMs: options.helperTimeoutMs,
  });
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('docker.io credentials live under https://index.docker.io/v1/', async () => {
  assert.equal(credentialKey('docker.io'), 'https://index.docker.io/v1/');
  assert.equal(credentialKey('registry-1.docker.io'), 'https://index.docker.io/v1/');
  assert.equal(credentialKey('GHCR.io'), 'ghcr.io');
  const store = setup({ auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass:with:colons') } } });
  const found = await store.lookup('docker.io');
  assert.ok(found.ok);
  assert.equal(found.credentials?.username, 'hubuser');
  assert.equal(found.credentials?.password, 'hub:pass:with:colons');
});

test('username/password, identitytoken and registrytoken entries', async () => {
  const store = setup({
    auths: {
      'a.example': { username: 'u', password: 'p' },
      'b.example': { auth: b64('u:'), identitytoken: 'refresh-123' },
      'c.example': { registrytoken: 'ready-bearer' },
      'd.example': {},
    },
  });
  const a = await store.lookup('a.example');
  assert.ok(a.ok && a.credentials?.username === 'u' && a.credentials.password === 'p');
  const b = await store.lookup('b.example');
  assert.ok(b.ok && b.credentials?.identityToken === 'refresh-123');
  const c = await store.lookup('c.example');
  assert.ok(c.ok && c.credentials?.registryToken === 'ready-bearer');
  const d = await store.lookup('d.example');
  assert.ok(d.ok && d.credentials === undefined);
  const none = await store.lookup('e.example');
  assert.ok(none.ok && none.credentials === undefined);
});

test('credHelpers win over auths; credsStore is the default helper', async () => {
  const store = setup(
    {
      auths: { 'a.example': { auth: b64('file:secret') } },
      credHelpers: { 'a.example': 'alpha' },
      credsStore: 'store',
    },
    {
      alpha: `read url; printf '{"ServerURL":"%s","Username":"alpha-user","Secret":"alpha-secret"}' "$url"`,
      store: `read url; printf '{"ServerURL":"%s","Username":"<token>","Secret":"identity-from-store"}' "$url"`,
    },
  );
  const a = await store.lookup('a.example');
  assert.ok(a.ok);
  assert.equal(a.credentials?.username, 'alpha-user');
  assert.equal(a.credentials?.source, 'docker-credential-alpha');
  const other = await store.lookup('other.example');
  assert.ok(other.ok);
  assert.equal(other.credentials?.identityToken, 'identity-from-store', 'username <token> means an identity token');
});

test('"credentials not found" from a helper means no credentials, not an error', async () => {
  const store = setup({ credsStore: 'empty' }, { empty: `echo "credentials not found in native keychain"; exit 1` });
  const found = await store.lookup('ghcr.io');
  assert.ok(found.ok);
  assert.equal(found.credentials, undefined);
});

test('a helper that hangs is killed after the timeout, with a clear message', async () => {
  const store = setup({ credHelpers: { 'slow.example': 'hang' } }, { hang: 'sleep 30' }, { helperTimeoutMs: 300 });
  const found = await store.lookup('slow.example');
  assert.ok(!found.ok);
  assert.match(found.message, /docker-credential-hang did not answer within/);
});

test('a helper printing garbage: a clear error that does not repeat the output', async () => {
  const store = setup({ credHelpers: { 'g.example': 'garbage' } }, { garbage: `echo "password=hunter2 oops"` });
  const found = await store.lookup('g.example');
  assert.ok(!found.ok);
  assert.match(found.message, /docker-credential-garbage printed something that is not credentials JSON/);
  assert.ok(!found.message.includes('hunter2'));
});

test('a helper failing otherwise, and helper output parsing', async () => {
  const store = setup({ credHelpers: { 'f.example': 'fail' } }, { fail: 'echo "secret-in-stderr" >&2; exit 7' });
  const found = await store.lookup('f.example');
  assert.ok(!found.ok);
  assert.match(found.message, /exit code 7/);
  assert.ok(!found.message.includes('secret-in-stderr'));
  const wrongShape = parseHelperOutput('{"Username":"u"}', 'docker-credential-x');
  assert.ok(!wrongShape.ok);
  assert.match(wrongShape.message, /"Secret"/);
});

test('a config.json that is not JSON is reported, not ignored', async () => {
  const store = setup('{ "auths": ');
  const found = await store.lookup('ghcr.io');
  assert.ok(!found.ok);
  assert.match(found.message, /config\.json is not valid JSON/);
});

test('DOCKER_AUTH_CONFIG comes before the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-creds-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('file:f') } } }));
  const store = new DockerCredentialStore({
    configDir: dir,
    env: { DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'ghcr.io': { auth: b64('env:e') } } }) },
  });
  const found = await store.lookup('ghcr.io');
  assert.ok(found.ok);
  assert.equal(found.credentials?.username, 'env');
});
