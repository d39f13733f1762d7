// Adds up the answers of the imageTrust/pinFiles batches and words the summary the user sees.
// Free of the vscode module so it can be tested with plain node.
import type { PinFilesResult } from '../../protocol/messages';

export interface PinTotals extends PinFilesResult {
  /** Files found in the workspace, whether or not they were sent before a cancel. */
  filesFound: number;
  cancelled: boolean;
}

export function emptyPinTotals(filesFound: number): PinTotals {
  return { filesFound, files: 0, changedFiles: 0, pinned: 0, failed: [], cancelled: false };
}

export function addPinResult(totals: PinTotals, batch: PinFilesResult): PinTotals {
  return {
    ...totals,
    files: totals.files + batch.files,
    changedFiles: totals.changedFiles + batch.changedFiles,
    pinned: totals.pinned + batch.pinned,
    failed: [...totals.failed, ...batch.failed],
  };
}

export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summarizePins(totals: PinTotals): string {
  if (totals.filesFound === 0) return 'No Dockerfiles or compose files found in this workspace.';
  const parts: string[] = [];
  if (totals.pinned > 0) {
    parts.push(
      `Pinned ${count(totals.pinned, 'image reference', 'image references')} to digests in ${count(totals.changedFiles, 'file', 'files')}.`,
    );
  } else if (totals.failed.length === 0) {
    parts.push(`Nothing to pin in ${count(totals.files, 'file', 'files')}: every image is already pinned to a digest.`);
  } else {
    parts.push('No image reference was pinned.');
  }
  if (totals.failed.length > 0) {
    parts.push(
      `${count(totals.failed.length, 'reference', 'references')} could not be pinned; the reasons are in the log.`,
    );
  }
  if (totals.cancelled) parts.push(`Cancelled after ${totals.files} of ${count(totals.filesFound, 'file', 'files')}.`);
  return parts.join(' ');
}

/** One log line per failure; `describeUri` turns a file URI into a path the user recognizes. */
export function describeFailure(
  failure: PinFilesResult['failed'][number],
  describeUri: (uri: string) => string,
): string {
  const where = failure.uri ? describeUri(failure.uri) : 'workspace';
  return `${where}: ${failure.reference ? `${failure.reference}: ` : ''}${failure.reason}`;
}
