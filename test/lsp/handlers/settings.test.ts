// The settings handler in process: one re-check per change, bad editor values shown, machine
// settings validated in one place and never taken from workspace/configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageTrustServer } from '../../../server/src/lsp/server';
import { StubConnection, settle } from '../../support/stubConnection';

const CAPABILITIES = { workspace: { configuration: true } };

function startServer(configuration: unknown) {
  const stub = new StubConnection();
  stub.configuration = configuration;
  const server = new ImageTrustServer(stub.connection);
  server.listen();
  stub.initialize({ capabilities: CAPABILITIES, initializationOptions: { settings: { offline: true } } });
  return { stub, server };
}

test('a settings change checks every open document once', async () => {
  const { stub } = startServer({ offline: true });
  await settle();
  const a = 'untitled:a';
  const b = 'untitled:b';
  stub.open(a, 'dockerfile', 'FROM nginx:latest\n');
  stub.open(b, 'dockerfile', 'FROM redis\n');
  const before = stub.diagnostics.length;
  stub.configuration = { offline: true, rules: { 'latest-tag': 'off' } };
  await stub.handler('didChangeConfiguration')({ settings: { imageTrust: stub.configuration } } as never);
  await settle();
  assert.equal(stub.diagnostics.length - before, 2, 'one publish per open document');
  assert.ok(
    !stub
      .published(a)
      .at(-1)!
      .diagnostics.some((d) => d.code === 'latest-tag'),
  );

  // The same values again: nothing to check again.
  const unchanged = stub.diagnostics.length;
  await stub.handler('didChangeConfiguration')({ settings: { imageTrust: stub.configuration } } as never);
  await settle();
  assert.equal(stub.diagnostics.length, unchanged);
});

test('bad editor settings are shown once, not dropped silently', async () => {
  const { stub } = startServer({ offline: true, maxImageAgeDays: -3, rules: { 'no-such-rule': 'error' } });
  await settle();
  assert.equal(stub.shownWarnings.length, 1);
  assert.match(stub.shownWarnings[0], /maxImageAgeDays must be a whole number/);
  assert.match(stub.shownWarnings[0], /unknown rule "no-such-rule"/);
  assert.ok(stub.logs.some((l) => l.level === 'warn' && /maxImageAgeDays/.test(l.message)));
  await stub.handler('didChangeConfiguration')({ settings: {} } as never);
  await settle();
  assert.equal(stub.shownWarnings.length, 1, 'the same warnings are not shown again');
});

test('machine settings: validated when they arrive, never from workspace/configuration', async () => {
  const { stub, server } = startServer({
    offline: false,
    hubUrl: 'http://evil.example',
    registryMirrors: { 'docker.io': 'http://evil.example' },
  });
  await settle();
  assert.equal(server.settings.network.settings.hubUrl, 'https://hub.docker.com');
  assert.deepEqual(server.settings.network.settings.registryMirrors, {});
  stub.handler('notification:imageTrust/machineSettings')({
    hubUrl: 'not a url',
    registryMirrors: { 'docker.io': 'http://127.0.0.1:5000', 'ghcr.io': 5 },
    insecureRegistries: ['reg.lan:5000', 7],
  } as never);
  assert.deepEqual(server.settings.machine, {
    registryMirrors: { 'docker.io': 'http://127.0.0.1:5000' },
    insecureRegistries: ['reg.lan:5000'],
  });
  assert.deepEqual(server.settings.network.settings.registryMirrors, { 'docker.io': 'http://127.0.0.1:5000' });
  await server.settings.dispose();
});

test('Restricted Mode: offline whatever the settings say', async () => {
  const stub = new StubConnection();
  const server = new ImageTrustServer(stub.connection);
  server.listen();
  stub.initialize({ initializationOptions: { settings: { offline: false }, workspaceTrusted: false } });
  assert.equal(server.settings.online, false);
  assert.match(server.status.status().tooltip, /Restricted Mode/);
});
