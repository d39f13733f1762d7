// Typing cost that follows the edit, not the file. Most keystrokes land where no image is named
// (a RUN command, an environment value); the references, their ranges and the document problems
// then stay what they were. One analyzer per open document remembers its last analysis and
// answers a new text from it when it can prove the analysis is unchanged:
// - Dockerfile: the key holds everything extraction reads: the text after blanking the
//   instructions that name no image (dockerfileBlanking.ts), each blanked line reduced to a marker
//   so its length does not matter (positions are line and character, and nothing follows a blanked
//   instruction on its line). Same key, same analysis. A keystroke inside one blanked line that
//   cannot change the blanking (see editKeepsBlanking) skips even the key.
//   Otherwise the text is cut into instruction blocks where dockerfile-ast cuts them
//   (dockerfileBlocks.ts) and only the blocks that can name an image (FROM, ARG, COPY, RUN, ONBUILD
//   left by the blanking) are parsed, each once while its text stays the same: the parse is kept by
//   the block's text and its lines shifted to where the block is now. Stages, global ARGs and
//   interpolation are then read again from those parses (extractFromInstructionFacts), as a full
//   analysis reads them from the parse of the whole file. A keystroke inside a kept line that
//   cannot change which lines are blanked (see editKeepsKeptLine) patches the blanked text instead
//   of blanking the whole file again.
// - Compose: a keystroke inside the plain value of one `key: value` line, under keys that name no
//   image, build, platform or file, away from every reference, in a document that parsed, keeps the
//   analysis; one inside the plain value of an `image:` line reads that value again (composeImageEdit).
// Anything else is analyzed in full. test/core/incrementalAnalysis.test.ts checks both over random
// edit sequences against a full analysis.
import {
  analysisOf,
  analyzeDocument,
  isUnreadableDocument,
  MAX_DOCUMENT_LENGTH,
  type AnalyzeOptions,
  type DocumentAnalysis,
} from './analyze';
import { plainImageOccurrence, type Environment } from './compose';
import {
  extractFromInstructionFacts,
  IMAGE_KEYWORDS,
  shiftFacts,
  standaloneFacts,
  type InstructionFacts,
} from './dockerfile';
import { blankIrrelevantInstructions } from './dockerfileBlanking';
import { dockerfileBlocks, standaloneBlockText } from './dockerfileBlocks';
import { NEEDS_PARSE, quickInstructionFacts } from './dockerfileQuickFacts';
import { isScalar, parseDocument } from 'yaml';
import { LineIndex } from './lineIndex';
import { parseImageReference, type ParseResult } from './reference';
import type { ImageFileKind, Range } from './types';

/** Marks a line blanked because its instruction names no image. */
const BLANKED_LINE = '\u0000';

interface DockerfileKey {
  /** Undefined when not computed (a kept line changed, so it differs from the last one anyway). */
  key: string | undefined;
  /** Per line: 1 when the line was blanked. */
  blanked: Uint8Array;
}

function computeDockerfileKey(
  text: string,
  blankedText = blankIrrelevantInstructions(text),
): DockerfileKey | undefined {
  if (text.length > MAX_DOCUMENT_LENGTH || text.includes('\u0000')) return undefined;
  const flags: number[] = [];
  // Blanking keeps every line break and every line's length, so lines pair up by offset.
  let key = '';
  let start = 0;
  for (;;) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    const kept = blankedText.slice(start, end);
    const blanked = kept !== text.slice(start, end) && kept.trim() === '';
    flags.push(blanked ? 1 : 0);
    key += blanked ? BLANKED_LINE : kept;
    if (end >= text.length) break;
    // The line break itself: \r\n, \r or \n, kept as written (they count as one line each).
    const breakLength = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1;
    key += text.slice(end, end + breakLength);
    start = end + breakLength;
  }
  return { key, blanked: Uint8Array.from(flags) };
}

/**
 * The part of a Dockerfile's text that decides its analysis, or undefined when the text must be
 * analyzed in full every time (oversized; NUL bytes, which the marker uses).
 */
