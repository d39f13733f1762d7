// What extraction reads of one instruction (InstructionFacts), straight from its text, for the
// instructions whose reading is plain: dockerfile-ast builds every argument, flag and JSON form of
// a COPY or RUN to answer the same questions, and in a cold process that is most of a Dockerfile's
// analysis. The answer must be exactly dockerfile-ast's (0.7 lib/instruction.js getRawArguments,
// modifiableInstruction.js getFlags, flag.js, instructions/from.js, onbuild.js): where the part of
// the instruction that decides it holds the escape character, the reader gives up and the caller
// parses the block (NEEDS_PARSE). test/core/dockerfileQuickFacts.test.ts compares the two readings.
//
// dockerfile-ast's reading, which this follows even where BuildKit reads otherwise:
// - arguments are split on spaces and tabs alone; quotes do not group words (`FROM "a b"` is the
//   two arguments `"a` and `b"`), and `#` after the keyword is an ordinary character;
// - flags are the arguments that start with `--`, taken from the front until an argument without
//   `--` anywhere in it; FROM's arguments are the arguments with as many taken off the front as
//   there were flags;
// - a flag's name is what lies between `--` and the first `=` (case kept: `--FROM` is not `--from`),
//   a flag without `=` has no value, and COPY reads the first `--from` flag only;
// - `--mount`'s options are split on `,` and each at its first `=`; the first `from` option counts;
// - FROM's platform is read only when --platform is its one flag, and its stage name is the third
//   argument when the second is `AS` in any case.
// Extraction then reads FROM and COPY --from again as BuildKit does (buildkitInstruction.ts).
import type { InstructionFacts, LocatedWord } from './dockerfile';
import type { Position } from './types';

/** The reading needs dockerfile-ast: the part of the instruction that decides it is not plain. */
export const NEEDS_PARSE: unique symbol = Symbol('needs parse');

/** One argument of the instruction's first line: its text is its value. */
interface Token {
  start: number;
  end: number;
  text: string;
}

/**
 * The facts of the instruction that starts on the line at `lineStart` (line number `line`) and ends
 * at `end` (dockerfileBlocks' cut), read with `escape` as the escape character: undefined for the
 * keywords that name no image, NEEDS_PARSE where the reading is not plain.
 */
export function quickInstructionFacts(
  text: string,
  lineStart: number,
  end: number,
  line: number,
  escape: string,
): InstructionFacts | undefined | typeof NEEDS_PARSE {
  let i = lineStart;
  // The byte order mark at the start of a file is not part of the first instruction, but it is a
  // character of its line (positions count it).
  if (i === 0 && text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  const start = i;
  for (; i < end; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') break;
    if (c === escape) return NEEDS_PARSE;
  }
  const keyword = text.slice(start, i).toUpperCase();
  if (keyword !== 'FROM' && keyword !== 'ARG' && keyword !== 'COPY' && keyword !== 'RUN' && keyword !== 'ONBUILD') {
    return undefined;
  }
  const at = (offset: number): Position => ({ line, character: offset - lineStart });
  let lineEnd = i;
  while (lineEnd < end && text[lineEnd] !== '\r' && text[lineEnd] !== '\n') lineEnd++;
  const facts: InstructionFacts = {
    keyword,
    range: { start: at(start), end: lineEnd === end ? at(end) : endPosition(text, lineStart, end, line) },
  };
  if (keyword === 'ARG') return facts;

  // The arguments of the first line up to the escape character: after it, a continuation or an
  // escaped character changes the reading, and after a line break (a heredoc body) come more.
  const tokens: Token[] = [];
  let known = i;
  while (known < lineEnd && text[known] !== escape) known++;
  for (let t = i; t < known;) {
    while (t < known && (text[t] === ' ' || text[t] === '\t')) t++;
    if (t >= known) break;
    const tokenStart = t;
    while (t < known && text[t] !== ' ' && text[t] !== '\t') t++;
    // A word that runs into the escape character goes on past it.
    if (t === known && known < lineEnd) break;
    tokens.push({ start: tokenStart, end: t, text: text.slice(tokenStart, t) });
  }
  /** The tokens are all of the instruction's arguments. */
  const complete = known === end;

  if (keyword === 'FROM') {
    if (!complete) return NEEDS_PARSE;
    const flags = leadingFlags(tokens, 0, true);
    if (flags === NEEDS_PARSE) return NEEDS_PARSE;
    const args = tokens.slice(flags.length);
    if (args[0]) facts.image = word(args[0], at);
    if (flags.length === 1 && flagName(flags[0]) === 'platform') {
      const platform = flagValue(flags[0]);
      if (platform) facts.platform = platform;
    }
    if (args.length > 2 && args[1].text.toUpperCase() === 'AS') facts.stage = args[2].text;
    return facts;
  }
  let command = keyword;
  let first = 0;
  if (keyword === 'ONBUILD') {
    // The trigger is the first argument, read as an instruction of its own.
    if (tokens.length === 0) return complete ? facts : NEEDS_PARSE;
    command = tokens[0].text.toUpperCase();
    first = 1;
    if (command !== 'COPY' && command !== 'RUN') return facts;
  }
  const flags = leadingFlags(tokens, first, complete);
  if (flags === NEEDS_PARSE) return NEEDS_PARSE;
  const read: NonNullable<InstructionFacts['trigger']> =
    command === 'COPY'
      ? { keyword: command, copyFrom: copyFrom(flags, at) }
      : { keyword: command, mounts: mountFroms(flags, at) };
  if (keyword === 'ONBUILD') facts.trigger = read;
  else if (command === 'COPY') facts.copyFrom = read.copyFrom;
  else facts.mounts = read.mounts;
  return facts;
}

/** Where `end` is: its line counted from `line` at `lineStart` (\r\n, \r and \n each end a line). */
function endPosition(text: string, lineStart: number, end: number, line: number): Position {
  let last = lineStart;
  for (let i = lineStart; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      last = i + 1;
    }
  }
  return { line, character: end - last };
}

