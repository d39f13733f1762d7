// BuildKit's reading of the flags and arguments of FROM and COPY, where it differs from
// dockerfile-ast's (which extraction reads first) in deciding which image is pulled. From
// moby/buildkit frontend/dockerfile:
// - parser/parser.go Parse: an instruction's lines are joined where a line ends with the escape
//   character (lineContinuationRegex: not after another escape character, spaces and tabs after
//   it); comment lines and empty lines inside are skipped; the first line is trimmed on the left;
// - parser/split_command.go splitCommand and extractBuilderFlags: the keyword is the first word;
//   the flags are the words that start with `--`, from the front; inside a flag word quotes group
//   and are removed and the escape character escapes the next character; a word `--` ends the
//   flags;
// - parser/line_parsers.go parseStringsWhitespaceDelimited: FROM's arguments are the rest split
//   on spaces, tabs, \v, \f and \r (quotes do not group them);
// - instructions/bflag.go Parse: a flag not declared for the instruction, a string flag given twice
//   or without `=value` fails the build;
// - instructions/parse.go parseFrom and parseBuildStageName: FROM declares only `--platform`, and
//   takes one argument, or three with `AS` (any case) and a stage name matching
//   ^[a-z][a-z0-9-_.]*$ after lower-casing.

/** A part of the instruction: its value and the document offsets of its written text. */
export interface BuildkitWord {
  value: string;
  start: number;
  end: number;
}

export type BuildkitFrom =
  { ok: true; image: BuildkitWord; platform?: string; stage?: string } | { ok: false; error: string };

/** Go's unicode.IsSpace. */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

function isGoSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && GO_SPACE.test(String.fromCharCode(c));
}
/** parser.go reWhitespace: [\t\v\f\r ]. */
function isArgumentSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
/** isComment and isEmptyContinuationLine: after Go's leading white space, `#` or nothing. */
const COMMENT_OR_EMPTY = new RegExp(`^${GO_SPACE.source}*(?:#|$)`);

/** The instruction's logical line (continuations joined) and where each character is written. */
class LogicalLine {
  text = '';
  /** Pieces of the text, in order: where each starts in the text and in the document. */
  private readonly pieces: Array<{ text: number; doc: number }> = [];
  private end = 0;

  add(doc: string, from: number, to: number): void {
    this.pieces.push({ text: this.text.length, doc: from });
    this.text += doc.slice(from, to);
    this.end = to;
  }

  /** The document offset of text[i]; at(text.length) is where the line ends. */
  at(i: number): number {
    if (i >= this.text.length) return this.end;
    let k = this.pieces.length - 1;
    while (k > 0 && this.pieces[k].text > i) k--;
    return this.pieces[k].doc + (i - this.pieces[k].text);
  }
}

const continuations = new Map<string, RegExp>();

