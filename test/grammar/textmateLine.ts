// A small TextMate tokenizer for testing one grammar's own rules with JavaScript regular
// expressions: match and begin/end rules, includes from the repository, captures with names and
// nested patterns, the earliest match winning and ties going to the end pattern, then the first
// pattern listed. Injection into a host grammar is VS Code's part and is not modelled.

export interface GrammarRule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  captures?: Record<string, GrammarCapture>;
  beginCaptures?: Record<string, GrammarCapture>;
  endCaptures?: Record<string, GrammarCapture>;
  patterns?: GrammarRule[];
}
export interface GrammarCapture {
  name?: string;
  patterns?: GrammarRule[];
}
export interface Grammar {
  scopeName: string;
  patterns: GrammarRule[];
  repository: Record<string, GrammarRule>;
}

/** Scopes of every character of a line, outermost first (the grammar's scopeName left out). */
export type LineScopes = string[][];

interface OpenRegion {
  rule: GrammarRule;
}

const compiled = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let r = compiled.get(source);
  if (!r) {
    r = new RegExp(source, 'gd');
    compiled.set(source, r);
  }
  return r;
}

function scopeNames(name: string | undefined): string[] {
  return name ? name.split(/\s+/).filter(Boolean) : [];
}

export class LineTokenizer {
  private stack: OpenRegion[] = [];

  constructor(private readonly grammar: Grammar) {}

  /** Tokenizes the next line; begin/end regions stay open across calls. */
  tokenize(line: string): LineScopes {
    const scopes: LineScopes = Array.from({ length: line.length }, () => []);
    this.run(line, 0, line.length, scopes, this.stack);
    return scopes;
  }

  private expand(patterns: GrammarRule[]): GrammarRule[] {
    return patterns.flatMap((p) => {
      if (p.include) {
        const target = this.grammar.repository[p.include.replace(/^#/, '')];
        if (!target) throw new Error(`unknown include ${p.include}`);
        return target.match || target.begin ? [target] : this.expand(target.patterns ?? []);
      }
      return [p];
    });
  }

  private run(
    line: string,
    from: number,
    to: number,
    scopes: LineScopes,
    stack: OpenRegion[],
    base: GrammarRule[] = this.grammar.patterns,
  ): void {
    // Captured text is tokenized with the line before it in view (as vscode-textmate does), so
    // lookbehinds see what precedes the capture and $ matches at its end.
    const text = line.slice(0, to);
    let pos = from;
    for (let steps = 0; pos <= to && steps < 10_000; steps++) {
      const region = stack[stack.length - 1];
      const outer = stack.flatMap((r) => scopeNames(r.rule.name));
      const candidates: Array<{ rule: GrammarRule; source: string; isEnd: boolean }> = [];
      if (region?.rule.end) candidates.push({ rule: region.rule, source: region.rule.end, isEnd: true });
      for (const rule of this.expand(region ? (region.rule.patterns ?? []) : base)) {
        candidates.push({ rule, source: (rule.match ?? rule.begin)!, isEnd: false });
      }
      let best: { rule: GrammarRule; match: RegExpExecArray; isEnd: boolean } | undefined;
      for (const c of candidates) {
        const r = regex(c.source);
        r.lastIndex = pos;
        const match = r.exec(text);
        if (match && (!best || match.index < best.match.index)) best = { rule: c.rule, match, isEnd: c.isEnd };
      }
      const stop = best ? best.match.index : to;
      for (let i = pos; i < stop; i++) scopes[i].push(...outer);
      if (!best) return;
      const { rule, match, isEnd } = best;
      const end = match.index + match[0].length;
      if (isEnd) {
        this.paint(line, match, outer, rule.endCaptures ?? {}, scopes);
        stack.pop();
      } else if (rule.begin) {
        this.paint(
          line,
          match,
          [...outer, ...scopeNames(rule.name)],
          rule.beginCaptures ?? rule.captures ?? {},
          scopes,
        );
        stack.push({ rule });
      } else {
        this.paint(line, match, [...outer, ...scopeNames(rule.name)], rule.captures ?? {}, scopes);
      }
      if (end > match.index || isEnd || rule.begin) {
        pos = end;
      } else {
        // A zero-width match rule changes nothing: step over one character.
        if (match.index < to) scopes[match.index].push(...outer);
        pos = match.index + 1;
      }
    }
  }

  private paint(
    line: string,
    match: RegExpExecArray,
    outer: string[],
    captures: Record<string, GrammarCapture>,
    scopes: LineScopes,
  ): void {
    const start = match.index;
    const end = start + match[0].length;
    for (let i = start; i < end; i++) scopes[i].push(...outer);
    const indices = match.indices!;
    for (const [key, capture] of Object.entries(captures).sort((a, b) => Number(a[0]) - Number(b[0]))) {
      const span = indices[Number(key)];
      if (!span) continue;
      const [from, to] = span;
      for (let i = from; i < to; i++) scopes[i].push(...scopeNames(capture.name));
      if (capture.patterns) this.run(line, from, to, scopes, [], capture.patterns);
    }
  }
}
