// Typing cost that follows the edit, not the file. Most keystrokes in a Dockerfile land in
// instructions that cannot name an image (RUN, ENV, LABEL, ...); the references, their ranges and
// the document problems then stay what they were. One analyzer per open document remembers its
// last analysis with a key that holds everything extraction reads: the text after blanking the
// instructions that name no image (dockerfileBlanking.ts), each blanked line reduced to a marker
// so its length does not matter (positions are line and character, and nothing follows a blanked
// instruction on its line). Same key, same analysis; anything else is analyzed in full. The
// property test in test/core/incrementalAnalysis.test.ts checks this over random edit sequences.
import { analyzeDocument, MAX_DOCUMENT_LENGTH, type DocumentAnalysis } from './analyze';
import type { Environment } from './compose';
import { blankIrrelevantInstructions } from './dockerfileBlanking';

/** Marks a line blanked because its instruction names no image. */
const BLANKED_LINE = '\u0000';

/**
 * The part of a Dockerfile's text that decides its analysis, or undefined when the text must be
 * analyzed in full every time (oversized; NUL bytes, which the marker uses).
 */
export function dockerfileAnalysisKey(text: string): string | undefined {
  if (text.length > MAX_DOCUMENT_LENGTH || text.includes('\u0000')) return undefined;
  const blanked = blankIrrelevantInstructions(text);
  if (blanked === text) return text;
  // Blanking keeps every line break and every line's length, so lines pair up by offset.
  let key = '';
  let start = 0;
  while (start <= text.length) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    const kept = blanked.slice(start, end);
    const original = text.slice(start, end);
    key += kept !== original && kept.trim() === '' ? BLANKED_LINE : kept;
    if (end >= text.length) break;
    // The line break itself: \r\n, \r or \n, kept as written (they count as one line each).
    const breakLength = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1;
    key += text.slice(end, end + breakLength);
    start = end + breakLength;
  }
  return key;
}

export class IncrementalAnalyzer {
  private last?: { key: string; analysis: DocumentAnalysis };
  /** How many analyses were answered from the previous one (for tests and the bench). */
  reused = 0;

  analyze(text: string, kind: 'dockerfile' | 'compose', env?: Environment): DocumentAnalysis {
    if (kind !== 'dockerfile') {
      this.last = undefined;
      return analyzeDocument(text, kind, env);
    }
    const key = dockerfileAnalysisKey(text);
    if (key !== undefined && this.last?.key === key) {
      this.reused++;
      return this.last.analysis;
    }
    const analysis = analyzeDocument(text, kind, env);
    this.last = key === undefined ? undefined : { key, analysis };
    return analysis;
  }
}