function escapeRegExp(character: string): string {
  return character.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * Whether the instruction (or an ONBUILD's trigger) written at `start` can have flags, read from
 * the document before any line is joined: BuildKit reads flags only from the front, so the word
 * after the keyword must start with `-`, or with the escape character (a continuation, after which
 * flags may follow). Most COPY and RUN instructions have none, and are not read further.
 */
function mayHaveFlags(doc: string, start: number, escape: string): boolean {
  let p = afterWord(doc, start);
  // ONBUILD's flags are its trigger's, after the trigger's keyword.
  if (/^onbuild[ \t]/i.test(doc.slice(start, start + 8))) p = afterWord(doc, p);
  return doc[p] === '-' || doc[p] === escape;
}

/** After the keyword at `p` (it ends at white space or a control character) and the spaces after it. */
function afterWord(doc: string, p: number): number {
  while (p < doc.length && doc.charCodeAt(p) > 32) p++;
  while (p < doc.length && (doc.charCodeAt(p) === 32 || doc.charCodeAt(p) === 9)) p++;
  return p;
}

/** The logical line of the instruction written from `start` (its keyword) to `end`. */
export function logicalLine(doc: string, start: number, end: number, escape: string): LogicalLine {
  let continuation = continuations.get(escape);
  if (!continuation) {
    const e = escapeRegExp(escape);
    continuation = new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
    continuations.set(escape, continuation);
  }
  const line = new LogicalLine();
  let pos = start;
  let first = true;
  while (pos <= end) {
    let eol = doc.indexOf('\n', pos);
    if (eol < 0 || eol > end) eol = end;
    let lineEnd = eol;
    while (lineEnd > pos && doc.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    let s = pos;
    if (first) {
      while (s < lineEnd && isGoSpace(doc.charCodeAt(s))) s++;
    } else if (COMMENT_OR_EMPTY.test(doc.slice(pos, lineEnd))) {
      // Comment and empty lines inside a continuation are skipped.
      pos = eol + 1;
      continue;
    }
    // Most lines do not end with the escape character (spaces and tabs after it aside).
    let last = lineEnd - 1;
    while (last >= s && (doc.charCodeAt(last) === 32 || doc.charCodeAt(last) === 9)) last--;
    const m = last >= s && doc[last] === escape ? continuation.exec(doc.slice(s, lineEnd)) : null;
    line.add(doc, s, m ? s + m.index + (m[1] === undefined ? 0 : 1) : lineEnd);
    first = false;
    pos = eol + 1;
    if (!m || eol >= end) break;
  }
  return line;
}

/** A flag word as extractBuilderFlags builds it, and the offsets in the line it was read from. */
interface FlagWord {
  value: string;
  /** Offsets in the logical line of each character of `value`; none when the word is its text. */
  from: number[] | undefined;
  start: number;
  end: number;
}

/**
 * The flags and the rest of the line after the keyword (splitCommand, extractBuilderFlags), or
 * undefined when a flag word holds a character outside ASCII: extractBuilderFlags reads bytes, and
 * takes the UTF-8 bytes 0x85 and 0xA0 for spaces, a reading not worth imitating.
 */
function splitFlags(line: string, escape: string): { keyword: string; flags: FlagWord[]; rest: number } | undefined {
  let p = 0;
  while (p < line.length && !isGoSpace(line.charCodeAt(p))) p++;
  const keyword = line.slice(0, p);
  const flags: FlagWord[] = [];
  for (;;) {
    while (p < line.length && isGoSpace(line.charCodeAt(p))) p++;
    if (p >= line.length || line[p] !== '-' || line[p + 1] !== '-') return { keyword, flags, rest: p };
    const start = p;
    // Most flag words hold no quote, escape character or character outside ASCII: the word is
    // its text.
    let plainEnd = p;
    for (; plainEnd < line.length; plainEnd++) {
      const c = line.charCodeAt(plainEnd);
      if (c > 0x7f || c === 34 || c === 39 || line[plainEnd] === escape || isGoSpace(c)) break;
    }
    if (plainEnd === line.length || isGoSpace(line.charCodeAt(plainEnd))) {
      const value = line.slice(start, plainEnd);
      p = plainEnd;
      if (value === '--') return { keyword, flags, rest: p };
      flags.push({ value, from: undefined, start, end: p });
      continue;
    }
    let value = '';
    const from: number[] = [];
    let quote = '';
    let blankOk = false;
    for (; p < line.length; p++) {
      const ch = line[p];
      if (ch.charCodeAt(0) > 0x7f) return undefined;
      if (quote) {
        if (ch === quote) {
          quote = '';
          continue;
        }
      } else {
        if (isGoSpace(ch.charCodeAt(0))) break;
        if (ch === "'" || ch === '"') {
          quote = ch;
          blankOk = true;
          continue;
        }
      }
      if (ch === escape) {
        // An escape character at the end of the line is dropped.
        if (p + 1 === line.length) {
          if (quote) quote = '';
          continue;
        }
        p++;
        if (line.charCodeAt(p) > 0x7f) return undefined;
      }
      value += line[p];
      from.push(p);
    }
    if (value === '--') {
      // `--` ends the flags (at the end of the line too: nothing follows).
      return { keyword, flags, rest: p };
    }
    if (blankOk || value.length > 0) flags.push({ value, from, start, end: p });
  }
}

function wordAt(line: LogicalLine, value: string, from: number, to: number): BuildkitWord {
  return { value, start: line.at(from), end: to > from ? line.at(to - 1) + 1 : line.at(from) };
}

/** FROM as BuildKit reads it, from the instruction written at [start, end) of `doc`. */
export function readBuildkitFrom(doc: string, start: number, end: number, escape: string): BuildkitFrom | undefined {
  const line = logicalLine(doc, start, end, escape);
  const split = splitFlags(line.text, escape);
  if (!split) return undefined;
  const { flags, rest: afterFlags } = split;
  const args: Array<{ value: string; start: number }> = [];
  // strings.TrimSpace of the rest (after a `--` word it starts with spaces).
  let rest = afterFlags;
  while (rest < line.text.length && isGoSpace(line.text.charCodeAt(rest))) rest++;
  // strings.TrimSpace on the right too (Go's white space, a no-break space included).
  let argEnd = line.text.length;
  while (argEnd > rest && isGoSpace(line.text.charCodeAt(argEnd - 1))) argEnd--;
  // reWhitespace: runs of spaces, tabs, \v, \f and \r separate the arguments.
  for (let p = rest; p < argEnd;) {
    let q = p;
    while (q < argEnd && !isArgumentSeparator(line.text.charCodeAt(q))) q++;
    args.push({ value: line.text.slice(p, q), start: p });
    if (q >= argEnd) break;
    p = q;
    while (p < argEnd && isArgumentSeparator(line.text.charCodeAt(p))) p++;
  }
  let stage: string | undefined;
  if (args.length === 3 && args[1].value.toLowerCase() === 'as') {
    stage = args[2].value.toLowerCase();
    if (!STAGE_NAME.test(stage))
      return {
        ok: false,
        error: `invalid name for build stage: "${args[2].value}", name can't start with a number or contain symbols`,
      };
  } else if (args.length !== 1) {
    return { ok: false, error: 'FROM requires either one or three arguments' };
  }
  let platform: string | undefined;
  for (const flag of flags) {
    const equals = flag.value.indexOf('=');
    const name = equals < 0 ? flag.value : flag.value.slice(0, equals);
    if (name !== '--platform') return { ok: false, error: `unknown flag: ${name}` };
    if (platform !== undefined) return { ok: false, error: `duplicate flag specified: ${name}` };
    if (equals < 0) return { ok: false, error: `missing a value on flag: ${name}` };
    platform = flag.value.slice(equals + 1);
  }
  const image = args[0];
  const result: BuildkitFrom = {
    ok: true,
    image: wordAt(line, image.value, image.start, image.start + image.value.length),
  };
  // An empty --platform= is no platform.
  if (platform) result.platform = platform;
  if (stage) result.stage = stage;
  return result;
}

/**
 * COPY's `--from` as BuildKit reads it (quotes removed, escapes applied), from the COPY or
 * ONBUILD COPY instruction written at [start, end) (`from` is absent when it has none); an error
 * when it is given twice or without a value; undefined when a flag word is not ASCII. Other flags
 * are not checked: which ones COPY accepts has changed between BuildKit versions.
 */
export function readBuildkitCopyFrom(
  doc: string,
  start: number,
  end: number,
  escape: string,
): { from?: BuildkitWord } | { error: string } | undefined {
  if (!mayHaveFlags(doc, start, escape)) return {};
  const line = logicalLine(doc, start, end, escape);
  const flags = instructionFlags(line, escape);
  if (!flags) return undefined;
  let found: BuildkitWord | undefined;
  let given = false;
  for (const flag of flags) {
    if (flag.value !== '--from' && !flag.value.startsWith('--from=')) continue;
    if (given) return { error: 'duplicate flag specified: --from' };
    given = true;
    if (flag.value === '--from') return { error: 'missing a value on flag: --from' };
    const value = flag.value.slice('--from='.length);
    // An empty --from= copies from the build context, as no --from does.
    if (!value) continue;
    // Where the value is written: after the `=` (quotes included) to the end of the flag word.
    const equals = flag.from ? flag.from['--from'.length] : flag.start + '--from'.length;
    found = { value, start: line.at(equals + 1), end: line.at(flag.end - 1) + 1 };
  }
  return found ? { from: found } : {};
}

/**
 * The flags of an instruction, or of an ONBUILD's trigger (parseSubCommand reads the trigger as
 * an instruction of its own); undefined when a flag word is not ASCII.
 */
function instructionFlags(line: LogicalLine, escape: string): FlagWord[] | undefined {
  const instruction = splitFlags(line.text, escape);
  if (!instruction || instruction.keyword.toUpperCase() !== 'ONBUILD') return instruction?.flags;
  const offset = instruction.rest;
  const trigger = splitFlags(line.text.slice(offset), escape);
  return trigger?.flags.map((f) => ({
    ...f,
    start: f.start + offset,
    end: f.end + offset,
    from: f.from?.map((i) => i + offset),
  }));
}

/** One `--mount` of a RUN as BuildKit reads its `from`: the image or stage, or why the build fails. */
export type BuildkitMount = { from?: BuildkitWord } | { error: string };

/** A field of a `--mount` value (go-csvvalue Fields): its text and where it starts in the value. */
interface CsvField {
  text: string;
  start: number;
  /** The field is its text in the value (not quoted). */
  exact: boolean;
}

/** go-csvvalue's Fields with encoding/csv's defaults (comma, no lazy quotes, no trimming). */
function csvFields(value: string): CsvField[] | { error: string } {
  if (value.length === 0) return { error: 'failed to parse csv mounts: EOF' };
  const fields: CsvField[] = [];
  let pos = 0;
  for (;;) {
    if (value[pos] !== '"') {
      const comma = value.indexOf(',', pos);
      const text = value.slice(pos, comma < 0 ? value.length : comma);
      if (text.includes('"')) return { error: 'failed to parse csv mounts: bare " in non-quoted-field' };
      fields.push({ text, start: pos, exact: true });
      if (comma < 0) return fields;
      pos = comma + 1;
      continue;
    }
    // A quoted field: `""` is a quote; after the closing quote, a comma or the end.
    let text = '';
    let p = pos + 1;
    for (;;) {
      const close = value.indexOf('"', p);
      if (close < 0) return { error: 'failed to parse csv mounts: extraneous or missing " in quoted-field' };
      text += value.slice(p, close);
      if (value[close + 1] === '"') {
        text += '"';
        p = close + 2;
        continue;
      }
      fields.push({ text, start: pos, exact: false });
      if (close + 1 === value.length) return fields;
      if (value[close + 1] !== ',')
        return { error: 'failed to parse csv mounts: extraneous or missing " in quoted-field' };
      pos = close + 2;
      break;
    }
  }
}

/**
 * Each `--mount` of a RUN (or ONBUILD RUN) written at [start, end), as BuildKit's parse reads it
 * (instructions/commands_runmount.go parseMount without an expander): fields split as CSV, keys in
 * any case, the last `from` counts, and a `from` with a `$` before its last character fails the
 * build. Undefined when a flag word is not ASCII.
 */
export function readBuildkitMounts(
  doc: string,
  start: number,
  end: number,
  escape: string,
): BuildkitMount[] | undefined {
  if (!mayHaveFlags(doc, start, escape)) return [];
  const line = logicalLine(doc, start, end, escape);
  const flags = instructionFlags(line, escape);
  if (!flags) return undefined;
  const mounts: BuildkitMount[] = [];
  for (const flag of flags) {
    if (flag.value !== '--mount' && !flag.value.startsWith('--mount=')) continue;
    if (flag.value === '--mount') {
      mounts.push({ error: 'missing a value on flag: --mount' });
      continue;
    }
    const valueStart = '--mount='.length;
    const fields = csvFields(flag.value.slice(valueStart));
    if (!Array.isArray(fields)) {
      mounts.push(fields);
      continue;
    }
    let mount: BuildkitMount = {};
    for (const field of fields) {
      const equals = field.text.indexOf('=');
      if (equals < 0 || field.text.slice(0, equals).toLowerCase() !== 'from') continue;
      const value = field.text.slice(equals + 1);
      const dollar = value.indexOf('$');
      if (dollar >= 0 && dollar !== value.length - 1) {
        mount = { error: "'from' doesn't support variable expansion, define alias stage instead" };
        break;
      }
      // An empty from is none (the mount's source is then the empty image).
      if (!value) {
        mount = {};
        continue;
      }
      // Where the value is written: exactly, when neither CSV nor the flag word quoted or escaped it.
      const first = valueStart + field.start + equals + 1;
      const last = first + value.length - 1;
      const direct = field.exact && (!flag.from || flag.from[last] - flag.from[first] === last - first);
      const at = (i: number) => (flag.from ? flag.from[i] : flag.start + i);
      mount = {
        from: direct
          ? { value, start: line.at(at(first)), end: line.at(at(last)) + 1 }
          : { value, start: line.at(flag.start), end: line.at(flag.end - 1) + 1 },
      };
    }
    mounts.push(mount);
  }
  return mounts;
}
