// "Update to…" (the hover's Update link and the palette command): asks the server for the newer
// tags of the reference under the cursor and writes the one the user picks (tag, and digest when
// the reference is pinned) as an ordinary, undoable edit.
import * as vscode from 'vscode';
import type { ImagePlace, UpdateOptionsResult } from '../../protocol/messages';
import { placeKey } from './imageInventory';
import { describeError, type ImageTrustClient } from './languageClient';
import { updateRows } from './updateItems';

export interface UpdateAt {
  uri: string;
  line: number;
  character: number;
}

export async function updateReference(
  client: ImageTrustClient,
  log: vscode.LogOutputChannel,
  at?: UpdateAt,
): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  const uri = at ? vscode.Uri.parse(at.uri) : editor?.document.uri;
  const position = at ? new vscode.Position(at.line, at.character) : editor?.selection.active;
  if (!uri || !position) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Put the cursor on an image reference to update it.'));
    return false;
  }
  let result: UpdateOptionsResult | null;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Image Trust: looking up newer tags') },
      () => client.updateOptions({ textDocument: { uri: uri.toString() }, position }),
    );
  } catch (error) {
    log.error(`Update options failed: ${describeError(error)}`);
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Image Trust could not list newer tags: {0}', describeError(error)),
    );
    return false;
  }
  if (!result) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There is no image reference at the cursor.'));
    return false;
  }
  if (!result.candidates.length) {
    void vscode.window.showInformationMessage(
      result.note ?? vscode.l10n.t('No newer tag of {0} is known.', result.reference),
    );
    return false;
  }
  type Item = vscode.QuickPickItem & { edit?: { range: vscode.Range; newText: string } };
  const items: Item[] = updateRows(result, vscode.l10n.t).map((row) =>
    row.kind === 'separator'
      ? { label: row.label, kind: vscode.QuickPickItemKind.Separator }
      : {
          label: row.label,
          description: row.description,
          detail: row.detail,
          edit: row.candidate?.edit
            ? {
                range: new vscode.Range(
                  row.candidate.edit.range.start.line,
                  row.candidate.edit.range.start.character,
                  row.candidate.edit.range.end.line,
                  row.candidate.edit.range.end.character,
                ),
                newText: row.candidate.edit.newText,
              }
            : undefined,
        },
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Update {0} to…', result.reference),
    placeHolder: result.note,
    matchOnDescription: true,
  });
  if (!picked) return false;
  if (!picked.edit) {
    void vscode.window.showWarningMessage(picked.detail ?? vscode.l10n.t('This tag cannot be written here.'));
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, picked.edit.range, picked.edit.newText);
  return vscode.workspace.applyEdit(edit);
}

/** The server's "update all to the newest patch" source action for a file, if it has one. */
async function patchUpdateOf(uri: vscode.Uri): Promise<vscode.CodeAction | undefined> {
  const document = await vscode.workspace.openTextDocument(uri);
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      whole,
      UPDATE_PATCHES_KIND.value,
    )) ?? [];
  return actions.find((a) => a.kind && UPDATE_PATCHES_KIND.contains(a.kind) && a.edit);
}

/** "Update All Images in This File to the Newest Patch": the server's source action, applied. */
export async function updateFileToPatches(log: vscode.LogOutputChannel, file?: vscode.Uri): Promise<boolean> {
  const uri = file ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a file with image references to update them.'));
    return false;
  }
  const action = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Image Trust: looking up newer tags') },
    () => patchUpdateOf(uri),
  );
  if (!action?.edit) {
    log.info(`No newer patch release for the images of ${vscode.workspace.asRelativePath(uri)}.`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Every image in this file is on the newest patch release known (or offline).'),
    );
    return false;
  }
  const applied = await vscode.workspace.applyEdit(action.edit);
  if (applied) vscode.window.setStatusBarMessage(`$(arrow-up) ${action.title}`, 5000);
  return applied;
}

/**
 * The images view's "Update Everywhere to the Newest Patch": the patch updates of the server's
 * source action at exactly these places (the files' other images stay), after a confirmation.
 */
export async function updateEverywhere(log: vscode.LogOutputChannel, places: readonly ImagePlace[]): Promise<boolean> {
  const starts = new Set(places.map((p) => placeKey(p.uri, p.range.start)));
  const uris = [...new Set(places.map((p) => p.uri))].map((u) => vscode.Uri.parse(u));
  log.info(`Update Everywhere to the newest patch: ${places.length} place(s) in ${uris.length} file(s).`);
  const edit = new vscode.WorkspaceEdit();
  let count = 0;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Image Trust: looking up newer tags') },
    async () => {
      for (const uri of uris) {
        const action = await patchUpdateOf(uri);
        let here = 0;
        for (const [target, edits] of action?.edit?.entries() ?? [])
          for (const e of edits)
            if (starts.has(placeKey(target.toString(), e.range.start))) {
              edit.replace(target, e.range, e.newText);
              here++;
            }
        log.info(
          `${vscode.workspace.asRelativePath(uri)}: ${action ? `${here} of the file's patch updates are at these places` : 'no newer patch release'}.`,
        );
        count += here;
      }
    },
  );
  if (count === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No newer patch release is known for these places.'));
    return false;
  }
  const yes = vscode.l10n.t('Update');
  const answer = await vscode.window.showWarningMessage(
    count === 1
      ? vscode.l10n.t('Update 1 place to the newest patch release?')
      : vscode.l10n.t('Update {0} places to the newest patch release?', count),
    { modal: true },
    yes,
  );
  if (answer !== yes) return false;
  const applied = await vscode.workspace.applyEdit(edit);
  log.info(`Updated ${count} place(s) to the newest patch release${applied ? '' : ' (refused by the editor)'}.`);
  return applied;
}

const UPDATE_PATCHES_KIND = vscode.CodeActionKind.Source.append('updatePatches').append('imageTrust');
