// Nothing let in. A workspace (workspace/configuration answers, initializationOptions.settings,
// didChangeConfiguration, `.image-trust.yaml`) cannot redirect a registry, mark one insecure or
// change the Hub URL: a decoy registry and a decoy Hub must receive zero requests. Registry
// credentials never reach another host (a redirect to another port, a token realm over plain http on
// a non-loopback address) and never appear in any output. Credential helpers run as
// `docker-credential-<name> get` with no shell and the server name on stdin; one that hangs or
// prints garbage is timed out / reported. Plain http to a non-loopback registry is refused before a
// connection is even attempted (a preloaded hook logs every connect and name lookup).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startFaultProxy } from '../support/faultProxy';
import { startHubServer, type HubTestServer } from '../support/hubServer';
import { LspTestClient } from '../support/lspClient';
import { pushImage, startRegistry, tagExisting, type TestRegistry } from '../support/registry';
import { runCli } from '../support/runCli';
import { crashReports, figure } from './observe';

const SECRET = 'pw-Sup3rSecret-7f1c9a';
const WRONG_SECRET = 'pw-Wr0ngSecret-2b8d44';
const GARBAGE = 'GARBAGE-SECRET-91d0';
const TRACE = join(__dirname, 'connectTrace.cjs');
const NOWHERE = 'registry.example.invalid';

let good: TestRegistry;
let decoy: TestRegistry;
let hub: HubTestServer;
let decoyHub: HubTestServer;
let dir: string;
let nginxDigest: string;
const stops: Array<() => Promise<void>> = [];

/** A loopback server that logs what it receives and answers with `answer`. */
async function listener(
  answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string },
  hostname = '127.0.0.1',
) {
  const seen: Array<{ path: string; authorization?: string }> = [];
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '/', authorization: req.headers.authorization });
    const a = answer(req.url ?? '/');
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(a.body ?? '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, hostname, () => resolve()));
  stops.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, seen };
}

function dockerConfig(name: string, config: unknown): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
  return folder;
}

