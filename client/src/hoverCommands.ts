// The commands behind the hover's links: "Pin" and "Trust" apply the server's own code action at
// the hovered reference, so a link does exactly what the light bulb does.
import * as vscode from 'vscode';

export interface FixAt {
  uri: string;
  line: number;
  character: number;
  /** The first word of the action's title, Pin or Trust. */
  title: string;
}

export async function applyFixAt(args: FixAt | undefined, log: vscode.LogOutputChannel): Promise<boolean> {
  if (!args || typeof args.uri !== 'string') return false;
  const uri = vscode.Uri.parse(args.uri);
  const position = new vscode.Position(args.line, args.character);
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      new vscode.Range(position, position),
    )) ?? [];
  const action = actions.find((a) => a.title.startsWith(args.title) && !a.disabled && (a.edit || a.command));
  if (!action) {
    log.warn(`No "${args.title}" action at ${vscode.workspace.asRelativePath(uri)}:${args.line + 1}.`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Image Trust has no "{0}" action for this reference right now.', args.title),
    );
    return false;
  }
  if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) return false;
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  return true;
}
