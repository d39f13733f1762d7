// Shared by the extractor tests: the real files of test/fixtures/kinds, and a check that every
// occurrence's range holds exactly the text it claims (what a fix rewrites).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineIndex } from '../../../server/src/core/lineIndex';
import type { ExtractionResult, ImageOccurrence } from '../../../server/src/core/types';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'kinds');

export function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

/** `resolved` of every occurrence, in document order. */
export function images(result: ExtractionResult): Array<string | undefined> {
  return result.occurrences.map((o) => o.resolved);
}

/** Every occurrence's range holds its text (or, for split references, the span a fix rewrites). */
export function assertRangesExact(text: string, result: ExtractionResult): void {
  const lines = new LineIndex(text);
  for (const o of result.occurrences) {
    if (o.split) assert.equal(lines.textIn(o.split.range), o.split.text, JSON.stringify(o.split));
    else if (!o.editBlockedReason) assert.equal(lines.textIn(o.range), o.text, o.text);
  }
}

export function lineOf(o: ImageOccurrence): number {
  return o.range.start.line;
}
