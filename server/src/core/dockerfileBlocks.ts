// A Dockerfile cut into instruction blocks, so that each block can be parsed on its own and its
// parse kept while its text does not change (incrementalAnalysis.ts). The cut must fall exactly
// where dockerfile-ast's own parser ends one instruction and starts the next, or the parse of a
// block alone would differ from the parse of the whole file; so this is a transcription of its
// top-level loop (dockerfile-ast 0.7 lib/parser.js: parse, processInstruction, processArguments,
// processComment, processHeredocs, parseHeredoc), keeping only the offsets and the instruction
// word. Those follow BuildKit's rules (https://docs.docker.com/reference/dockerfile/#parser-directives,
// "Format"): a line continues when it ends with the escape character (trailing spaces allowed),
// comment lines and empty lines inside a continuation belong to it, and a heredoc's body
// (`<<EOF` ... `EOF`, after ADD, COPY and RUN, also as ONBUILD triggers) belongs to its instruction.
// The parser directives at the top (`# syntax=`, `# escape=` in any order) are read by
// dockerfile-ast itself; they decide the escape character of every block.
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export interface InstructionBlock {
  /** The instruction word as dockerfile-ast reads it, upper-cased (its getKeyword()). */
  keyword: string;
  /** Offset of the start of the line the instruction starts on. */
  lineStart: number;
  /** The line of `lineStart`. */
  line: number;
  /** Offset just past the instruction (its last line break excluded, heredoc bodies included). */
  end: number;
}

export interface DockerfileBlocks {
  /** The escape character every instruction is read with. */
  escape: string;
  /** The leading text read for parser directives (a change to it changes every block's reading). */
  header: string;
  blocks: InstructionBlock[];
}

/** The lines before the first line that is not a comment: where parser directives can be. */
function directiveLines(text: string): string {
  let end = 0;
  for (;;) {
    let i = end;
    if (i === 0 && text.charCodeAt(0) === 0xfeff) i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '#') return text.slice(0, end);
    while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    if (i >= text.length) return text;
    end = i + (text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1);
  }
}

const headers = new Map<string, { escape: string; directiveCount: number }>();

function readHeader(header: string): { escape: string; directiveCount: number } {
  let known = headers.get(header);
  if (!known) {
    const parsed = DockerfileParser.parse(header);
    known = { escape: parsed.getEscapeCharacter() || '\\', directiveCount: parsed.getDirectives().length };
    if (headers.size > 64) headers.clear();
    headers.set(header, known);
  }
  return known;
}

/**
 * The text dockerfile-ast parses for one block alone and the number of lines put before it: a line
 * that sets the escape character, or an empty line so that a block never starts the text (where a
 * byte order mark and parser directives are read).
 */
export function standaloneBlockText(
  text: string,
  block: InstructionBlock,
  escape: string,
): { text: string; shift: number } {
  const body = text.slice(block.lineStart, block.end);
  if (block.line === 0) return { text: body, shift: 0 };
  return { text: (escape === '`' ? '# escape=`\n' : '\n') + body, shift: block.line - 1 };
}

/** The escape character of a Dockerfile, as dockerfile-ast reads its parser directives. */
export function dockerfileEscapeCharacter(text: string): string {
  return readHeader(directiveLines(text)).escape;
}

/** The instruction blocks of `text`, as dockerfile-ast delimits its instructions. */
export function dockerfileBlocks(text: string): DockerfileBlocks {
  const header = directiveLines(text);
  const { escape, directiveCount } = readHeader(header);
  return { escape, header, blocks: new BlockScanner(text, escape).scan(directiveCount) };
}

const isBreak = (c: string) => c === '\r' || c === '\n';

class BlockScanner {
  private readonly blocks: InstructionBlock[] = [];
  /** Line starts are counted lazily, up to the last offset asked for. */
  private lineOffset = 0;
  private lineNumber = 0;

  constructor(
    private readonly buffer: string,
    private readonly escape: string,
  ) {}

