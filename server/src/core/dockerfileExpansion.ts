// Expands one Dockerfile word the way BuildKit's shell lexer does before it reads an image name
// (https://docs.docker.com/reference/dockerfile/#environment-replacement): single quotes are
// literal, double quotes allow `$` expansion and escape `"`, `$` and the escape character, the
// escape character (`\` or the `# escape=` one) quotes the next character, and `$NAME`, `${NAME}`,
// `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`, `${NAME:?word}`,
// `${NAME?word}`, `${NAME#pattern}`, `${NAME##pattern}`, `${NAME%pattern}`, `${NAME%%pattern}`,
// `${NAME/pattern/replacement}` and `${NAME//pattern/replacement}` are replaced. Where a value is
// not known here (an ARG without a default, an automatic platform ARG) the result is unknown and
// the names are reported, never guessed.
import type { VariableUse } from './interpolate';

/** A variable whose value exists at build time but not in the file (platform ARGs, --build-arg). */
export const UNKNOWN_VALUE: unique symbol = Symbol('unknown value');
export type WordLookup = (name: string) => string | typeof UNKNOWN_VALUE | undefined;

export interface ExpandedWord {
  /** The expanded text, or undefined when it depends on a value not known here. */
  value?: string;
  /** Variables whose unknown value the result depends on. */
  unknown: string[];
  /** Variables that were unset where their value (not a fallback) was used: they expand to "". */
  unsetUsed: string[];
  /** Top-level `$NAME` / `${...}` uses with offsets in the word. */
  uses: VariableUse[];
  /** True when the word contains quotes or escape characters (its text is not the value). */
  quotedOrEscaped: boolean;
  /** The lexer's error, as BuildKit words it (the build fails with it). */
  error?: string;
}

class Unknown extends Error {}
class LexError extends Error {}

export function expandDockerfileWord(word: string, lookup: WordLookup, escape = '\\'): ExpandedWord {
  const state = { unknown: new Set<string>(), unsetUsed: new Set<string>(), uses: [] as VariableUse[], quoted: false };
  const lexer = new WordLexer(word, lookup, escape, state);
  let value: string | undefined;
  let error: string | undefined;
  try {
    value = lexer.processUntil(undefined, false, 0);
  } catch (e) {
    if (e instanceof LexError) error = e.message;
    else if (!(e instanceof Unknown)) throw e;
  }
  if (state.unknown.size) value = undefined;
  return {
    value: error ? undefined : value,
    unknown: [...state.unknown],
    unsetUsed: [...state.unsetUsed],
    uses: state.uses,
    quotedOrEscaped: state.quoted,
    error,
  };
}

interface LexState {
  unknown: Set<string>;
  unsetUsed: Set<string>;
  uses: VariableUse[];
  quoted: boolean;
}