const basicAuth = (user: string, secret: string) => Buffer.from(`${user}:${secret}`).toString('base64');
/** Every form a leaked secret could take. */
function secretForms(secret: string): string[] {
  return [secret, basicAuth('tester', secret), Buffer.from(secret).toString('base64').replace(/=+$/, '')];
}
function assertNoSecret(where: string, text: string): void {
  for (const s of [...secretForms(SECRET), ...secretForms(WRONG_SECRET), GARBAGE])
    assert.ok(!text.includes(s), `${where} contains a secret (${s.slice(0, 6)}…)`);
}
function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((n) => {
    const p = join(folder, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}
function connections(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-letin-'));
  [good, decoy, hub, decoyHub] = await Promise.all([
    startRegistry({ auth: 'basic', password: SECRET }),
    startRegistry(),
    startHubServer(),
    startHubServer(),
  ]);
  nginxDigest = (await pushImage(good, 'library/nginx', '1.27.3')).digest;
  await pushImage(good, 'someuser/nginx', '1.25');
  await pushImage(decoy, 'library/nginx', '1.27.3', { created: '2001-01-01T00:00:00Z' });
});

after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([good?.stop(), decoy?.stop(), hub?.close(), decoyHub?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a workspace cannot redirect requests', () => {
  test('workspace/configuration, initializationOptions.settings, didChangeConfiguration and .image-trust.yaml: the decoys get nothing', async () => {
    const root = mkdtempSync(join(dir, 'ws-'));
    const log = join(root, 'connections.log');
    await tagExisting(good, 'library/nginx', ['1.27.4'], nginxDigest);
    const hostile = {
      registryMirrors: { 'docker.io': decoy.url, [NOWHERE]: `http://${NOWHERE}` },
      hubUrl: decoyHub.url,
      insecureRegistries: [NOWHERE],
    };
    writeFileSync(
      join(root, '.image-trust.yaml'),
      `registryMirrors: {docker.io: "${decoy.url}"}\nhubUrl: "${decoyHub.url}"\ninsecureRegistries: [${NOWHERE}]\n`,
    );
    const client = await LspTestClient.start({
      rootPath: root,
      env: {
        DOCKER_CONFIG: dockerConfig('ws-docker', { auths: { [good.host]: { auth: basicAuth('tester', SECRET) } } }),
        NODE_OPTIONS: `--require ${TRACE}`,
        IMAGE_TRUST_CONNECT_LOG: log,
      },
      initializationOptions: {
        settings: hostile,
        machineSettings: { registryMirrors: { 'docker.io': good.url }, hubUrl: hub.url },
      },
      configuration: hostile,
    });
    try {
      void client.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { imageTrust: hostile },
      });
      const uri = pathToFileURL(join(root, 'Dockerfile')).toString();
      client.open(uri, 'dockerfile', `FROM nginx:1.27.3\nFROM someuser/nginx:1.25\nFROM ${NOWHERE}/team/app:1.0\n`);
      // The network pass's own publish, not just a second publish (a configuration change alone
      // re-runs the offline pass): the first publish carrying what only a registry's answer gives,
      // for nginx:1.27.3 on line 0. The machine mirror serves a 1.27.4 (outdated-version); the
      // decoy serves only 1.27.3, built in 2001 (stale-image). Publishes come only after every
      // reference's answer (Hub included), so the request counts below are final for this pass.
      const network = await client.waitFor(
        () =>
          client.diagnostics
            .get(uri)
            ?.find(
              (d) =>
                d.version === 1 &&
                d.diagnostics.some(
                  (x) => x.range.start.line === 0 && (x.code === 'outdated-version' || x.code === 'stale-image'),
                ),
            ),
        60_000,
        "the network pass's publish",
      );
      assert.ok(
        network.diagnostics.some((x) => x.range.start.line === 0 && x.code === 'outdated-version'),
        `the machine mirror's tags were used: ${JSON.stringify(network.diagnostics.map((x) => [x.range.start.line, x.code]))}`,
      );
      const policyUri = pathToFileURL(join(root, '.image-trust.yaml')).toString();
      client.open(policyUri, 'yaml', readFileSync(join(root, '.image-trust.yaml'), 'utf8'));
      const policy = await client.diagnosticsFor(policyUri);
      assert.deepEqual(
        policy.diagnostics.map((d) => d.code),
        ['invalid-policy', 'invalid-policy', 'invalid-policy'],
        'each redirecting key is reported',
      );
      const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 7 },
      });
      assert.match(hover.contents.value, /sha256:/, 'the machine mirror answered');
      assert.ok(good.requestCount() > 0 && hub.count() > 0, 'the machine-configured registry and Hub were asked');
      assert.equal(decoy.requestCount(), 0, 'the decoy registry got requests');
      assert.equal(decoyHub.count(), 0, 'the decoy Hub got requests');
      // registry.example.invalid was not marked insecure by the machine: never plain http (port 80).
      const plain = connections(log).filter((l) => l.startsWith(`tcp ${NOWHERE}`));
      assert.deepEqual(plain, [], 'plain http to a host only the workspace marked insecure');
      assert.deepEqual(crashReports(client), []);
    } finally {
      await client.stop();
    }
  });
});

