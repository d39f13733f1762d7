// The Dockerfiles and compose files of the workspace that a workspace-wide command may touch.
import * as vscode from 'vscode';
import { enabledGlobs, isExcluded } from './fileExclusion';
import { PINNABLE_FILES_GLOB } from './filePatterns';

/**
 * findFiles with no exclude argument applies the user's `files.exclude` (an explicit exclude would
 * replace it); `search.exclude` and the folders the CLI skips are filtered here, per folder, since
 * each folder of a multi-root workspace has its own settings.
 */
export async function findPinnableFiles(token?: vscode.CancellationToken): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(PINNABLE_FILES_GLOB, undefined, undefined, token);
  return found
    .filter((uri) => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder) return false;
      const globs = [
        ...enabledGlobs(vscode.workspace.getConfiguration('files', folder.uri).get('exclude')),
        ...enabledGlobs(vscode.workspace.getConfiguration('search', folder.uri).get('exclude')),
      ];
      return !isExcluded(relativeTo(folder.uri, uri), globs);
    })
    .sort((a, b) => (a.toString() < b.toString() ? -1 : 1));
}

function relativeTo(folder: vscode.Uri, uri: vscode.Uri): string {
  const base = folder.path.endsWith('/') ? folder.path : `${folder.path}/`;
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path;
}
