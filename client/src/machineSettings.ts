// Settings that decide where requests go (mirrors, Hub URL, plain-http registries, end-of-life API). A workspace's
// .vscode/settings.json must not redirect registry traffic or credentials, so only the user's own
// value (globalValue) or the default counts, never a workspace or folder value. What counts as a
// valid value is decided in protocol/machineSettings.ts, which the server applies too.
import type * as vscode from 'vscode';
import {
  MACHINE_LIMIT_KEYS,
  MACHINE_SETTING_KEYS,
  validateMachineSettings,
  type MachineSettingsParams,
} from '../../protocol/machineSettings';

export { MACHINE_SETTING_KEYS };

type Inspectable = Pick<vscode.WorkspaceConfiguration, 'inspect'>;

function userValue(configuration: Inspectable, key: string): unknown {
  const inspected = configuration.inspect<unknown>(key);
  if ((MACHINE_LIMIT_KEYS as readonly string[]).includes(key)) return inspected?.globalValue;
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** `configuration` is `vscode.workspace.getConfiguration('imageTrust')`. */
export function readMachineSettings(configuration: Inspectable): MachineSettingsParams {
  return validateMachineSettings(
    Object.fromEntries(MACHINE_SETTING_KEYS.map((key) => [key, userValue(configuration, key)])),
  );
}

export function affectsMachineSettings(event: Pick<vscode.ConfigurationChangeEvent, 'affectsConfiguration'>): boolean {
  return MACHINE_SETTING_KEYS.some((key) => event.affectsConfiguration(`imageTrust.${key}`));
}
