// Variable substitution as Dockerfile FROM lines and compose files do it: `$VAR`, `${VAR}`,
// `${VAR:-default}`, `${VAR-default}` (also `:+`, `+`, `:?`, `?`). Compose writes `$$` for a `$`.

export interface VariableUse {
  name: string;
  /** Offsets of the whole `${...}` or `$NAME` within the text. */
  start: number;
  end: number;
  operator?: ':-' | '-' | ':+' | '+' | ':?' | '?';
  /** Offsets of the word after the operator, when there is one. */
  wordStart?: number;
  wordEnd?: number;
}

export interface Interpolated {
  /** The text with every variable replaced, or undefined when one could not be resolved. */
  value?: string;
  unresolved: string[];
  uses: VariableUse[];
  /** A message for a `${VAR:?message}` whose variable is unset. */
  requiredMessage?: string;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

export function interpolate(
  text: string,
  lookup: (name: string) => string | undefined,
  options: { dollarEscape: boolean } = { dollarEscape: false },
): Interpolated {
  const uses: VariableUse[] = [];
  const unresolved: string[] = [];
  let requiredMessage: string | undefined;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    if (options.dollarEscape && text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (text[i + 1] === '{') {
      const close = findClosingBrace(text, i + 2);
      if (close < 0) {
        // An unterminated `${` is kept literally; the reference parser then reports it.
        out += text.slice(i);
        break;
      }
      const inner = text.slice(i + 2, close);
      NAME.lastIndex = 0;
      const m = NAME.exec(inner);
      if (!m) {
        out += text.slice(i, close + 1);
        i = close + 1;
        continue;
      }
      const name = m[0];
      const after = inner.slice(name.length);
      const op = (['{:-', '{-', '{:+', '{+', '{:?', '{?'] as const)
        .map((o) => o.slice(1) as VariableUse['operator'] & string)
        .find((o) => after.startsWith(o));
      const use: VariableUse = { name, start: i, end: close + 1 };
      if (op) {
        use.operator = op;
        use.wordStart = i + 2 + name.length + op.length;
        use.wordEnd = close;
      } else if (after.length > 0) {
        // `${VAR#x}` and similar shell forms: not something we resolve.
        uses.push(use);
        unresolved.push(name);
        i = close + 1;
        continue;
      }
      uses.push(use);
      const current = lookup(name);
      const word = op ? inner.slice(name.length + op.length) : '';
      const wordValue = op ? interpolate(word, lookup, options) : undefined;
      const setAndNonEmpty = current !== undefined && current !== '';
      let replacement: string | undefined;
      switch (op) {
        case undefined:
          replacement = current;
          break;
        case ':-':
          replacement = setAndNonEmpty ? current : wordValue!.value;
          break;
        case '-':
          replacement = current !== undefined ? current : wordValue!.value;
          break;
        case ':+':
          replacement = setAndNonEmpty ? wordValue!.value : '';
          break;
        case '+':
          replacement = current !== undefined ? wordValue!.value : '';
          break;
        case ':?':
        case '?':
          replacement = (op === ':?' ? setAndNonEmpty : current !== undefined) ? current : undefined;
          if (replacement === undefined) requiredMessage = word || `${name} is required`;
          break;
      }
      if (replacement === undefined) unresolved.push(name);
      else out += replacement;
      i = close + 1;
      continue;
    }
    NAME.lastIndex = i + 1;
    const m = NAME.exec(text);
    if (!m) {
      out += ch;
      i++;
      continue;
    }
    const name = m[0];
    uses.push({ name, start: i, end: i + 1 + name.length });
    const current = lookup(name);
    if (current === undefined) unresolved.push(name);
    else out += current;
    i += 1 + name.length;
  }
  return { value: unresolved.length ? undefined : out, unresolved, uses, requiredMessage };
}

function findClosingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '{' && text[j - 1] === '$') depth++;
    else if (text[j] === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

/** Parses a `.env` file the way compose does: `KEY=value`, quotes, `export`, comments. */
export function parseDotEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (value.startsWith('"')) {
      const end = value.indexOf('"', 1);
      value = (end > 0 ? value.slice(1, end) : value.slice(1)).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      value = end > 0 ? value.slice(1, end) : value.slice(1);
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    env.set(m[1], value);
  }
  return env;
}
