// Document URIs the server works with: `file:` URIs map to paths; anything else (untitled:, a git
// view) has no place on disk, so no policy file or .env is looked up for it.
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { TextDocument } from 'vscode-languageserver-textdocument';

export function fileUriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** A file that is not open in the editor, read from disk (BOM dropped, as editors show it). */
export async function readDocumentFromDisk(uri: string): Promise<TextDocument | undefined> {
  const path = fileUriToPath(uri);
  if (!path) return undefined;
  try {
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    return TextDocument.create(uri, '', 0, text);
  } catch {
    return undefined;
  }
}