class WordLexer {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly lookup: WordLookup,
    private readonly escape: string,
    private readonly state: LexState,
  ) {}

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  /** Reads until `stop` (consumed) or the end; `depth` 0 is the word itself. */
  processUntil(stop: string | undefined, rawEscapes: boolean, depth: number): string {
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (stop !== undefined && ch === stop) {
        this.pos++;
        return out;
      }
      if (ch === '$') {
        out += this.dollar(depth);
      } else if (ch === "'") {
        this.state.quoted = true;
        out += this.singleQuoted();
      } else if (ch === '"') {
        this.state.quoted = true;
        out += this.doubleQuoted(depth);
      } else {
        this.pos++;
        if (ch === this.escape) {
          this.state.quoted = true;
          if (rawEscapes) out += ch;
          if (this.pos >= this.text.length) break;
          out += this.text[this.pos++];
        } else out += ch;
      }
    }
    if (stop !== undefined) throw new LexError(`syntax error: missing '${stop}'`);
    return out;
  }

  private singleQuoted(): string {
    const end = this.text.indexOf("'", this.pos + 1);
    if (end < 0) throw new LexError('unexpected end of statement while looking for matching single-quote');
    const inner = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return inner;
  }

  private doubleQuoted(depth: number): string {
    this.pos++;
    let out = '';
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch === '$') {
        out += this.dollar(depth);
        continue;
      }
      this.pos++;
      if (ch === this.escape) {
        const next = this.peek();
        if (next === undefined) continue;
        if (next === '"' || next === '$' || next === this.escape) {
          this.pos++;
          out += next;
          continue;
        }
      }
      out += ch;
    }
  }

  private name(): string {
    const rest = this.text.slice(this.pos);
    // A leading digit run and the shell's special parameters are names of their own, as in sh.
    const name = /^(?:[0-9]+|[@*#?$!-]|[\p{L}\p{N}_]+)/u.exec(rest)?.[0] ?? '';
    this.pos += name.length;
    return name;
  }

  private get(name: string): string | typeof UNKNOWN_VALUE | undefined {
    return this.lookup(name);
  }

  private valueOf(name: string): string {
    const value = this.get(name);
    if (value === UNKNOWN_VALUE) {
      this.state.unknown.add(name);
      throw new Unknown();
    }
    if (value === undefined) {
      this.state.unsetUsed.add(name);
      return '';
    }
    return value;
  }

  private dollar(depth: number): string {
    const start = this.pos;
    this.pos++;
    if (this.peek() !== '{') {
      const name = this.name();
      if (!name) return '$';
      if (depth === 0) this.state.uses.push({ name, start, end: this.pos });
      return this.valueOf(name);
    }
    this.pos++;
    const first = this.peek();
    if (first === undefined) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution');
    const name = this.name();
    const op = this.text[this.pos++];
    const use: VariableUse = { name, start, end: start };
    const record = () => {
      use.end = this.pos;
      if (depth === 0) this.state.uses.push(use);
    };
    if (op === '}') {
      record();
      return this.valueOf(name);
    }
    if (op === undefined) throw new LexError("syntax error: missing '}'");
    let operator = op;
    let nullIsUnset = false;
    if (op === ':') {
      nullIsUnset = true;
      operator = this.text[this.pos++] ?? '';
    }
    if (operator === '/' && !nullIsUnset) return this.replace(name, record);
    if (!['+', '-', '?', '#', '%'].includes(operator))
      throw new LexError(`unsupported modifier (${op}${nullIsUnset ? operator : ''}) in substitution`);
    const rawEscapes = operator === '#' || operator === '%';
    if (nullIsUnset && rawEscapes) throw new LexError(`unsupported modifier (:${operator}) in substitution`);
    const wordStart = this.pos;
    const word = this.processUntil('}', rawEscapes, depth + 1);
    use.operator = (nullIsUnset ? `:${operator}` : operator) as VariableUse['operator'];
    use.wordStart = wordStart;
    use.wordEnd = this.pos - 1;
    record();
    const value = this.get(name);
    if (value === UNKNOWN_VALUE) {
      this.state.unknown.add(name);
      throw new Unknown();
    }
    const set = value !== undefined && !(nullIsUnset && value === '');
    switch (operator) {
      case '-':
        return set ? value! : word;
      case '+':
        return set ? word : '';
      case '?':
        if (!set)
          throw new LexError(
            `${name}: ${word || (value === undefined ? 'is not allowed to be unset' : 'is not allowed to be empty')}`,
          );
        return value!;
      default: {
        const current = value ?? '';
        const greedy = word.startsWith(operator);
        const pattern = greedy ? word.slice(1) : word;
        return operator === '#' ? trimPrefix(pattern, current, greedy) : trimSuffix(pattern, current, greedy);
      }
    }
  }

  private replace(name: string, record: () => void): string {
    const all = this.peek() === '/';
    if (all) this.pos++;
    const pattern = this.processUntil('/', true, 1);
    const replacement = this.processUntil('}', true, 1);
    record();
    const value = this.get(name);
    if (value === UNKNOWN_VALUE) {
      this.state.unknown.add(name);
      throw new Unknown();
    }
    const re = shellPatternToRegex(pattern, true, false, all);
    return (value ?? '').replace(re, () => replacement);
  }
}

/** A shell glob (`*`, `?`, `\` escapes) as a regular expression; `*` is lazy unless greedy. */
function shellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  let out = anchored ? '^' : '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') out += greedy ? '.*' : '.*?';
    else if (ch === '?') out += '.';
    else if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\')
        throw new LexError(`invalid pattern (${pattern}) in substitution`);
      out += `\\${next}`;
      i++;
    } else out += /[[\]{}.+()|^$]/.test(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(out, global ? 'gu' : 'u');
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = shellPatternToRegex(pattern, greedy, true).exec(value);
  return m ? value.slice(m[0].length) : value;
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  // As BuildKit does: reverse the pattern and the value, trim the prefix, reverse back.
  const reversedPattern: string[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length;) {
    if (chars[i] === '\\' && i !== chars.length - 1) {
      reversedPattern.unshift(chars[i], chars[i + 1]);
      i += 2;
    } else {
      reversedPattern.unshift(chars[i]);
      i++;
    }
  }
  const reversed = [...value].reverse().join('');
  return [...trimPrefix(reversedPattern.join(''), reversed, greedy)].reverse().join('');
}
