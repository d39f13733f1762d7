// "Pin All Images in the Workspace": finds the files (respecting files.exclude and search.exclude),
// asks the server to plan the pins in batches, shows every edit in one refactor preview, and
// writes only what the user applies there.
import * as vscode from 'vscode';
import { describeError, type ImageTrustClient } from './languageClient';
import { addPinResult, describeFailure, emptyPinTotals, inBatches, summarizePins, type PinTotals } from './pinSummary';
import { findPinnableFiles } from './workspaceFiles';

// Small enough that cancelling stops soon, large enough that the registry lookups of a batch run
// concurrently in the server.
const PIN_BATCH_SIZE = 20;

/** Why pinning cannot run now, said to the user; undefined when it can. */
export async function refusePinning(client: ImageTrustClient): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Pinning looks up digests in registries, which Image Trust does not do in Restricted Mode. Trust this folder to pin its images.',
      ),
      manage,
    );
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return true;
  }
  if (vscode.workspace.getConfiguration('imageTrust').get<boolean>('offline')) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Pinning looks up digests in registries; turn off imageTrust.offline to pin images.'),
    );
    return true;
  }
  if (!client.isRunning()) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('The image-trust language server is not running. Run "Image Trust: Restart Server" and try again.'),
    );
    return true;
  }
  return false;
}

/**
 * Pins the images of `uris` (all pinnable workspace files when absent) after a preview. `only`
 * limits pinning to references of these images (familiar names), as the images view asks.
 */
export async function pinWorkspace(
  client: ImageTrustClient,
  log: vscode.LogOutputChannel,
  uris?: vscode.Uri[],
  keep?: (uri: vscode.Uri, edit: vscode.TextEdit) => boolean,
): Promise<PinTotals | undefined> {
  if (await refusePinning(client)) return undefined;
  const files = (uris ?? (await findPinnableFiles())).map((uri) => uri.toString());
  let totals = emptyPinTotals(files.length);
  try {
    const { result, collected } = await client.collectPinEdits(async () =>
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Image Trust: looking up digests'),
          cancellable: true,
        },
        async (progress, token) => {
          let running = totals;
          for (const batch of inBatches(files, PIN_BATCH_SIZE)) {
            if (token.isCancellationRequested) return { ...running, cancelled: true };
            progress.report({ message: vscode.l10n.t('{0} of {1} files', running.files, files.length) });
            running = addPinResult(running, await client.pinFiles(batch));
            progress.report({ increment: (batch.length / files.length) * 100 });
          }
          return running;
        },
      ),
    );
    totals = result;
    totals = await applyAfterPreview(client, collected, totals, log, keep);
  } catch (error) {
    log.error(`Pinning stopped: ${describeError(error)}`);
    totals = { ...totals, failed: [...totals.failed, { uri: '', reference: '', reason: describeError(error) }] };
  }
  reportPins(totals, log);
  return totals;
}

async function applyAfterPreview(
  client: ImageTrustClient,
  collected: Parameters<ImageTrustClient['previewEdit']>[0],
  totals: PinTotals,
  log: vscode.LogOutputChannel,
  keep: (uri: vscode.Uri, edit: vscode.TextEdit) => boolean = () => true,
): Promise<PinTotals> {
  const preview = await client.previewEdit(collected, vscode.l10n.t('Pin to digest'));
  const { stale } = preview;
  const planned = preview.planned.filter((p) => keep(p.uri, p.edit));
  const edit = new vscode.WorkspaceEdit();
  for (const p of planned)
    edit.replace(p.uri, p.edit.range, p.edit.newText, {
      needsConfirmation: true,
      label: vscode.l10n.t('Pin to digest'),
    });
  const failed = [
    ...totals.failed,
    ...stale.map((uri) => ({
      uri,
      reference: '',
      reason: 'the file changed while its digests were looked up; run Pin again',
    })),
  ];
  if (planned.length === 0) return { ...totals, failed, pinned: 0, changedFiles: 0 };
  const unsavedBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  const choice = await confirmPins(planned);
  if (!choice) return { ...totals, failed, pinned: 0, changedFiles: 0, declined: true };
  // Review: every entry needs confirmation, so VS Code opens the refactor preview and applies only
  // what the user checks there; Discard applies nothing. Pin: the list in the dialog was the preview.
  const applied =
    choice === 'review'
      ? await vscode.workspace.applyEdit(edit, { isRefactoring: true })
      : await vscode.workspace.applyEdit(withoutConfirmation(planned), { isRefactoring: true });
  if (!applied) return { ...totals, failed, pinned: 0, changedFiles: 0, declined: true };
  const changed = new Set<string>();
  let pinned = 0;
  for (const { uri, edit: textEdit } of planned) {
    const document = await vscode.workspace.openTextDocument(uri);
    const end = document.positionAt(document.offsetAt(textEdit.range.start) + textEdit.newText.length);
    if (document.getText(new vscode.Range(textEdit.range.start, end)) !== textEdit.newText) continue;
    pinned++;
    changed.add(uri.toString());
  }
  // Pinning writes files like `image-trust pin` does, so the files it changed are saved, except
  // those that already had unsaved changes of the user: those stay open for review.
  for (const document of vscode.workspace.textDocuments) {
    const key = document.uri.toString();
    if (!changed.has(key) || !document.isDirty || unsavedBefore.has(key)) continue;
    if (!(await document.save()))
      log.warn(`Could not save ${vscode.workspace.asRelativePath(document.uri)} after pinning.`);
  }
  return { ...totals, failed, pinned, changedFiles: changed.size };
}

/** The planned changes, one line each, in a modal the user answers: Pin, Review Changes… or Cancel. */
async function confirmPins(
  planned: Array<{ uri: vscode.Uri; edit: vscode.TextEdit }>,
): Promise<'pin' | 'review' | undefined> {
  const files = new Set(planned.map((p) => p.uri.toString())).size;
  const shown = planned
    .slice(0, MAX_LISTED_CHANGES)
    .map(({ uri, edit }) =>
      vscode.l10n.t('{0}:{1}  →  {2}', vscode.workspace.asRelativePath(uri), edit.range.start.line + 1, edit.newText),
    );
  if (planned.length > MAX_LISTED_CHANGES)
    shown.push(vscode.l10n.t('… and {0} more', planned.length - MAX_LISTED_CHANGES));
  const pin = vscode.l10n.t('Pin');
  const review = vscode.l10n.t('Review Changes…');
  const answer = await vscode.window.showInformationMessage(
    planned.length === 1
      ? vscode.l10n.t('Pin 1 image reference in 1 file to its digest?')
      : files === 1
        ? vscode.l10n.t('Pin {0} image references in 1 file to digests?', planned.length)
        : vscode.l10n.t('Pin {0} image references in {1} files to digests?', planned.length, files),
    { modal: true, detail: shown.join('\n') },
    pin,
    review,
  );
  return answer === pin ? 'pin' : answer === review ? 'review' : undefined;
}

/** Enough lines to see what changes without the dialog outgrowing the window. */
const MAX_LISTED_CHANGES = 15;

function withoutConfirmation(planned: Array<{ uri: vscode.Uri; edit: vscode.TextEdit }>): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const { uri, edit: textEdit } of planned) edit.replace(uri, textEdit.range, textEdit.newText);
  return edit;
}

function reportPins(totals: PinTotals, log: vscode.LogOutputChannel): void {
  const summary = summarizePins(totals, vscode.l10n.t);
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
  const show = vscode.l10n.t('Show Log');
  void vscode.window.showWarningMessage(summary, show).then((choice) => {
    if (choice) log.show(true);
  });
}
