// A reader for the compose files most people write: block mappings and sequences indented with
// spaces, one-line plain and quoted scalars, one-line flow sequences of scalars, block scalars and
// comments. It reads such a file about ten times faster than composing a `yaml` Document,
// which is most of the cost of checking a compose file. Anything else (anchors, aliases, tags,
// multi-line flow or plain scalars, escapes, tabs, unusual characters, document markers, and every
// form YAML rejects) makes it give up, and the caller reads the file with `yaml`: the reader says
// "unsure" instead of guessing, so it can only be faster, never different. A differential test
// holds it to what extraction reads from `yaml` over real, generated and mutated files.

/** A scalar as written: plain, quoted, or a block scalar (whose value this reader does not read). */
export interface QuickScalar {
  kind: 'scalar';
  type: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK';
  /** Offsets of the scalar, quotes included: start, end of the value, end of the node. */
  range: [number, number, number];
  /** The characters between the quotes, or the plain text without trailing spaces. */
  text: string;
}

export interface QuickMap {
  kind: 'map';
  /** Keys in the order first written; a key written twice keeps its last value. */
  entries: Map<string, QuickEntry>;
}

export interface QuickEntry {
  keyStart: number;
  value: QuickNode | null;
}

/** A sequence or flow collection: extraction reads nothing inside it. */
export interface QuickOther {
  kind: 'other';
}

export type QuickNode = QuickScalar | QuickMap | QuickOther;

/** Thrown where the reader cannot be sure it reads the text as `yaml` would. */
export const UNSURE: Error = new Error('not an ordinary compose file');

// The YAML 1.2 core schema's tags for plain scalars (as the `yaml` package resolves them).
const CORE_NULL = /^(?:~|[Nn]ull|NULL)?$/;
const CORE_NOT_STRING =
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

/** A scalar's value as the core schema reads it; unsure for booleans, numbers and block scalars. */
export function quickScalarValue(scalar: QuickScalar): string | null {
  if (scalar.type === 'BLOCK') throw UNSURE;
  if (scalar.type !== 'PLAIN') return scalar.text;
  if (CORE_NULL.test(scalar.text)) return null;
  if (CORE_NOT_STRING.test(scalar.text)) throw UNSURE;
  return scalar.text;
}

/**
 * Printable characters of the Basic Multilingual Plane and line feeds (a carriage return only
 * before a line feed); not tabs, the line and paragraph separators, a byte order mark or
 * characters outside the plane.
 */
const UNUSUAL_CHARACTER = /[^\n\r\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]|\r(?!\n)/;

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DQUOTE = 34;
const SQUOTE = 39;

/** Characters of the keys this reader accepts: `web`, `x-common`, `com.example.label`, `a/b`. */
function isKeyCharacter(c: number, first: boolean): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) return true;
  return !first && (c === 46 || c === 45 || c === 47);
}

/**
 * The document's top mapping, `null` for a document with no content, or `undefined` when the
 * reader is unsure and the caller must read the text with `yaml`.
 */
