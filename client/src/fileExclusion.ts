// Which found files a workspace-wide command leaves alone: the user's `files.exclude` and
// `search.exclude` (as VS Code's own search does) plus the folders the CLI never walks. Free of the
// vscode module so it can be tested with plain node.
import { minimatch } from 'minimatch';

/**
 * The glob keys of an exclude setting whose value is `true`. A `{ "when": ... }` value excludes a file
 * only next to a sibling (e.g. `*.js` beside `*.ts`); no Dockerfile or compose file has such a
 * sibling, so those keys are left out rather than guessed.
 */
export function enabledGlobs(setting: unknown): string[] {
  if (!setting || typeof setting !== 'object') return [];
  return Object.entries(setting as Record<string, unknown>)
    .filter(([, value]) => value === true)
    .map(([glob]) => glob);
}

/** The folders `image-trust lint` and `pin` skip when they search a folder (server/src/workspace/files.ts). */
export const CLI_SKIPPED_FOLDERS = ['.git', 'node_modules', '.hg', '.svn'];

/**
 * True when `relativePath` (forward slashes, relative to its workspace folder) or one of the folders
 * above it matches one of `globs`: an excluded folder excludes everything in it, as in VS Code.
 */
export function isExcluded(relativePath: string, globs: readonly string[]): boolean {
  const parts = relativePath.split('/').filter(Boolean);
  if (parts.slice(0, -1).some((part) => CLI_SKIPPED_FOLDERS.includes(part))) return true;
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  return globs.some((glob) => {
    // VS Code's globs are relative to the folder; a leading "./" or "/" means the same.
    const pattern = glob.replace(/^\.?\//, '');
    return prefixes.some((prefix) => minimatch(prefix, pattern, { dot: true, nocase: false }));
  });
}
