import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addPinResult, describeFailure, emptyPinTotals, inBatches, summarizePins } from '../../client/src/pinSummary';

test('batches keep order and cover every file', () => {
  const files = Array.from({ length: 45 }, (_, i) => `file:///w/${i}/Dockerfile`);
  const batches = inBatches(files, 20);
  assert.deepEqual(
    batches.map((b) => b.length),
    [20, 20, 5],
  );
  assert.deepEqual(batches.flat(), files);
  assert.deepEqual(inBatches([], 20), []);
});

test('totals add up over batches', () => {
  let totals = emptyPinTotals(25);
  totals = addPinResult(totals, { files: 20, changedFiles: 3, pinned: 5, failed: [] });
  totals = addPinResult(totals, {
    files: 5,
    changedFiles: 1,
    pinned: 1,
    failed: [
      { uri: 'file:///w/compose.yaml', reference: 'acme/app:1', reason: 'the registry says the tag does not exist' },
    ],
  });
  assert.deepEqual(
    { ...totals, failed: totals.failed.length },
    { filesFound: 25, files: 25, changedFiles: 4, pinned: 6, failed: 1, cancelled: false },
  );
  assert.equal(
    summarizePins(totals),
    'Pinned 6 image references to digests in 4 files. 1 reference could not be pinned; the reasons are in the log.',
  );
});

test('summaries for nothing found, nothing to do, only failures and a cancel', () => {
  assert.equal(
    summarizePins(emptyPinTotals(0)),
    'No files that name images (Dockerfiles, compose, Kubernetes, Helm, CI, dev container or bake files) found in this workspace.',
  );
  assert.equal(
    summarizePins({ ...emptyPinTotals(2), files: 2 }),
    'Nothing to pin in 2 files: every image is already pinned to a digest.',
  );
  assert.equal(
    summarizePins({
      ...emptyPinTotals(1),
      files: 1,
      failed: [
        { uri: '', reference: '', reason: 'x' },
        { uri: '', reference: '', reason: 'y' },
      ],
    }),
    'No image reference was pinned. 2 references could not be pinned; the reasons are in the log.',
  );
  assert.equal(
    summarizePins({ ...emptyPinTotals(60), files: 20, changedFiles: 1, pinned: 1, cancelled: true }),
    'Pinned 1 image reference to its digest in 1 file. Cancelled after 20 of 60 files.',
  );
  assert.equal(
    summarizePins({ ...emptyPinTotals(3), files: 3, changedFiles: 2, pinned: 4 }),
    'Pinned 4 image references to digests in 2 files.',
  );
  assert.equal(
    summarizePins({ ...emptyPinTotals(3), files: 3, declined: true }),
    'Pinning discarded: no file was changed.',
  );
});

test('summaries go through the translate function', () => {
  const seen: string[] = [];
  summarizePins({ ...emptyPinTotals(3), files: 3, changedFiles: 2, pinned: 4 }, (message, ...args) => {
    seen.push(message);
    return `${message}|${args.join(',')}`;
  });
  assert.deepEqual(seen, ['Pinned {0} image references to digests in {1} files.']);
});

test('a failure names the file, the reference and the reason', () => {
  const relative = (uri: string) => uri.replace('file:///w/', '');
  assert.equal(
    describeFailure({ uri: 'file:///w/api/Dockerfile', reference: 'node:20', reason: 'unauthorized' }, relative),
    'api/Dockerfile: node:20: unauthorized',
  );
  assert.equal(
    describeFailure({ uri: '', reference: '', reason: 'the editor did not apply the edits' }, relative),
    'workspace: the editor did not apply the edits',
  );
});
