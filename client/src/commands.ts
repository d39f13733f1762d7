// The palette commands of the Image Trust category.
import * as vscode from 'vscode';
import { PINNABLE_FILES_GLOB, SKIPPED_FOLDERS_GLOB } from './filePatterns';
import { describeError, type ImageTrustClient } from './languageClient';
import { addPinResult, describeFailure, emptyPinTotals, inBatches, summarizePins, type PinTotals } from './pinSummary';
import { SHOW_LOG_COMMAND } from './statusBar';

// Small enough that cancelling stops soon, large enough that the registry lookups of a batch run
// concurrently in the server.
const PIN_BATCH_SIZE = 20;

export function registerCommands(client: ImageTrustClient, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('imageTrust.pinWorkspace', () => pinWorkspace(client, log)),
    vscode.commands.registerCommand('imageTrust.refresh', () => refresh(client, log)),
    vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => log.show(true)),
    vscode.commands.registerCommand('imageTrust.restartServer', () => client.restart()),
  ];
}

async function pinWorkspace(client: ImageTrustClient, log: vscode.LogOutputChannel): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const manage = 'Manage Workspace Trust';
    const choice = await vscode.window.showWarningMessage(
      'Pinning looks up digests in registries, which Image Trust does not do in Restricted Mode. Trust this folder to pin its images.',
      manage,
    );
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  if (vscode.workspace.getConfiguration('imageTrust').get<boolean>('offline')) {
    void vscode.window.showWarningMessage(
      'Pinning looks up digests in registries; turn off imageTrust.offline to pin images.',
    );
    return;
  }
  if (!client.isRunning()) {
    void vscode.window.showErrorMessage(
      'The image-trust language server is not running. Run "Image Trust: Restart server" and try again.',
    );
    return;
  }

  const files = await vscode.workspace.findFiles(PINNABLE_FILES_GLOB, SKIPPED_FOLDERS_GLOB);
  const uris = files.map((uri) => uri.toString()).sort();
  let totals = emptyPinTotals(uris.length);
  try {
    totals = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Image Trust: pinning images to digests',
        cancellable: true,
      },
      async (progress, token) => {
        let running = totals;
        for (const batch of inBatches(uris, PIN_BATCH_SIZE)) {
          // Stop between batches only: a batch the server has started is applied whole, so the
          // summary counts what really changed.
          if (token.isCancellationRequested) return { ...running, cancelled: true };
          progress.report({ message: `${running.files} of ${uris.length} files` });
          const unsavedBefore = new Set(
            vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()),
          );
          running = addPinResult(running, await client.pinFiles(batch));
          await saveEditedFiles(batch, unsavedBefore, log);
          progress.report({ increment: (batch.length / uris.length) * 100 });
        }
        return running;
      },
    );
  } catch (error) {
    log.error(`Pinning stopped: ${describeError(error)}`);
    totals = { ...totals, failed: [...totals.failed, { uri: '', reference: '', reason: describeError(error) }] };
  }
  reportPins(totals, log);
}

/**
 * Pinning writes files like `image-trust pin` does, so the files it changed are saved, except
 * those that already had unsaved changes of the user: those stay open for review.
 */
async function saveEditedFiles(
  batch: string[],
  unsavedBefore: Set<string>,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const inBatch = new Set(batch);
  const edited = vscode.workspace.textDocuments.filter(
    (d) => d.isDirty && inBatch.has(d.uri.toString()) && !unsavedBefore.has(d.uri.toString()),
  );
  for (const document of edited) {
    if (!(await document.save()))
      log.warn(`Could not save ${vscode.workspace.asRelativePath(document.uri)} after pinning.`);
  }
}

function reportPins(totals: PinTotals, log: vscode.LogOutputChannel): void {
  const summary = summarizePins(totals);
  log.info(summary);
  for (const failure of totals.failed) {
    log.warn(
      `Not pinned: ${describeFailure(failure, (uri) => vscode.workspace.asRelativePath(vscode.Uri.parse(uri)))}`,
    );
  }
  if (totals.failed.length === 0) {
    void vscode.window.showInformationMessage(summary);
    return;
  }
  void vscode.window.showWarningMessage(summary, 'Show Log').then((choice) => {
    if (choice) log.show(true);
  });
}

async function refresh(client: ImageTrustClient, log: vscode.LogOutputChannel): Promise<void> {
  if (!client.isRunning()) {
    void vscode.window.showErrorMessage(
      'The image-trust language server is not running. Run "Image Trust: Restart server" and try again.',
    );
    return;
  }
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Image Trust: refreshing registry data' },
      () => client.refresh(),
    );
    vscode.window.setStatusBarMessage('$(check) Image Trust: registry data refreshed', 4000);
  } catch (error) {
    log.error(`Refresh failed: ${describeError(error)}`);
    void vscode.window.showErrorMessage(`Image Trust could not refresh registry data: ${describeError(error)}`);
  }
}