  scan(directiveCount: number): InstructionBlock[] {
    const b = this.buffer;
    let offset = 0;
    if (directiveCount > 0) offset = this.offsetOfLine(directiveCount);
    else if (b.charCodeAt(0) === 0xfeff) offset = 1;
    for (let i = offset; i < b.length; i++) {
      const c = b[i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
      if (c === '#') i = this.commentEnd(i);
      else i = this.instruction(c, i);
    }
    return this.blocks;
  }

  /** The offset where line `line` starts (TextDocument's line breaks: \r\n, \r, \n), or the end. */
  private offsetOfLine(line: number): number {
    const b = this.buffer;
    let i = 0;
    let l = 0;
    while (l < line && i < b.length) {
      const c = b[i++];
      if (c === '\n' || (c === '\r' && b[i] !== '\n')) l++;
    }
    return l < line ? b.length : i;
  }

  private lineOf(offset: number): number {
    const b = this.buffer;
    for (let i = this.lineOffset; i < offset; i++) {
      const c = b[i];
      if (c === '\n' || (c === '\r' && b[i + 1] !== '\n')) this.lineNumber++;
    }
    this.lineOffset = offset;
    return this.lineNumber;
  }

  private add(keyword: string, start: number, end: number): void {
    let lineStart = start;
    while (lineStart > 0 && !isBreak(this.buffer[lineStart - 1])) lineStart--;
    this.blocks.push({ keyword: keyword.toUpperCase(), lineStart, line: this.lineOf(lineStart), end });
  }

  private commentEnd(start: number): number {
    const b = this.buffer;
    for (let i = start + 1; i < b.length; i++) if (isBreak(b[i])) return i;
    return b.length;
  }

  /** processInstruction: the instruction word, then its arguments. Returns where it ends. */
  private instruction(first: string, start: number): number {
    const b = this.buffer;
    const escape = this.escape;
    let word = first;
    let instructionEnd = -1;
    let escapedInstruction = false;
    instructionCheck: for (let i = start + 1; i < b.length; i++) {
      let c = b[i];
      if (c === escape) {
        escapedInstruction = true;
        c = b.charAt(i + 1);
        if (c === '\r' || c === '\n') {
          if (instructionEnd === -1) instructionEnd = i;
          i++;
        } else if (c === ' ' || c === '\t') {
          for (let j = i + 2; j < b.length; j++) {
            const d = b[j];
            if (d === ' ' || d === '\t') continue;
            if (d === '\r' || d === '\n') {
              i = j;
              continue instructionCheck;
            }
            instructionEnd = i + 1;
            word += escape;
            i = j - 2;
            continue instructionCheck;
          }
          instructionEnd = i + 1;
          word += escape;
          break instructionCheck;
        } else {
          instructionEnd = i + 1;
          word += escape;
          escapedInstruction = false;
        }
        continue;
      }
      switch (c) {
        case ' ':
        case '\t': {
          if (escapedInstruction) {
            let stop = false;
            for (let j = i + 1; j < b.length && !stop; j++) {
              const d = b[j];
              if (d === ' ' || d === '\t') continue;
              if (d === '\r' || d === '\n') {
                i = j;
                continue instructionCheck;
              }
              stop = true;
            }
            escapedInstruction = false;
          }
          if (instructionEnd === -1) instructionEnd = i;
          const end = this.argumentsEnd(word, start, i);
          this.add(word, start, end);
          return end;
        }
        case '\r':
        case '\n':
          if (escapedInstruction) continue;
          this.add(word, start, i);
          return i;
        case '#':
          if (escapedInstruction) continue;
        // falls through: an unescaped `#` is part of the word
        default:
          instructionEnd = i + 1;
          word += c;
          escapedInstruction = false;
      }
    }
    this.add(word, start, b.length);
    return b.length;
  }

  /** processArguments: up to the unescaped line break, then any heredoc bodies. */
  private argumentsEnd(word: string, start: number, offset: number): number {
    const b = this.buffer;
    let escaped = false;
    argumentsCheck: for (let i = offset + 1; i < b.length; i++) {
      const c = b[i];
      if (c === '\r' || c === '\n') {
        if (escaped) continue;
        return this.heredocsEnd(word, start, i);
      }
      if (c === this.escape) {
        const next = b.charAt(i + 1);
        if (next === '\n' || next === '\r') {
          escaped = true;
          i++;
        } else if (next === ' ' || next === '\t') {
          for (let j = i + 2; j < b.length; j++) {
            const d = b[j];
            if (d === ' ' || d === '\t') continue;
            if (d === '\r' || d === '\n') escaped = true;
            i = j;
            continue argumentsCheck;
          }
          return b.length;
        }
        continue;
      }
      if (c === '#') {
        if (escaped) i = this.commentEnd(i);
        continue;
      }
      if (c !== ' ' && c !== '\t' && escaped) escaped = false;
    }
    return b.length;
  }

  /** processHeredocs: the bodies of the heredocs an ADD, COPY or RUN (or such a trigger) opens. */
  private heredocsEnd(word: string, start: number, offset: number): number {
    let keyword = word.toUpperCase();
    if (keyword !== 'ADD' && keyword !== 'COPY' && keyword !== 'RUN' && keyword !== 'ONBUILD') return offset;
    // Only an argument that starts with `<<` opens a heredoc: without a `<` there is none to read.
    if (!this.buffer.slice(start, offset).includes('<')) return offset;
    let args = this.plainArguments(start, offset);
    if (args === undefined) {
      let lineStart = start;
      while (lineStart > 0 && !isBreak(this.buffer[lineStart - 1])) lineStart--;
      const line = this.lineOf(lineStart);
      const alone = standaloneBlockText(this.buffer, { keyword, lineStart, line, end: offset }, this.escape);
      let instruction: Instruction | null = DockerfileParser.parse(alone.text).getInstructions()[0] ?? null;
      if (!instruction) return offset;
      if (keyword === 'ONBUILD') {
        instruction = (
          instruction as Instruction & { getTriggerInstruction(): Instruction | null }
        ).getTriggerInstruction();
        if (instruction === null) return offset;
        keyword = instruction.getKeyword();
      }
      args = instruction.getArguments().map((a) => a.getValue());
    } else if (keyword === 'ONBUILD') {
      if (args.length === 0) return offset;
      keyword = args[0].toUpperCase();
      args = withoutFlags(args.slice(1));
    } else {
      args = withoutFlags(args);
    }
    if (keyword !== 'ADD' && keyword !== 'COPY' && keyword !== 'RUN') return offset;
    const names: string[] = [];
    let tabbed = false;
    for (const value of args) {
      if (value.startsWith('<<') && value.length > 2) {
        if (value.startsWith('<<-')) tabbed = true;
        const name = heredocName(value);
        if (name !== null) names.push(name);
      }
    }
    for (const name of names) offset = this.heredocEnd(name, offset, tabbed);
    return offset;
  }

  /**
   * The words after the instruction word up to `end`, split as dockerfile-ast splits them (on spaces
   * and tabs) when no escape character comes before `end`; undefined otherwise.
   */
  private plainArguments(start: number, end: number): string[] | undefined {
    const b = this.buffer;
    for (let i = start; i < end; i++) if (b[i] === this.escape) return undefined;
    const words = b.slice(start, end).split(/[ \t]+/);
    // The instruction word, and the empty string a trailing space leaves.
    words.shift();
    if (words.length && words[words.length - 1] === '') words.pop();
    return words;
  }

  /** parseHeredoc: the line break after the line that is the heredoc's name alone, or the end. */
  private heredocEnd(name: string, offset: number, tabbed: boolean): number {
    const b = this.buffer;
    let startWord = -1;
    let lineStart = true;
    for (let i = offset; i < b.length; i++) {
      const c = b[i];
      if (c === ' ') lineStart = false;
      else if (c === '\t') {
        if (!tabbed) lineStart = false;
      } else if (c === '\r' || c === '\n') {
        if (startWord !== -1 && name === b.substring(startWord, i)) return i;
        startWord = -1;
        lineStart = true;
      } else if (lineStart) {
        startWord = i;
        lineStart = false;
      }
    }
    return b.length;
  }
}

/**
 * The arguments of ADD, COPY or RUN as dockerfile-ast's getArguments gives them: as many taken off
 * the front as there are flags, the flags being the words that start with `--` before the first
 * word without `--` (modifiableInstruction.js getFlags).
 */
function withoutFlags(words: string[]): string[] {
  let flags = 0;
  for (const word of words) {
    if (!word.includes('--')) break;
    if (word.startsWith('--')) flags++;
  }
  return words.slice(flags);
}

/** dockerfile-ast's Util.parseHeredocName: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`. */
function heredocName(argument: string): string | null {
  let value = argument.substring(2);
  if (value.charAt(0) === '-') value = value.substring(1);
  if (value.charAt(0) === '"') {
    if (value.charAt(value.length - 1) !== '"') return null;
    value = value.substring(1, value.length - 1);
  }
  if (value.charAt(0) === "'") {
    if (value.charAt(value.length - 1) !== "'") return null;
    value = value.substring(1, value.length - 1);
  }
  if (value.charAt(0) === '<') return null;
  return value;
}
