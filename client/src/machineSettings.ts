// Settings that decide where requests go (mirrors, Hub URL, plain-http registries, end-of-life API). A workspace's
// .vscode/settings.json must not redirect registry traffic or credentials, so only the user's own
// value (globalValue) or the default counts, never a workspace or folder value.
import type * as vscode from 'vscode';
import type { MachineSettingsParams } from '../../server/src/lsp/protocol';

export const MACHINE_SETTING_KEYS = [
  'registryMirrors',
  'hubUrl',
  'insecureRegistries',
  'eolUrl',
  'connectionsPerRegistry',
  'requestTimeoutSeconds',
  'networkBudgetSeconds',
  'trustedTokenRealms',
  'osvUrl',
  'vulnDb',
  'sigstoreTrustedRoot',
] as const;

type Inspectable = Pick<vscode.WorkspaceConfiguration, 'inspect'>;

function userValue<T>(configuration: Inspectable, key: string): T | undefined {
  const inspected = configuration.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** `configuration` is `vscode.workspace.getConfiguration('imageTrust')`. */
export function readMachineSettings(configuration: Inspectable): MachineSettingsParams {
  const settings: MachineSettingsParams = {};
  const mirrors = userValue<unknown>(configuration, 'registryMirrors');
  if (mirrors && typeof mirrors === 'object' && !Array.isArray(mirrors)) {
    settings.registryMirrors = Object.fromEntries(
      Object.entries(mirrors as Record<string, unknown>).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  }
  const hubUrl = userValue<unknown>(configuration, 'hubUrl');
  if (typeof hubUrl === 'string' && hubUrl.trim()) settings.hubUrl = hubUrl.trim();
  const eolUrl = userValue<unknown>(configuration, 'eolUrl');
  if (typeof eolUrl === 'string' && eolUrl.trim()) settings.eolUrl = eolUrl.trim();
  const osvUrl = userValue<unknown>(configuration, 'osvUrl');
  if (typeof osvUrl === 'string' && osvUrl.trim()) settings.osvUrl = osvUrl.trim();
  const vulnDb = userValue<unknown>(configuration, 'vulnDb');
  if (typeof vulnDb === 'string' && vulnDb.trim()) settings.vulnDb = vulnDb.trim();
  const trustedRoot = userValue<unknown>(configuration, 'sigstoreTrustedRoot');
  if (typeof trustedRoot === 'string' && trustedRoot.trim()) settings.sigstoreTrustedRoot = trustedRoot.trim();
  const insecure = userValue<unknown>(configuration, 'insecureRegistries');
  if (Array.isArray(insecure))
    settings.insecureRegistries = insecure.filter((host): host is string => typeof host === 'string');
  // Only values the user set (not the defaults): the server has the same defaults.
  for (const key of ['connectionsPerRegistry', 'requestTimeoutSeconds', 'networkBudgetSeconds'] as const) {
    const value = configuration.inspect<unknown>(key)?.globalValue;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) settings[key] = value;
  }
  const realms = userValue<unknown>(configuration, 'trustedTokenRealms');
  if (Array.isArray(realms) && realms.length)
    settings.trustedTokenRealms = realms.filter((realm): realm is string => typeof realm === 'string');
  return settings;
}

export function affectsMachineSettings(event: Pick<vscode.ConfigurationChangeEvent, 'affectsConfiguration'>): boolean {
  return MACHINE_SETTING_KEYS.some((key) => event.affectsConfiguration(`imageTrust.${key}`));
}
