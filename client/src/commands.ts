// The palette commands of the Image Trust category.
import * as vscode from 'vscode';
import { describeError, type ImageTrustClient } from './languageClient';
import { describeFailure, summarizePins, emptyPinTotals, addPinResult } from './pinSummary';
import { pinWorkspace, refusePinning } from './pinWorkspace';
import { createPolicyFile } from './policyFile';
import { applyFixAt, type FixAt } from './hoverCommands';
import { pickStatusAction, SHOW_LOG_COMMAND, STATUS_ACTIONS_COMMAND } from './trustStatus';

export function registerCommands(client: ImageTrustClient, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('imageTrust.pinWorkspace', () => pinWorkspace(client, log)),
    vscode.commands.registerCommand('imageTrust.pinFile', (uri?: vscode.Uri) => pinFile(client, log, uri)),
    vscode.commands.registerCommand('imageTrust.createPolicyFile', (uri?: vscode.Uri) => createPolicyFile(uri)),
    vscode.commands.registerCommand('imageTrust.refresh', () => refresh(client, log)),
    vscode.commands.registerCommand('imageTrust.toggleOffline', () => toggleOffline()),
    vscode.commands.registerCommand('imageTrust.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', '@ext:image-trust.image-trust'),
    ),
    vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => log.show(true)),
    vscode.commands.registerCommand(STATUS_ACTIONS_COMMAND, () => pickStatusAction()),
    vscode.commands.registerCommand('imageTrust.restartServer', () => client.restart()),
    vscode.commands.registerCommand('imageTrust.applyFix', (args?: FixAt) => applyFixAt(args, log)),
  ];
}

/** The file a command acts on: the one it was run on (explorer, editor title) or the active editor's. */
export function targetFile(uri?: vscode.Uri): vscode.Uri | undefined {
  if (uri instanceof vscode.Uri) return uri;
  return vscode.window.activeTextEditor?.document.uri;
}

/** "Pin All Images in This File": the edit lands in the editor unsaved, like a quick fix. */
async function pinFile(client: ImageTrustClient, log: vscode.LogOutputChannel, uri?: vscode.Uri): Promise<void> {
  const file = targetFile(uri);
  if (!file) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a Dockerfile or compose file to pin its images.'));
    return;
  }
  if (await refusePinning(client)) return;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Image Trust: looking up digests') },
      () => client.pinFiles([file.toString()]),
    );
    const totals = addPinResult(emptyPinTotals(1), result);
    const summary = summarizePins(totals, vscode.l10n.t);
    log.info(summary);
    for (const failure of totals.failed)
      log.warn(`Not pinned: ${describeFailure(failure, (u) => vscode.workspace.asRelativePath(vscode.Uri.parse(u)))}`);
    if (totals.failed.length) void vscode.window.showWarningMessage(summary);
    else vscode.window.setStatusBarMessage(`$(pin) ${summary}`, 5000);
  } catch (error) {
    log.error(`Pinning failed: ${describeError(error)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Image Trust could not pin: {0}', describeError(error)));
  }
}

async function toggleOffline(): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('imageTrust');
  const inspected = configuration.inspect<boolean>('offline');
  // Change the value where it is set, so a workspace value is not shadowed by a user value.
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  const next = !configuration.get<boolean>('offline');
  await configuration.update('offline', next, target);
  vscode.window.setStatusBarMessage(
    next ? vscode.l10n.t('$(cloud-offline) Image Trust: offline') : vscode.l10n.t('$(cloud) Image Trust: online'),
    4000,
  );
}

async function refresh(client: ImageTrustClient, log: vscode.LogOutputChannel): Promise<void> {
  if (!client.isRunning()) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('The image-trust language server is not running. Run "Image Trust: Restart Server" and try again.'),
    );
    return;
  }
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Image Trust: refreshing registry data') },
      () => client.refresh(),
    );
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Image Trust: registry data refreshed'), 4000);
  } catch (error) {
    log.error(`Refresh failed: ${describeError(error)}`);
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Image Trust could not refresh registry data: {0}', describeError(error)),
    );
  }
}
