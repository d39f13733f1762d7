// Decides which kind a document open in an editor is: by path, by content for Kubernetes
// manifests, by the user's globs, and by the language id the editor gives when nothing else
// decides. Documents that match no kind get nothing, whatever their language (a site config's
// `image: logo.png` is not an image reference).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { detectDocumentKind } from '../core/analyze';
import type { FileGlobs } from '../core/kinds/fileKinds';
import type { DocumentKind } from '../core/types';
import { includedByGitlabCi } from './documentContext';

export interface OpenDocument {
  /** A file path, or the URI when the document has no path (untitled). */
  path: string;
  hasPath: boolean;
  languageId: string;
  text: () => string;
}

export function documentKind(
  document: OpenDocument,
  userGlobs: FileGlobs[],
  workspaceRoots: string[],
): DocumentKind | undefined {
  const { path, hasPath } = document;
  const kind = detectDocumentKind(path, {
    userGlobs,
    readText: document.text,
    siblingExists: hasPath ? (name) => existsSync(join(dirname(path), name)) : undefined,
    includedByGitlabCi: hasPath
      ? () =>
          includedByGitlabCi(
            path,
            workspaceRoots.find((r) => path.startsWith(`${r}/`)),
          )
      : undefined,
  });
  if (kind) return kind;
  // Language ids that say what the file is even when its name does not.
  switch (document.languageId) {
    case 'dockerfile':
      return 'dockerfile';
    case 'dockercompose':
      return 'compose';
    case 'github-actions-workflow':
      return 'github-actions';
    default:
      return undefined;
  }
}