export function readComposeQuickly(text: string): QuickMap | null | undefined {
  if (UNUSUAL_CHARACTER.test(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}

class Reader {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indents: number[] = [];
  /** Lines that hold a node (not blank, not only a comment). */
  private readonly content: boolean[] = [];
  private readonly count: number;

  constructor(private readonly text: string) {
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      const next = end < 0 ? text.length + 1 : end + 1;
      if (end < 0) end = text.length;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      let indent = start;
      while (indent < end && text.charCodeAt(indent) === SPACE) indent++;
      const first = indent < end ? text.charCodeAt(indent) : -1;
      // Directives and document markers start or end documents: not for this reader.
      if (indent === start && (first === 37 || /^(?:---|\.\.\.)(?: |$)/.test(text.slice(start, start + 4))))
        throw UNSURE;
      this.starts.push(start);
      this.ends.push(end);
      this.indents.push(indent - start);
      this.content.push(first !== -1 && first !== HASH);
      start = next;
    }
    this.count = this.starts.length;
  }

  document(): QuickMap | null {
    const first = this.nextContent(0);
    if (first >= this.count) return null;
    if (this.indents[first] !== 0 || this.isSequenceEntry(first)) throw UNSURE;
    const [map, after] = this.mapping(first, 0);
    if (after < this.count) throw UNSURE;
    return map;
  }

  private code(offset: number): number {
    return this.text.charCodeAt(offset);
  }

  private nextContent(line: number): number {
    while (line < this.count && !this.content[line]) line++;
    return line;
  }

  /** `-` followed by a space or the line's end, at the line's indentation. */
  private isSequenceEntry(line: number): boolean {
    const at = this.starts[line] + this.indents[line];
    return this.code(at) === DASH && (at + 1 >= this.ends[line] || this.code(at + 1) === SPACE);
  }

  /** The end of a key written at `at` (just before its `:`), or -1 when none is written there. */
  private keyEnd(at: number, end: number): number {
    if (!isKeyCharacter(this.code(at), true)) return -1;
    let k = at + 1;
    while (k < end && isKeyCharacter(this.code(k), false)) k++;
    if (k >= end || this.code(k) !== COLON) return -1;
    if (k + 1 < end && this.code(k + 1) !== SPACE) return -1;
    return k;
  }

  /** A block mapping whose first key is at `column` of `line`; returns it and the next content line. */
  private mapping(line: number, column: number): [QuickMap, number] {
    const entries = new Map<string, QuickEntry>();
    let at = this.starts[line] + column;
    for (;;) {
      const end = this.ends[line];
      const keyEnd = this.keyEnd(at, end);
      if (keyEnd < 0) throw UNSURE;
      const key = this.text.slice(at, keyEnd);
      if (key.length > 1000 || CORE_NULL.test(key) || CORE_NOT_STRING.test(key)) throw UNSURE;
      const [value, next] = this.value(line, keyEnd + 1, column, true);
      // `yaml` keeps both pairs of a repeated key; extraction reads the last one in the place of
      // the first (a Map's set).
      entries.set(key, { keyStart: at, value });
      if (next >= this.count || this.indents[next] < column) return [{ kind: 'map', entries }, next];
      if (this.indents[next] > column || this.isSequenceEntry(next)) throw UNSURE;
      line = next;
      at = this.starts[line] + column;
    }
  }

  /**
   * A block sequence whose entries start at `column`. `inMapping`: it is the value of a mapping
   * key at the same indentation, so it ends at the next key there.
   */
  private sequence(line: number, column: number, inMapping: boolean): [QuickOther, number] {
    for (;;) {
      const dash = this.starts[line] + column;
      let at = dash + 1;
      while (at < this.ends[line] && this.code(at) === SPACE) at++;
      let next: number;
      if (at < this.ends[line] && this.keyEnd(at, this.ends[line]) >= 0) {
        // A mapping in the entry (`- name: x`): its keys line up with the first one.
        [, next] = this.mapping(line, at - this.starts[line]);
      } else {
        [, next] = this.value(line, dash + 1, column, false);
      }
      if (next >= this.count || this.indents[next] < column) return [{ kind: 'other' }, next];
      if (this.indents[next] > column) throw UNSURE;
      if (!this.isSequenceEntry(next)) {
        if (inMapping) return [{ kind: 'other' }, next];
        throw UNSURE;
      }
      line = next;
    }
  }

  /**
   * The value after a key's `:` or an entry's `-` (from offset `from` of `line`), in a collection
   * indented by `indent`; returns it and the next content line.
   */
  private value(line: number, from: number, indent: number, inMapping: boolean): [QuickNode | null, number] {
    const end = this.ends[line];
    let at = from;
    while (at < end && this.code(at) === SPACE) at++;
    if (at >= end || this.code(at) === HASH) {
      // Nothing on the line: the value is the collection on the next lines, or null.
      const next = this.nextContent(line + 1);
      if (next < this.count) {
        const column = this.indents[next];
        if (column > indent) {
          if (this.isSequenceEntry(next)) return this.sequence(next, column, false);
          return this.mapping(next, column);
        }
        if (inMapping && column === indent && this.isSequenceEntry(next)) return this.sequence(next, column, true);
      }
      return [{ kind: 'scalar', type: 'PLAIN', range: [at, at, at], text: '' }, next];
    }
    let node: QuickNode;
    let after: number;
    const c = this.code(at);
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.text.indexOf(c === DQUOTE ? '"' : "'", at + 1);
      if (close < 0 || close >= end) throw UNSURE;
      const inner = this.text.slice(at + 1, close);
      // Escapes (`\` in double quotes, `''` in single quotes) are left to `yaml`.
      if (c === DQUOTE ? inner.includes('\\') : this.code(close + 1) === SQUOTE) throw UNSURE;
      const type = c === DQUOTE ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
      node = { kind: 'scalar', type, range: [at, close + 1, close + 1], text: inner };
      after = close + 1;
    } else if (c === 91 || c === 123) {
      after = this.flow(at, end);
      node = { kind: 'other' };
    } else if (c === 124 || c === 62) {
      return this.blockScalar(line, at, indent);
    } else if (c === DASH || c === 63 || c === COLON) {
      // `- `, `? ` and `: ` here are structure YAML does not allow in this place.
      if (at + 1 >= end || this.code(at + 1) === SPACE) throw UNSURE;
      [node, after] = this.plain(at, end);
    } else if (
      c === 38 ||
      c === 42 ||
      c === 33 ||
      c === 37 ||
      c === 64 ||
      c === 96 ||
      c === 44 ||
      c === 93 ||
      c === 125
    ) {
      // Anchors, aliases, tags and reserved or flow indicators.
      throw UNSURE;
    } else {
      [node, after] = this.plain(at, end);
    }
    this.lineTail(after, end);
    // A more indented line next would continue a multi-line scalar: the collection that reads
    // this value gives up on it.
    return [node, this.nextContent(line + 1)];
  }

  /** After a value: only spaces, then nothing or a comment after a space. */
  private lineTail(at: number, end: number): void {
    let p = at;
    while (p < end && this.code(p) === SPACE) p++;
    if (p < end && !(this.code(p) === HASH && p > at)) throw UNSURE;
  }

  /** A plain scalar on one line in block context: it ends at ` #` or the line's end. */
  private plain(at: number, end: number): [QuickScalar, number] {
    let last = at;
    let p = at;
    for (; p < end; p++) {
      const c = this.code(p);
      if (c === COLON) {
        // `: ` inside a value would start a mapping where YAML allows none.
        if (p + 1 >= end || this.code(p + 1) === SPACE) throw UNSURE;
      } else if (c === HASH && this.code(p - 1) === SPACE) break;
      if (c !== SPACE) last = p + 1;
    }
    return [{ kind: 'scalar', type: 'PLAIN', range: [at, last, last], text: this.text.slice(at, last) }, last];
  }

  /**
   * A flow collection closed on the same line: `[]`, `{}`, or a sequence of quoted scalars and
   * plain words. Returns the offset after its closing bracket.
   */
  private flow(at: number, end: number): number {
    const skip = (p: number) => {
      while (p < end && this.code(p) === SPACE) p++;
      return p;
    };
    let p = skip(at + 1);
    if (this.code(at) === 123) {
      if (this.code(p) !== 125) throw UNSURE;
      return p + 1;
    }
    if (this.code(p) === 93) return p + 1;
    for (;;) {
      const c = this.code(p);
      if (p >= end) throw UNSURE;
      if (c === DQUOTE || c === SQUOTE) {
        const close = this.text.indexOf(c === DQUOTE ? '"' : "'", p + 1);
        if (close < 0 || close >= end) throw UNSURE;
        if (c === DQUOTE ? this.text.slice(p + 1, close).includes('\\') : this.code(close + 1) === SQUOTE) throw UNSURE;
        p = skip(close + 1);
      } else {
        // A plain word: letters, digits and `_ . / - + = $ ~ @ %` after its first character.
        if (!isKeyCharacter(c, true) && c !== 36 && c !== 47 && c !== 46) throw UNSURE;
        let q = p + 1;
        for (; q < end; q++) {
          const d = this.code(q);
          if (isKeyCharacter(d, false) || d === 36 || d === 43 || d === 61 || d === 126 || d === 64 || d === 37)
            continue;
          if (d === SPACE && q + 1 < end && isKeyCharacter(this.code(q + 1), false)) continue;
          break;
        }
        p = skip(q);
      }
      const d = this.code(p);
      if (d === 93) return p + 1;
      if (d !== 44) throw UNSURE;
      p = skip(p + 1);
      if (this.code(p) === 93) return p + 1;
    }
  }

  /**
   * A block scalar (`|`, `>`, with a chomping indicator) in a collection indented by `indent`: its
   * lines are those indented like its first non-empty line, which must be more than `indent`.
   */
  private blockScalar(line: number, at: number, indent: number): [QuickScalar, number] {
    const end = this.ends[line];
    let p = at + 1;
    if (p < end && (this.code(p) === 43 || this.code(p) === DASH)) p++;
    // An explicit indentation indicator is left to `yaml`.
    if (p < end && this.code(p) !== SPACE) throw UNSURE;
    this.lineTail(p, end);
    let contentIndent = -1;
    let next = line + 1;
    for (; next < this.count; next++) {
      const length = this.ends[next] - this.starts[next];
      const blank = this.indents[next] === length;
      if (blank) {
        // Spaces on an empty line before the first content line decide nothing here.
        if (contentIndent < 0 && length > 0) throw UNSURE;
        continue;
      }
      if (contentIndent < 0) {
        if (this.indents[next] <= indent) break;
        contentIndent = this.indents[next];
      } else if (this.indents[next] < contentIndent) break;
    }
    const after = this.nextContent(next);
    const stop = next < this.count ? this.starts[next] : this.text.length;
    return [{ kind: 'scalar', type: 'BLOCK', range: [at, stop, stop], text: '' }, after];
  }
}