/**
 * The flag arguments from `first` on, up to the first argument without `--` (getFlags), or
 * NEEDS_PARSE when the known arguments run out before that and more may follow.
 */
function leadingFlags(tokens: Token[], first: number, complete: boolean): Token[] | typeof NEEDS_PARSE {
  const flags: Token[] = [];
  for (let t = first; t < tokens.length; t++) {
    const text = tokens[t].text;
    if (!text.includes('--')) return flags;
    if (text.startsWith('--')) flags.push(tokens[t]);
  }
  return complete ? flags : NEEDS_PARSE;
}

function flagName(flag: Token): string {
  const equals = flag.text.indexOf('=');
  return equals < 0 ? flag.text.substring(2) : flag.text.substring(2, equals);
}

/** The flag's value: null without `=`, empty after a trailing `=`. */
function flagValue(flag: Token): string | null {
  const equals = flag.text.indexOf('=');
  return equals < 0 ? null : flag.text.substring(equals + 1);
}

const word = (token: Token, at: (offset: number) => Position): LocatedWord => ({
  value: token.text,
  range: { start: at(token.start), end: at(token.end) },
});

function copyFrom(flags: Token[], at: (offset: number) => Position): LocatedWord | undefined {
  const flag = flags.find((f) => flagName(f) === 'from');
  const value = flag && flagValue(flag);
  if (!flag || !value) return undefined;
  return { value, range: { start: at(flag.end - value.length), end: at(flag.end) } };
}

function mountFroms(flags: Token[], at: (offset: number) => Position): LocatedWord[] {
  const mounts: LocatedWord[] = [];
  for (const flag of flags) {
    if (flagName(flag) !== 'mount') continue;
    const value = flagValue(flag);
    if (!value) continue;
    const from = fromOption(value);
    if (!from) continue;
    const offset = flag.end - value.length;
    mounts.push({ value: from.value, range: { start: at(offset + from.start), end: at(offset + from.end) } });
  }
  return mounts;
}

/**
 * The first option named `from` of a flag's value with a non-empty value, split as dockerfile-ast's
 * Flag splits options (a `,` ends one, its first `=` ends its name), quirks included.
 */
function fromOption(value: string): { value: string; start: number; end: number } | undefined {
  let nameStart = -1;
  let valueStart = -1;
  let hasOptions = false;
  const option = (valueEnd: number) => {
    if (valueStart === -1) return { name: value.substring(nameStart, valueEnd) };
    return { name: value.substring(nameStart, valueStart - 1), value: value.substring(valueStart, valueEnd) };
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '=') {
      hasOptions = true;
      if (valueStart === -1) valueStart = i + 1;
    } else if (c === ',') {
      const read = option(i);
      if (read.name === 'from') return read.value ? { value: read.value, start: valueStart, end: i } : undefined;
      nameStart = -1;
      valueStart = -1;
    } else if (nameStart === -1) {
      nameStart = i;
    }
  }
  if (hasOptions && nameStart !== -1) {
    const read = option(value.length);
    if (read.name === 'from' && read.value) return { value: read.value, start: valueStart, end: value.length };
  }
  return undefined;
}
