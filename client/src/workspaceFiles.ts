// The files of the workspace that a workspace-wide command may touch: those whose name decides
// their kind (Dockerfiles, compose, bake, dev containers, CI files, values.yaml), the YAML files
// that are a kind by content (Kubernetes manifests, values*.yaml beside a Chart.yaml), the files a
// `.gitlab-ci.yml` includes (`include: local:`), and those of the user's `imageTrust.files` globs. The server decides again for each file it is sent.
import * as vscode from 'vscode';
import { detectFileKind, gitlabLocalIncludes, type FileGlobs } from '../../protocol/documentKinds';
import { userGlobsFromSettings } from './documentFilter';
import { enabledGlobs, isExcluded } from './fileExclusion';
import { PINNABLE_FILES_GLOB } from './filePatterns';

/** Larger files are not checked by the server either (MAX_DOCUMENT_LENGTH in core/analyze.ts). */
const MAX_READ_BYTES = 1024 * 1024;

/**
 * findFiles with no exclude argument applies the user's `files.exclude` (an explicit exclude would
 * replace it); `search.exclude` and the folders the CLI skips are filtered here, per folder, since
 * each folder of a multi-root workspace has its own settings.
 */
export async function findPinnableFiles(token?: vscode.CancellationToken): Promise<vscode.Uri[]> {
  const userGlobs = userGlobsFromSettings();
  const [named, yaml, charts, ...byGlob] = await Promise.all([
    vscode.workspace.findFiles(PINNABLE_FILES_GLOB, undefined, undefined, token),
    vscode.workspace.findFiles('**/*.{yml,yaml}', undefined, undefined, token),
    vscode.workspace.findFiles('**/Chart.yaml', undefined, undefined, token),
    ...userGlobPatterns(userGlobs).map((pattern) => vscode.workspace.findFiles(pattern, undefined, undefined, token)),
  ]);
  const found = new Map<string, vscode.Uri>();
  for (const uri of [...named, ...byGlob.flat()]) if (notExcluded(uri)) found.set(uri.toString(), uri);
  const chartFolders = new Set(charts.map((uri) => vscode.Uri.joinPath(uri, '..').toString()));
  const yamlFiles = new Map(yaml.map((uri) => [uri.toString(), uri]));
  for (const ci of named.filter((uri) => /\/\.gitlab-ci\.ya?ml$/.test(uri.path))) {
    for (const local of await gitlabIncludes(ci)) {
      // `local:` paths are relative to the repository root, where .gitlab-ci.yml sits (GitLab Docs, `include:local`).
      const included = yamlFiles.get(vscode.Uri.joinPath(ci, '..', local.replace(/^\/+/, '')).toString());
      if (included && notExcluded(included)) found.set(included.toString(), included);
    }
  }
  for (const uri of yaml) {
    if (found.has(uri.toString()) || !notExcluded(uri)) continue;
    if (await isKindByContent(uri, userGlobs, chartFolders)) found.set(uri.toString(), uri);
  }
  return [...found.values()].sort((a, b) => (a.toString() < b.toString() ? -1 : 1));
}

async function gitlabIncludes(ci: vscode.Uri): Promise<string[]> {
  try {
    return gitlabLocalIncludes(new TextDecoder().decode(await vscode.workspace.fs.readFile(ci)));
  } catch {
    return [];
  }
}

function notExcluded(uri: vscode.Uri): boolean {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return false;
  const globs = [
    ...enabledGlobs(vscode.workspace.getConfiguration('files', folder.uri).get('exclude')),
    ...enabledGlobs(vscode.workspace.getConfiguration('search', folder.uri).get('exclude')),
  ];
  return !isExcluded(relativeTo(folder.uri, uri), globs);
}

/** `imageTrust.files` globs, relative to each workspace folder. */
function userGlobPatterns(userGlobs: FileGlobs[]): vscode.RelativePattern[] {
  const patterns: vscode.RelativePattern[] = [];
  for (const { base, globs } of userGlobs) {
    if (!base) continue;
    for (const list of Object.values(globs))
      for (const glob of list ?? []) patterns.push(new vscode.RelativePattern(base, glob));
  }
  return patterns;
}

/** A YAML file not named like a kind: a Kubernetes manifest, or values*.yaml beside a Chart.yaml. */
async function isKindByContent(uri: vscode.Uri, userGlobs: FileGlobs[], chartFolders: Set<string>): Promise<boolean> {
  let text: string;
  try {
    if ((await vscode.workspace.fs.stat(uri)).size > MAX_READ_BYTES) return false;
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return false;
  }
  const kind = detectFileKind(uri.fsPath, {
    userGlobs,
    readText: () => text,
    siblingExists: (name) => name === 'Chart.yaml' && chartFolders.has(vscode.Uri.joinPath(uri, '..').toString()),
  });
  return kind !== undefined && kind !== 'policy';
}

function relativeTo(folder: vscode.Uri, uri: vscode.Uri): string {
  const base = folder.path.endsWith('/') ? folder.path : `${folder.path}/`;
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path;
}
