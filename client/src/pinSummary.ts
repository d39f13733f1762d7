// Adds up the answers of the imageTrust/pinFiles batches and words the summary the user sees.
// Free of the vscode module so it can be tested with plain node.
import type { PinFilesResult } from '../../protocol/messages';
import { english, type Translate } from './translate';

export interface PinTotals extends PinFilesResult {
  /** Files found in the workspace, whether or not they were sent before a cancel. */
  filesFound: number;
  cancelled: boolean;
  /** The user discarded the preview: nothing was written. */
  declined?: boolean;
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

export function summarizePins(totals: PinTotals, t: Translate = english): string {
  if (totals.filesFound === 0)
    return t(
      'No files that name images (Dockerfiles, compose, Kubernetes, Helm, CI, dev container or bake files) found in this workspace.',
    );
  const parts: string[] = [];
  if (totals.declined) {
    parts.push(t('Pinning discarded: no file was changed.'));
  } else if (totals.pinned > 0) {
    parts.push(
      totals.pinned === 1 && totals.changedFiles === 1
        ? t('Pinned 1 image reference to its digest in 1 file.')
        : totals.changedFiles === 1
          ? t('Pinned {0} image references to digests in 1 file.', totals.pinned)
          : t('Pinned {0} image references to digests in {1} files.', totals.pinned, totals.changedFiles),
    );
  } else if (totals.failed.length === 0) {
    parts.push(
      totals.files === 1
        ? t('Nothing to pin in 1 file: every image is already pinned to a digest.')
        : t('Nothing to pin in {0} files: every image is already pinned to a digest.', totals.files),
    );
  } else {
    parts.push(t('No image reference was pinned.'));
  }
  if (totals.failed.length > 0) {
    parts.push(
      totals.failed.length === 1
        ? t('1 reference could not be pinned; the reasons are in the log.')
        : t('{0} references could not be pinned; the reasons are in the log.', totals.failed.length),
    );
  }
  if (totals.cancelled) parts.push(t('Cancelled after {0} of {1} files.', totals.files, totals.filesFound));
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