describe('plain http to a non-loopback registry', () => {
  test('a machine mirror over plain http, and a redirect to plain http: refused before any connection', async () => {
    const root = mkdtempSync(join(dir, 'http-'));
    const log = join(root, 'connections.log');
    const redirecting = await startFaultProxy(good.directUrl, () => ({
      kind: 'redirect',
      toOrigin: `http://${NOWHERE}`,
    }));
    stops.push(() => redirecting.stop());
    const client = await LspTestClient.start({
      rootPath: root,
      env: { DOCKER_CONFIG: join(root, 'none'), NODE_OPTIONS: `--require ${TRACE}`, IMAGE_TRUST_CONNECT_LOG: log },
      initializationOptions: {
        machineSettings: {
          registryMirrors: { [NOWHERE]: `http://${NOWHERE}:5000`, 'docker.io': redirecting.url },
          hubUrl: hub.url,
        },
      },
    });
    try {
      const uri = pathToFileURL(join(root, 'Dockerfile')).toString();
      client.open(uri, 'dockerfile', `FROM ${NOWHERE}/team/app:1.0\nFROM nginx:1.27.3\n`);
      await client.waitFor(
        () => (client.diagnostics.get(uri)?.filter((d) => d.version === 1).length ?? 0) >= 2,
        30_000,
        'network pass',
      );
      const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 7 },
      });
      assert.match(hover.contents.value, /Refusing plain http/);
      const redirected = await client.request<{ contents: { value: string } }>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 1, character: 7 },
      });
      assert.match(redirected.contents.value, /redirected to plain http/);
      assert.ok(redirecting.count() > 0, 'the redirect was met');
      assert.deepEqual(
        connections(log).filter((l) => l.includes(NOWHERE)),
        [],
        'a connection or lookup was attempted',
      );
    } finally {
      await client.stop();
    }
    writeFileSync(join(root, 'Dockerfile'), `FROM ${NOWHERE}/team/app:1.0\n`);
    const cli = await runCli(
      ['lint', '--format', 'json', 'Dockerfile', '--registry-mirror', `${NOWHERE}=http://${NOWHERE}:5000`],
      {
        cwd: root,
        env: {
          IMAGE_TRUST_CACHE_DIR: '',
          DOCKER_CONFIG: join(root, 'none'),
          NODE_OPTIONS: `--require ${TRACE}`,
          IMAGE_TRUST_CONNECT_LOG: log,
        },
      },
    );
    assert.ok(cli.code === 0 || cli.code === 1, cli.stderr);
    assert.match(cli.stdout, /registry\.example\.invalid/);
    assert.deepEqual(
      connections(log).filter((l) => l.includes(NOWHERE)),
      [],
    );
  });
});

