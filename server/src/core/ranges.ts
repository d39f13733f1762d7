// Position and range comparisons on LSP-style zero-based lines and UTF-16 characters.
import type { Position, Range } from './types';

export function isBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** True when `p` lies in `range`, both ends included. */
export function rangeContains(range: Range, p: Position): boolean {
  return !isBefore(p, range.start) && !isBefore(range.end, p);
}

/** True when the two ranges share at least one position (touching ends count). */
export function rangesOverlap(a: Range, b: Range): boolean {
  return !isBefore(a.end, b.start) && !isBefore(b.end, a.start);
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