export function dockerfileAnalysisKey(text: string): string | undefined {
  return computeDockerfileKey(text)?.key;
}

/** Where two texts differ, when the difference lies inside one line of each (no line break in it). */
interface LineEdit {
  line: number;
  /** Offset of the line's start (the same in both texts). */
  lineStart: number;
  oldLine: string;
  newLine: string;
}

const EDIT_CHUNK = 512;

function singleLineEdit(before: string, after: string): LineEdit | undefined {
  let head = 0;
  const shorter = Math.min(before.length, after.length);
  // Equal chunks are skipped by comparing strings (native), then the rest a character at a time.
  while (head + EDIT_CHUNK <= shorter && before.slice(head, head + EDIT_CHUNK) === after.slice(head, head + EDIT_CHUNK))
    head += EDIT_CHUNK;
  while (head < shorter && before.charCodeAt(head) === after.charCodeAt(head)) head++;
  let tail = 0;
  while (
    tail + EDIT_CHUNK <= shorter - head &&
    before.slice(before.length - tail - EDIT_CHUNK, before.length - tail) ===
      after.slice(after.length - tail - EDIT_CHUNK, after.length - tail)
  )
    tail += EDIT_CHUNK;
  while (
    tail < shorter - head &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  const isBreak = (c: number) => c === 10 || c === 13;
  for (let i = head; i < before.length - tail; i++) if (isBreak(before.charCodeAt(i))) return undefined;
  for (let i = head; i < after.length - tail; i++) if (isBreak(after.charCodeAt(i))) return undefined;
  // A \r kept at the edge could pair with a \n on the other side of the edit; stay clear of them.
  if (head > 0 && before.charCodeAt(head - 1) === 13) return undefined;
  let lineStart = head;
  while (lineStart > 0 && !isBreak(before.charCodeAt(lineStart - 1))) lineStart--;
  let line = 0;
  if (before.lastIndexOf('\r', lineStart) < 0) {
    for (let i = before.indexOf('\n'); i >= 0 && i < lineStart; i = before.indexOf('\n', i + 1)) line++;
  } else {
    for (let i = 0; i < lineStart; i++) {
      const c = before.charCodeAt(i);
      if (c === 10 || (c === 13 && before.charCodeAt(i + 1) !== 10)) line++;
    }
  }
  const lineEnd = (text: string, from: number) => {
    let e = from;
    while (e < text.length && !isBreak(text.charCodeAt(e))) e++;
    return e;
  };
  return {
    line,
    lineStart,
    oldLine: before.slice(lineStart, lineEnd(before, head)),
    newLine: after.slice(lineStart, lineEnd(after, head)),
  };
}

// Only spaces and tabs are white space to the parser (dockerfileBlanking.ts reads lines the same way).
const firstWord = (line: string) => /^[ \t]*([^ \t]*)/.exec(line)?.[1] ?? '';
const isCommentOrEmpty = (line: string) => /^[ \t]*(#.*)?$/.test(line);
const endsWithEscape = (line: string) => /[`\\][ \t]*$/.test(line);
/** The line with its escape characters removed: `-\-mount` reads as `--mount` (joinedWords). */
const unescaped = (line: string) => line.replace(/[`\\]/g, '');

/**
 * Whether the line that starts at `lineStart` continues the instruction of the lines above it: the
 * nearest line above that is not a comment or empty ends with an escape character. Its first word
 * then joins the last word above unless white space comes first.
 */
function continuesAbove(text: string, lineStart: number): boolean {
  let end = lineStart;
  while (end > 0) {
    if (text[end - 1] === '\n') end--;
    if (end > 0 && text[end - 1] === '\r') end--;
    let start = end;
    while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
    const line = text.slice(start, end);
    if (!isCommentOrEmpty(line)) return endsWithEscape(line);
    end = start;
  }
  return false;
}

/** The edited line joins the word above it (see continuesAbove), before or after the edit. */
function joinsWordAbove(text: string, edit: LineEdit): boolean {
  const startsWithSpace = (line: string) => line[0] === ' ' || line[0] === '\t';
  if (startsWithSpace(edit.oldLine) && startsWithSpace(edit.newLine)) return false;
  return continuesAbove(text, edit.lineStart);
}

/**
 * A change inside one line that blanking dropped, which leaves the blanking as it was: the same
 * first word (the keyword, when the line starts its instruction), still a comment or not, the same
 * continuation, no word joined with the line above, and nothing that makes an instruction name an
 * image or start a heredoc.
 */
function editKeepsBlanking(text: string, edit: LineEdit): boolean {
  const { oldLine, newLine } = edit;
  if (firstWord(oldLine) !== firstWord(newLine)) return false;
  if (isCommentOrEmpty(oldLine) !== isCommentOrEmpty(newLine)) return false;
  if (/--from|--mount|<</i.test(unescaped(newLine)) || endsWithEscape(newLine) || endsWithEscape(oldLine)) {
    return false;
  }
  // `# escape=` and other directives are comments kept by blanking: never a blanked line.
  return !joinsWordAbove(text, edit);
}

/**
 * A change inside one line that blanking kept (a line of an instruction that may name an image),
 * which leaves the blanking of every line as it was: the same first word, not a comment or empty
 * line before or after (so the groups of continued lines and the parser directives stay), no
 * continuation at its end, no word joined with the line above, and the same answer to what decides
 * whether a group is kept (`<<`, `--from`, `--mount`). The blanked text then changes by that line
 * alone.
 */
function editKeepsKeptLine(text: string, edit: LineEdit): boolean {
  const { oldLine, newLine } = edit;
  if (firstWord(oldLine) !== firstWord(newLine)) return false;
  if (isCommentOrEmpty(oldLine) || isCommentOrEmpty(newLine)) return false;
  if (endsWithEscape(oldLine) || endsWithEscape(newLine)) return false;
  const before = unescaped(oldLine);
  const after = unescaped(newLine);
  return (
    before.includes('<<') === after.includes('<<') &&
    /--from/i.test(before) === /--from/i.test(after) &&
    /--mount/i.test(before) === /--mount/i.test(after) &&
    !joinsWordAbove(text, edit)
  );
}

/** `text` with `edit`'s line (at the same offset) replaced by `replacement`. */
const withLine = (text: string, edit: LineEdit, replacement: string) =>
  text.slice(0, edit.lineStart) + replacement + text.slice(edit.lineStart + edit.oldLine.length);

/** Keys whose values can name or place an image (or read another file) in a compose file. */
const COMPOSE_IMAGE_KEYS = /image|build|platform|pull|extends|context|dockerfile|file|include|service|path|<<|^name$/i;
// A value that stays a plain scalar whatever is typed inside it: no indicator first (`-` would start
// a sequence, `&` an anchor, `*` an alias, quotes a quoted scalar) and none of `: `, ` #` inside.
const PLAIN_KEY_VALUE = /^(\s*)([A-Za-z_][A-Za-z0-9_.-]*):[ \t]+([A-Za-z0-9_./+][A-Za-z0-9_./+ -]*)$/;

function rangeTouchesLine(range: Range | undefined, line: number): boolean {
  return range !== undefined && range.start.line <= line && range.end.line >= line;
}

/** The keys above `line` by indentation (the mapping the line sits in, its parent, ...). */
function ancestorKeys(text: string, line: number, indent: number): string[] | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const keys: string[] = [];
  let depth = indent;
  for (let l = line - 1; l >= 0 && depth > 0; l--) {
    const current = lines[l];
    if (/^\s*(#.*)?$/.test(current)) continue;
    const own = /^\s*/.exec(current)![0].length;
    if (own >= depth) continue;
    const key = /^\s*([^\s:#][^:#]*?):(\s|$)/.exec(current)?.[1];
    // A parent that is a list item, a flow collection or anything but `key:` is not understood here.
    if (key === undefined || /^\s*-/.test(current)) return undefined;
    keys.push(key);
    depth = own;
  }
  return keys;
}

function composeEditKeepsAnalysis(text: string, edit: LineEdit, analysis: DocumentAnalysis): boolean {
  const before = PLAIN_KEY_VALUE.exec(edit.oldLine);
  const after = PLAIN_KEY_VALUE.exec(edit.newLine);
  if (!before || !after || before[1] !== after[1] || before[2] !== after[2]) return false;
  if (COMPOSE_IMAGE_KEYS.test(before[2])) return false;
  if (analysis.problems.some((p) => p.code === 'invalid-document' || rangeTouchesLine(p.range, edit.line))) {
    return false;
  }
  for (const r of analysis.references) {
    const o = r.occurrence;
    if (rangeTouchesLine(o.range, edit.line) || rangeTouchesLine(o.editTarget?.range, edit.line)) return false;
  }
  const ancestors = ancestorKeys(text, edit.line, before[1].length);
  if (!ancestors) return false;
  // The top-level `services` key is where every service lives; any other ancestor that may name an
  // image (a service called `build`, an `x-image` extension) is not taken on trust.
  return ancestors.every(
    (key, i) => (i === ancestors.length - 1 && key === 'services') || !COMPOSE_IMAGE_KEYS.test(key),
  );
}

/**
 * An `image:` line whose value is a plain scalar that a keystroke cannot turn into anything else:
 * no indicator first (a quote, `&`, `*`, `{`, `[`, `-`, `#`...), no space (so no ` #` comment and
 * no `: `), no `,` `[` `]`; a `:` at the end would make it a key, so that is checked apart.
 */
const PLAIN_IMAGE_LINE = /^([ \t]*)image:([ \t]+)([A-Za-z0-9_./$][A-Za-z0-9_./:@$+{}-]*)$/;

/** The value reads as the string it is written as (not a number, a boolean or null). */
function isPlainString(value: string): boolean {
  if (value.endsWith(':')) return false;
  const contents = parseDocument(value, { strict: false, uniqueKeys: false, merge: true }).contents;
  return isScalar(contents) && contents.value === value;
}

/**
 * A block scalar header (`|`, `>-`...) at the end of a line, a line with an unclosed quote (an odd
 * number of `"` or `'`, or an escaped `\"`), or a flow collection left open: where a scalar or a
 * collection may continue on the next lines.
 */
function mayHoldMultilineScalar(text: string): boolean {
  if (/[|>][-+0-9]*[ \t]*(?:#.*)?$/m.test(text) || text.includes('\\"')) return true;
  for (const line of text.split(/\r\n|\r|\n/)) {
    let double = 0;
    let single = 0;
    let open = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 34) double++;
      else if (c === 39) single++;
      else if (c === 123 || c === 91) open++;
      else if (c === 125 || c === 93) open--;
    }
    if (double % 2 || single % 2 || open !== 0) return true;
  }
  return false;
}

/**
 * The analysis after a keystroke inside the plain value of an `image:` line: the structure of the
 * YAML is unchanged, so only that value's occurrence is read again, as a full analysis reads it
 * (interpolation included). Undefined when that cannot be shown.
 */
function composeImageEdit(
  text: string,
  edit: LineEdit,
  analysis: DocumentAnalysis,
  env: Environment,
): DocumentAnalysis | undefined {
  const before = PLAIN_IMAGE_LINE.exec(edit.oldLine);
  const after = PLAIN_IMAGE_LINE.exec(edit.newLine);
  if (!before || !after || before[1] !== after[1] || before[2] !== after[2]) return undefined;
  if (!isPlainString(before[3]) || !isPlainString(after[3])) return undefined;
  // Inside a flow collection (`{ ... }` over several lines) `{` and `}` end the value; a value that
  // was read whole with them was in block context, one that gains them may not be.
  if (/[{}]/.test(after[3]) && !/[{}]/.test(before[3])) return undefined;
  if (analysis.problems.some((p) => p.code === 'invalid-document' || rangeTouchesLine(p.range, edit.line))) {
    return undefined;
  }
  const column = before[1].length + 'image:'.length + before[2].length;
  let index = -1;
  for (const [i, r] of analysis.references.entries()) {
    const o = r.occurrence;
    if (!rangeTouchesLine(o.range, edit.line) && !rangeTouchesLine(o.editTarget?.range, edit.line)) continue;
    if (index >= 0 || o.range.start.line !== edit.line || o.range.start.character !== column) return undefined;
    if (o.text !== before[3] || o.constructLine !== edit.line || o.unresolvedVariables) return undefined;
    index = i;
  }
  // A string value that no service reads as its image (a service that builds it, a key elsewhere)
  // stays unread, if the line is a key and value at all: not a line inside a block scalar or a
  // quoted scalar over several lines, whose text other keys (`extends`) could read.
  if (index < 0) return mayHoldMultilineScalar(text) ? undefined : analysis;
  const lines = new LineIndex(text);
  const problems: DocumentAnalysis['problems'] = [];
  const start = lines.offsetAt({ line: edit.line, character: column });
  const occurrence = plainImageOccurrence(lines, after[3], start, edit.line, env, problems);
  if (problems.length || occurrence.unresolvedVariables) return undefined;
  const [reference] = analysisOf('compose', { occurrences: [occurrence], problems: [] }).references;
  const references = [...analysis.references];
  references[index] = reference;
  return { kind: analysis.kind, references, problems: analysis.problems };
}

/** A block's parse, its lines counted from the text parsed alone (standaloneBlockText). */
interface CachedBlock {
  facts: InstructionFacts | undefined;
}

/**
 * The parses of one document's instruction blocks by their text, and the reference parses by their
 * text. Each analysis keeps what it used and what the previous analysis used, so undoing a
 * keystroke finds its block again, and nothing grows past two versions of the document.
 */
class DockerfileParses {
  private blocks = new Map<string, CachedBlock>();
  private previousBlocks = new Map<string, CachedBlock>();
  private references = new Map<string, ParseResult>();
  private previousReferences = new Map<string, ParseResult>();
  /** Blocks parsed (not found by their text), for tests and the bench. */
  parsed = 0;

  analyze(text: string, blanked: string): DocumentAnalysis {
    const { escape, blocks } = dockerfileBlocks(blanked);
    const used = new Map<string, CachedBlock>();
    const facts: InstructionFacts[] = [];
    for (const block of blocks) {
      if (!IMAGE_KEYWORDS.has(block.keyword)) continue;
      const alone = standaloneBlockText(blanked, block, escape);
      // The text parsed alone starts with the line that sets its escape character.
      const key = alone.text;
      let cached = used.get(key) ?? this.blocks.get(key) ?? this.previousBlocks.get(key);
      if (!cached) {
        // Most blocks read plainly from their text; the others are parsed.
        const start = alone.text.length - (block.end - block.lineStart);
        const quick = quickInstructionFacts(alone.text, start, alone.text.length, block.line === 0 ? 0 : 1, escape);
        if (quick !== NEEDS_PARSE) {
          cached = { facts: quick };
        } else {
          this.parsed++;
          cached = { facts: standaloneFacts(alone.text) };
        }
      }
      used.set(key, cached);
      if (cached.facts) facts.push(shiftFacts(cached.facts, alone.shift));
    }
    this.previousBlocks = this.blocks;
    this.blocks = used;
    const extraction = extractFromInstructionFacts(text, escape, facts, new LineIndex(text));
    const parsedReferences = new Map<string, ParseResult>();
    const analysis = analysisOf('dockerfile', extraction, (resolved) => {
      let parsed =
        parsedReferences.get(resolved) ?? this.references.get(resolved) ?? this.previousReferences.get(resolved);
      if (!parsed) parsed = parseImageReference(resolved);
      parsedReferences.set(resolved, parsed);
      return parsed;
    });
    this.previousReferences = this.references;
    this.references = parsedReferences;
    return analysis;
  }
}

export class IncrementalAnalyzer {
  private last?: {
    text: string;
    kind: 'dockerfile' | 'compose';
    env?: unknown;
    key?: DockerfileKey;
    /** The Dockerfile's text after blanking (dockerfileBlanking.ts). */
    blanked?: string;
    analysis: DocumentAnalysis;
  };
  /** How many analyses were answered from the previous one (for tests and the bench). */
  reused = 0;
  /** How many compose analyses read one image value again and kept the rest. */
  reusedServices = 0;
  private dockerfileParses?: DockerfileParses;

  /** How many Dockerfile instruction blocks were parsed (the others were found by their text). */
  get parsedBlocks(): number {
    return this.dockerfileParses?.parsed ?? 0;
  }

  /**
   * `envIdentity` stands for the compose variables (the `.env` contents the environment was made
   * from): a compose analysis is reused only while it is the same object.
   */
  analyze(
    text: string,
    kind: ImageFileKind,
    env?: Environment,
    envIdentity?: unknown,
    options: AnalyzeOptions = {},
  ): DocumentAnalysis {
    if (kind !== 'dockerfile' && kind !== 'compose') {
      // The other kinds (Kubernetes, Helm values, CI files, dev containers, bake) are one YAML,
      // JSONC or HCL parse each; they are analyzed in full.
      this.last = undefined;
      return analyzeDocument(text, kind, env, options);
    }
    const last = this.last;
    const sameEnv = kind === 'dockerfile' || (envIdentity !== undefined && last?.env === envIdentity);
    if (last && last.kind === kind && last.text === text && sameEnv) {
      this.reused++;
      return last.analysis;
    }
    if (kind === 'compose') {
      if (last?.kind === 'compose' && sameEnv) {
        const edit = singleLineEdit(last.text, text);
        if (edit && composeEditKeepsAnalysis(last.text, edit, last.analysis)) {
          this.reused++;
          last.text = text;
          return last.analysis;
        }
        const changed = edit && env && composeImageEdit(text, edit, last.analysis, env);
        if (changed) {
          this.reusedServices++;
          this.last = { text, kind, env: envIdentity, analysis: changed };
          return changed;
        }
      }
      const analysis = analyzeDocument(text, kind, env);
      this.last = { text, kind, env: envIdentity, analysis };
      return analysis;
    }
    if (isUnreadableDocument(text)) {
      this.last = undefined;
      return analyzeDocument(text, kind, env);
    }
    if (!this.dockerfileParses) this.dockerfileParses = new DockerfileParses();
    if (last?.kind === 'dockerfile' && last.key && last.blanked !== undefined) {
      const edit = singleLineEdit(last.text, text);
      if (edit && last.key.blanked[edit.line] === 1 && editKeepsBlanking(last.text, edit)) {
        this.reused++;
        last.text = text;
        last.blanked = withLine(last.blanked, edit, ' '.repeat(edit.newLine.length));
        return last.analysis;
      }
      if (edit && last.key.blanked[edit.line] === 0 && editKeepsKeptLine(last.text, edit)) {
        // The same lines are blanked; the analysis is read again from the blocks.
        const blanked = withLine(last.blanked, edit, edit.newLine);
        const analysis = this.dockerfileParses.analyze(text, blanked);
        this.last = { text, kind, key: { key: undefined, blanked: last.key.blanked }, blanked, analysis };
        return analysis;
      }
    }
    const blanked = blankIrrelevantInstructions(text);
    const key = computeDockerfileKey(text, blanked);
    if (key !== undefined && last?.kind === 'dockerfile' && last.key?.key === key.key) {
      this.reused++;
      this.last = { ...last, text, key, blanked };
      return last.analysis;
    }
    const analysis = this.dockerfileParses.analyze(text, blanked);
    this.last = { text, kind, key, blanked, analysis };
    return analysis;
  }
}