describe('credentials stay with their registry', () => {
  test('a redirect to another host carries no credentials, even when that host asks for them', async () => {
    const evil = await listener(() => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="evil"' } }));
    const front = await startFaultProxy(good.directUrl, ({ path }) =>
      /\/manifests\//.test(path) ? { kind: 'redirect', toOrigin: `http://127.0.0.1:${evil.port}` } : { kind: 'pass' },
    );
    stops.push(() => front.stop());
    const root = mkdtempSync(join(dir, 'redir-'));
    writeFileSync(join(root, 'Dockerfile'), `FROM ${front.host}/library/nginx:1.27.3\n`);
    // The front asks for basic auth first (the registry behind it does), then redirects manifests.
    const cfg = dockerConfig('redir-docker', { auths: { [front.host]: { auth: basicAuth('tester', SECRET) } } });
    const r = await runCli(['lint', '--format', 'json', 'Dockerfile'], {
      cwd: root,
      env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: cfg },
    });
    assert.ok(
      front.log.some((l) => l.authorization?.startsWith('Basic ')),
      'the registry itself got the credentials',
    );
    assert.ok(evil.seen.length > 0, 'the redirect was followed');
    assert.deepEqual(
      evil.seen.filter((s) => s.authorization),
      [],
      'the other host got an Authorization header',
    );
    assertNoSecret('CLI output', r.stdout + r.stderr);
  });

  test('a token realm over plain http on a non-loopback address gets no password', async (t) => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!address) return t.skip('no non-loopback IPv4 address on this machine');
    const realm = await listener(
      () => ({ status: 200, body: JSON.stringify({ token: 'anonymous-token' }) }),
      '0.0.0.0',
    );
    const registry = await listener(() => ({
      status: 401,
      headers: { 'www-authenticate': `Bearer realm="http://${address}:${realm.port}/token",service="evil"` },
      body: '{"errors":[{"code":"UNAUTHORIZED"}]}',
    }));
    const host = `127.0.0.1:${registry.port}`;
    const root = mkdtempSync(join(dir, 'realm-'));
    writeFileSync(join(root, 'Dockerfile'), `FROM ${host}/team/app:1.0\n`);
    const cfg = dockerConfig('realm-docker', { auths: { [host]: { auth: basicAuth('tester', SECRET) } } });
    const r = await runCli(
      ['lint', '--format', 'json', 'Dockerfile', '--insecure-registry', `${address}:${realm.port}`],
      { cwd: root, env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: cfg } },
    );
    assert.ok(realm.seen.length > 0, `the token endpoint was asked: ${r.stderr}`);
    assert.deepEqual(
      realm.seen.filter((s) => s.authorization),
      [],
      'a plain-http realm on another host got credentials',
    );
    assertNoSecret('CLI output', r.stdout + r.stderr);
  });

  test('the secret appears in no output: stderr, logs, diagnostics, hovers, code actions, CLI text/JSON/SARIF, the disk cache', async () => {
    const wrong = await startRegistry({ auth: 'basic', password: 'the-real-one' });
    stops.push(() => wrong.stop());
    await pushImage(wrong, 'team/app', '1.0');
    const root = mkdtempSync(join(dir, 'leak-'));
    const cache = join(root, 'cache');
    const cfg = dockerConfig('leak-docker', {
      auths: {
        [good.host]: { auth: basicAuth('tester', SECRET) },
        [wrong.host]: { auth: basicAuth('tester', WRONG_SECRET) },
      },
    });
    const text = `FROM ${good.host}/library/nginx:1.27.3\nFROM ${wrong.host}/team/app:1.0\nFROM ${good.host}/library/nope:1\n`;
    writeFileSync(join(root, 'Dockerfile'), text);
    const client = await LspTestClient.start({
      rootPath: root,
      env: { DOCKER_CONFIG: cfg, IMAGE_TRUST_CACHE_DIR: cache },
    });
    let outputs = '';
    try {
      const uri = pathToFileURL(join(root, 'Dockerfile')).toString();
      client.open(uri, 'dockerfile', text);
      await client.waitFor(
        () => (client.diagnostics.get(uri)?.filter((d) => d.version === 1).length ?? 0) >= 2,
        30_000,
        'network pass',
      );
      for (let line = 0; line < 3; line++) {
        const hover = await client.request('textDocument/hover', {
          textDocument: { uri },
          position: { line, character: 8 },
        });
        const actions = await client.request('textDocument/codeAction', {
          textDocument: { uri },
          range: { start: { line, character: 0 }, end: { line, character: 60 } },
          context: { diagnostics: client.latest(uri)!.diagnostics },
        });
        outputs += JSON.stringify(hover) + JSON.stringify(actions);
      }
      const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 1, character: 8 },
      });
      assert.match(hover.contents.value, /refused access/, 'the refused credentials are reported (without the secret)');
      const first = await client.request<{ contents: { value: string } }>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 8 },
      });
      assert.match(first.contents.value, /sha256:/, 'the right credentials worked');
    } finally {
      await client.stop();
    }
    outputs += client.logs.join('\n') + JSON.stringify(client.notifications);
    for (const format of ['json', 'sarif', 'text']) {
      const r = await runCli(['lint', '--format', format, 'Dockerfile'], {
        cwd: root,
        env: { IMAGE_TRUST_CACHE_DIR: cache, DOCKER_CONFIG: cfg },
      });
      outputs += r.stdout + r.stderr;
    }
    const pinned = await runCli(['pin', '--dry-run', 'Dockerfile'], {
      cwd: root,
      env: { IMAGE_TRUST_CACHE_DIR: cache, DOCKER_CONFIG: cfg },
    });
    outputs += pinned.stdout + pinned.stderr;
    assert.match(outputs, /sha256:/);
    assertNoSecret('server and CLI output', outputs);
    const cached = filesUnder(cache);
    assert.ok(cached.length > 0, 'the disk cache was written');
    for (const file of cached) assertNoSecret(`cache file ${file}`, readFileSync(file).toString('latin1'));
  });
});

