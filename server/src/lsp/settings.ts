// Turns what the editor sends into the server's settings. Settings that decide where requests go
// (mirrors, Hub URL, insecure registries, token realms, connection limits) are taken only from the machine: initializationOptions
// and the client's imageTrust/machineSettings notification, never from workspace/configuration,
// which a workspace's .vscode/settings.json can fill.
import type { EditorPolicySettings } from '../core/policy';
import { defaultNetworkSettings, eolApiUrlFor, type NetworkSettings } from '../core/settings';
import type { MachineSettingsParams } from '../../../protocol/machineSettings';

export interface EditorSettings extends EditorPolicySettings {
  offline?: boolean;
}

export function readEditorSettings(value: unknown): EditorSettings {
  if (!value || typeof value !== 'object') return {};
  const v = value as Record<string, unknown>;
  return {
    offline: typeof v.offline === 'boolean' ? v.offline : undefined,
    rules: v.rules && typeof v.rules === 'object' ? (v.rules as Record<string, unknown>) : undefined,
    trustedNamespaces: v.trustedNamespaces,
    trustedRegistries: v.trustedRegistries,
    maxImageAgeDays: v.maxImageAgeDays,
    files: v.files,
  };
}

export function networkSettings(
  editor: EditorSettings,
  machine: MachineSettingsParams,
  options: { workspaceTrusted: boolean; cacheDir?: string; dockerConfigDir?: string },
): NetworkSettings {
  const defaults = defaultNetworkSettings();
  return {
    ...defaults,
    // An untrusted workspace gets no registry lookups at all: its files could name any host.
    offline: !options.workspaceTrusted || editor.offline === true,
    registryMirrors: machine.registryMirrors ?? defaults.registryMirrors,
    hubUrl: machine.hubUrl ?? defaults.hubUrl,
    insecureRegistries: machine.insecureRegistries ?? defaults.insecureRegistries,
    eolApiUrl: eolApiUrlFor(machine.eolUrl, machine.eolRefresh, process.env),
    connectionsPerRegistry: machine.connectionsPerRegistry,
    requestDeadlineMs: machine.requestTimeoutSeconds !== undefined ? machine.requestTimeoutSeconds * 1000 : undefined,
    runBudgetMs: machine.networkBudgetSeconds !== undefined ? machine.networkBudgetSeconds * 1000 : undefined,
    trustedTokenRealms: machine.trustedTokenRealms,
    osvUrl: machine.osvUrl,
    vulnDbDir: machine.vulnDb,
    sigstoreTrustedRoot: machine.sigstoreTrustedRoot,
    cacheDir: options.cacheDir,
    dockerConfigDir: options.dockerConfigDir,
  };
}
