import assert from 'node:assert/strict';
import { test } from 'node:test';
import { affectsMachineSettings, readMachineSettings } from '../../client/src/machineSettings';

interface Inspection {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

function configuration(values: Record<string, Inspection>) {
  return {
    inspect: <T>(key: string) =>
      (values[key] ? { key, ...values[key] } : undefined) as
        { key: string; globalValue?: T; defaultValue?: T } | undefined,
  };
}

test('the user value counts, workspace and folder values never do', () => {
  const settings = readMachineSettings(
    configuration({
      registryMirrors: {
        defaultValue: {},
        globalValue: { 'docker.io': 'http://127.0.0.1:5000' },
        workspaceValue: { 'docker.io': 'http://evil.example' },
      },
      hubUrl: { defaultValue: 'https://hub.docker.com', workspaceFolderValue: 'http://evil.example' },
      insecureRegistries: { defaultValue: [], workspaceValue: ['evil.example'] },
      eolUrl: { defaultValue: '', globalValue: 'https://endoflife.date/api', workspaceValue: 'http://evil.example' },
    }) as never,
  );
  assert.deepEqual(settings, {
    registryMirrors: { 'docker.io': 'http://127.0.0.1:5000' },
    hubUrl: 'https://hub.docker.com',
    insecureRegistries: [],
    eolUrl: 'https://endoflife.date/api',
  });
});

test('values of the wrong type are dropped', () => {
  const settings = readMachineSettings(
    configuration({
      registryMirrors: { globalValue: { 'docker.io': 5000, 'ghcr.io': 'http://127.0.0.1:5001' } },
      hubUrl: { globalValue: '  ' },
      insecureRegistries: { globalValue: ['reg.lan:5000', 7] },
      eolUrl: { defaultValue: '' },
    }) as never,
  );
  assert.deepEqual(settings, {
    registryMirrors: { 'ghcr.io': 'http://127.0.0.1:5001' },
    insecureRegistries: ['reg.lan:5000'],
  });
  assert.deepEqual(readMachineSettings(configuration({ registryMirrors: { globalValue: ['x'] } }) as never), {});
});

test('which configuration changes concern the machine settings', () => {
  const event = (changed: string) => ({
    affectsConfiguration: (section: string) => changed === section || changed.startsWith(`${section}.`),
  });
  assert.equal(affectsMachineSettings(event('imageTrust.hubUrl')), true);
  assert.equal(affectsMachineSettings(event('imageTrust.registryMirrors')), true);
  assert.equal(affectsMachineSettings(event('imageTrust.eolUrl')), true);
  assert.equal(affectsMachineSettings(event('imageTrust.offline')), false);
  assert.equal(affectsMachineSettings(event('editor.fontSize')), false);
});

test('network limits and token realms: only the user value counts, and the server maps them', async () => {
  const { networkSettings } = await import('../../server/src/lsp/settings');
  const { validateMachineSettings: readOnServer } = await import('../../protocol/machineSettings');
  const fromClient = readMachineSettings(
    configuration({
      connectionsPerRegistry: { defaultValue: 12, globalValue: 4, workspaceValue: 200 },
      requestTimeoutSeconds: { defaultValue: 30, workspaceValue: 1 },
      networkBudgetSeconds: { defaultValue: 60, globalValue: 90 },
      trustedTokenRealms: { defaultValue: [], globalValue: ['auth.partner.net'], workspaceValue: ['evil.example'] },
    }),
  );
  assert.equal(fromClient.connectionsPerRegistry, 4);
  assert.equal(fromClient.requestTimeoutSeconds, undefined, 'a workspace value is ignored');
  assert.deepEqual(fromClient.trustedTokenRealms, ['auth.partner.net']);
  const settings = networkSettings({}, readOnServer(fromClient), { workspaceTrusted: true });
  assert.equal(settings.connectionsPerRegistry, 4);
  assert.equal(settings.runBudgetMs, 90_000);
  assert.equal(settings.requestDeadlineMs, undefined);
  assert.deepEqual(settings.trustedTokenRealms, ['auth.partner.net']);
});

test('the Sigstore trusted root: only the user value counts, the server maps it, and workspace/configuration never sets it', async () => {
  const { networkSettings, readEditorSettings } = await import('../../server/src/lsp/settings');
  const { validateMachineSettings: readOnServer } = await import('../../protocol/machineSettings');
  const fromWorkspace = readMachineSettings(
    configuration({ sigstoreTrustedRoot: { defaultValue: '', workspaceValue: '/workspace/evil_root.json' } }),
  );
  assert.equal(
    fromWorkspace.sigstoreTrustedRoot,
    undefined,
    'a workspace cannot choose whom signatures are verified against',
  );
  const fromUser = readMachineSettings(
    configuration({
      sigstoreTrustedRoot: {
        defaultValue: '',
        globalValue: ' /etc/sigstore/trusted_root.json ',
        workspaceFolderValue: '/workspace/evil_root.json',
      },
    }),
  );
  assert.equal(fromUser.sigstoreTrustedRoot, '/etc/sigstore/trusted_root.json');
  const settings = networkSettings({}, readOnServer(fromUser), { workspaceTrusted: true });
  assert.equal(settings.sigstoreTrustedRoot, '/etc/sigstore/trusted_root.json');
  // The same key sent as an editor setting (workspace/configuration) is not read at all.
  const editor = readEditorSettings({ sigstoreTrustedRoot: '/workspace/evil_root.json' });
  assert.equal(networkSettings(editor, {}, { workspaceTrusted: true }).sigstoreTrustedRoot, undefined);
});