describe('credential helpers', () => {
  test('run as docker-credential-<name> get, no shell, server name on stdin; a hanging helper is killed, garbage is reported without echoing it', async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const spyLog = join(dir, 'spy.log');
    const hangPids = join(dir, 'hang.pids');
    const helpers: Record<string, string> = {
      spy: `#!/bin/sh\n{ echo "argc=$#"; echo "argv=$*"; echo "parent=$(cat /proc/$PPID/comm)"; echo "stdin=$(cat)"; } >> "${spyLog}"\nprintf '{"Username":"tester","Secret":"%s"}' "${SECRET}"\n`,
      hang: `#!/bin/sh\nsleep 60 &\necho "$$ $!" > "${hangPids}"\nwait\n`,
      garbage: `#!/bin/sh\necho "not json ${GARBAGE}"\n`,
    };
    for (const [name, script] of Object.entries(helpers)) {
      writeFileSync(join(bin, `docker-credential-${name}`), script);
      chmodSync(join(bin, `docker-credential-${name}`), 0o755);
    }
    const hangFront = await startFaultProxy(good.directUrl);
    const garbageFront = await startFaultProxy(good.directUrl);
    stops.push(
      () => hangFront.stop(),
      () => garbageFront.stop(),
    );
    const root = mkdtempSync(join(dir, 'helpers-'));
    const cfg = dockerConfig('helpers-docker', {
      credHelpers: { [good.host]: 'spy', [hangFront.host]: 'hang', [garbageFront.host]: 'garbage' },
    });
    writeFileSync(
      join(root, 'Dockerfile'),
      `FROM ${good.host}/library/nginx:1.27.3\nFROM ${hangFront.host}/library/nginx:1.27.3\nFROM ${garbageFront.host}/library/nginx:1.27.3\n`,
    );
    const started = Date.now();
    const r = await runCli(['pin', '--dry-run', 'Dockerfile'], {
      cwd: root,
      env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: cfg, PATH: `${bin}:${process.env.PATH}` },
      timeoutMs: 60_000,
    });
    const seconds = (Date.now() - started) / 1000;
    assert.match(
      r.stdout,
      new RegExp(`${good.host.replace(/\./g, '\\.')}/library/nginx:1\\.27\\.3@${nginxDigest}`),
      "the spy helper's credentials worked",
    );
    const spy = readFileSync(spyLog, 'utf8');
    assert.match(spy, /^argc=1$/m);
    assert.match(spy, /^argv=get$/m);
    assert.match(spy, /^parent=node$/m, "the helper's parent is node itself, not a shell");
    assert.match(spy, new RegExp(`^stdin=${good.host.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(r.stderr, /docker-credential-hang did not answer within 5 s/);
    assert.match(r.stderr, /docker-credential-garbage printed something that is not credentials JSON/);
    assertNoSecret('CLI output', r.stdout + r.stderr);
    // That the run ended at all (runCli gives up after 60 s) is the check: the hanging helper is
    // killed after its own limit, said on stderr above. The duration is a figure, not an assertion.
    figure('nothing let in: CLI pin with a hanging credential helper, s', seconds.toFixed(1));
    const [helperPid, childPid] = readFileSync(hangPids, 'utf8').trim().split(' ').map(Number);
    assert.ok(
      !existsSync(`/proc/${helperPid}`) || /\bZ\b/.test(readFileSync(`/proc/${helperPid}/stat`, 'utf8').split(' ')[2]),
      'the hanging helper was killed',
    );
    assert.ok(
      !existsSync(`/proc/${childPid}`) || readFileSync(`/proc/${childPid}/stat`, 'utf8').split(' ')[2] === 'Z',
      "the hanging helper's child was killed with it",
    );
  });
});
