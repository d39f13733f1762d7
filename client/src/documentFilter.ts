// Which open documents of the shared language ids (yaml, jsonc, json, hcl, github-actions-workflow)
// the client sends to the server: only those that are one of the file kinds, decided by the same
// pure detection the server and CLI use. Others (a site's _config.yml) are never sent. A document
// that becomes a kind while it is edited (the user types `apiVersion:` and `kind:`) is sent then.
import * as vscode from 'vscode';
import { DidOpenTextDocumentNotification, type LanguageClient, type Middleware } from 'vscode-languageclient/node';
import { detectFileKind, type FileGlobs, type ImageFileKind } from '../../protocol/documentKinds';
import { SHARED_LANGUAGE_IDS } from './filePatterns';

export interface FilterOptions {
  /** `imageTrust.files` and whether some policy file has `files:`: then the server decides. */
  userGlobs: () => FileGlobs[];
  policyHasFiles: () => boolean;
}

/** Whether the server should see this document. */
export function isCandidate(document: vscode.TextDocument, options: FilterOptions): boolean {
  if (!(SHARED_LANGUAGE_IDS as readonly string[]).includes(document.languageId)) return true;
  if (document.uri.scheme !== 'file') return false;
  if (options.policyHasFiles()) return true;
  const kind = detectFileKind(document.uri.fsPath, {
    userGlobs: options.userGlobs(),
    readText: () => document.getText(),
    siblingExists: (name) => sibling(document.uri, name),
    // Files a .gitlab-ci.yml includes are found by the server; the client sends YAML files it
    // cannot place when a .gitlab-ci.yml is in the workspace.
    includedByGitlabCi: () => gitlabCiInWorkspace,
  });
  return kind !== undefined;
}

let gitlabCiInWorkspace = false;
const siblings = new Map<string, boolean>();
function sibling(uri: vscode.Uri, name: string): boolean {
  const key = vscode.Uri.joinPath(uri, '..', name).fsPath;
  return siblings.get(key) ?? false;
}

/** Looks up, once, what the filter needs from the workspace (Chart.yaml files, .gitlab-ci.yml, policy `files:`). */
export async function scanWorkspace(): Promise<{ policyHasFiles: boolean }> {
  const skip = '**/{node_modules,.git}/**';
  const [charts, gitlab, policies] = await Promise.all([
    vscode.workspace.findFiles('**/Chart.yaml', skip, 5000),
    vscode.workspace.findFiles('**/.gitlab-ci.{yml,yaml}', skip, 10),
    vscode.workspace.findFiles('**/.image-trust.yaml', skip, 50),
  ]);
  for (const chart of charts) siblings.set(chart.fsPath, true);
  gitlabCiInWorkspace = gitlab.length > 0;
  let policyHasFiles = false;
  for (const policy of policies) {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(policy));
      if (/^files\s*:/m.test(text)) policyHasFiles = true;
    } catch {
      // Unreadable: the server reports it.
    }
  }
  return { policyHasFiles };
}

export function userGlobsFromSettings(): FileGlobs[] {
  const files = vscode.workspace.getConfiguration('imageTrust').get<Partial<Record<ImageFileKind, string[]>>>('files');
  if (!files || typeof files !== 'object') return [];
  const roots = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [''];
  return roots.map((base) => ({ base, globs: files }));
}

/** didOpen/didChange/didClose middleware that withholds documents that are not a kind. */
export function documentFilterMiddleware(getClient: () => LanguageClient, options: FilterOptions): Middleware {
  const withheld = new Set<string>();
  return {
    didOpen: (document, next) => {
      if (isCandidate(document, options)) return next(document);
      withheld.add(document.uri.toString());
      return Promise.resolve();
    },
    didChange: (event, next) => {
      const uri = event.document.uri.toString();
      if (!withheld.has(uri)) return next(event);
      if (!isCandidate(event.document, options)) return Promise.resolve();
      withheld.delete(uri);
      const d = event.document;
      return getClient().sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: d.languageId, version: d.version, text: d.getText() },
      });
    },
    didClose: (document, next) => {
      if (withheld.delete(document.uri.toString())) return Promise.resolve();
      return next(document);
    },
  };
}
