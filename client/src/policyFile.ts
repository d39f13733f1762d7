// "Create Policy File": a `.image-trust.yaml` at the root of the workspace folder, with a header
// that says what it is and the `$schema` comment, opened for editing. An existing file is opened.
import * as vscode from 'vscode';
import { POLICY_FILE_NAME, policyFileHeader } from '../../protocol/policyFile';

/** The starting content: the header and the keys people set first, commented out. */
export function newPolicyFileText(): string {
  return `${policyFileHeader()}
# trustedRegistries: [docker.io, ghcr.io/my-org]
# trustedNamespaces: [bitnami]
rules:
  unpinned-digest: info
`;
}

export async function createPolicyFile(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder =
    (uri && vscode.workspace.getWorkspaceFolder(uri)) ??
    (vscode.window.activeTextEditor &&
      vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri)) ??
    (vscode.workspace.workspaceFolders?.length === 1
      ? vscode.workspace.workspaceFolders[0]
      : await vscode.window.showWorkspaceFolderPick({
          placeHolder: vscode.l10n.t('Where should the policy file go?'),
        }));
  if (!folder) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder to create a policy file in it.'));
    return undefined;
  }
  const target = vscode.Uri.joinPath(folder.uri, POLICY_FILE_NAME);
  let exists = true;
  try {
    await vscode.workspace.fs.stat(target);
  } catch {
    exists = false;
  }
  if (!exists) {
    // A workspace edit, so it can be undone and shows as a new file like any other edit.
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(target, { ignoreIfExists: true, contents: new TextEncoder().encode(newPolicyFileText()) });
    if (!(await vscode.workspace.applyEdit(edit))) return undefined;
  }
  const document = await vscode.workspace.openTextDocument(target);
  if (!exists) await document.save();
  await vscode.window.showTextDocument(document);
  return target;
}
