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

/**
 * Parses a `.env` file as Compose does (spec "Interpolation" and the `.env` file format of
 * https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file):
 * `KEY=value`, `export`, comments, `KEY` alone (taken from the environment). Unquoted and
 * double-quoted values are interpolated with the environment first, then the values above them;
 * double-quoted values also take `\n`-style escapes and may span lines; single-quoted values are
 * literal. A value that uses a variable set nowhere is left out (unknown), never guessed.
 */
export function parseDotEnv(
  text: string,
  lookup: (name: string) => string | undefined = () => undefined,
): Map<string, string> {
  const env = new Map<string, string>();
  const get = (name: string) => lookup(name) ?? env.get(name);
  const source = text.replace(/\r\n?/g, '\n');
  let pos = 0;
  while (pos < source.length) {
    const lineEnd = source.indexOf('\n', pos) < 0 ? source.length : source.indexOf('\n', pos);
    const line = source.slice(pos, lineEnd);
    const m = /^\s*(?:export\s+)?([A-Za-z0-9_.\-[\]]+)\s*([=:])?[ \t]*/.exec(line);
    if (!line.trim() || line.trim().startsWith('#') || !m) {
      pos = lineEnd + 1;
      continue;
    }
    const key = m[1];
    if (!m[2]) {
      // `KEY` alone inherits the environment's value; anything else on the line is not valid.
      if (line.trim() === key && lookup(key) !== undefined) env.set(key, lookup(key)!);
      pos = lineEnd + 1;
      continue;
    }
    const valueStart = pos + m[0].length;
    const quote = source[valueStart];
    if (quote === '"' || quote === "'") {
      let chars = '';
      let escaped = false;
      let end = -1;
      for (let i = valueStart + 1; i < source.length; i++) {
        const ch = source[i];
        if (ch !== quote) {
          if (!escaped && ch === '\\') {
            escaped = true;
            continue;
          }
          if (escaped) chars += '\\';
          escaped = false;
          chars += ch;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += ch;
          continue;
        }
        end = i;
        break;
      }
      if (end < 0) {
        // An unterminated quote: Compose refuses the file; take nothing from this line on.
        break;
      }
      if (quote === "'") env.set(key, chars);
      else {
        const result = interpolate(expandEscapes(chars), get, { dollarEscape: true });
        if (result.value !== undefined) env.set(key, result.value);
      }
      const after = source.indexOf('\n', end);
      pos = after < 0 ? source.length : after + 1;
      continue;
    }
    let value = source.slice(valueStart, lineEnd);
    const comment = value.indexOf(' #');
    if (comment >= 0) value = value.slice(0, comment);
    value = value.trimEnd();
    const result = interpolate(value, get, { dollarEscape: true });
    if (result.value !== undefined) env.set(key, result.value);
    pos = lineEnd + 1;
  }
  return env;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Shell-style escapes of a double-quoted `.env` value; `\$` is a literal dollar (`$$`). */
function expandEscapes(value: string): string {
  return value.replace(/\\([ntrabfv\\"'$])/g, (_, c: string) => (c === '$' ? '$$' : ESCAPES[c]));
}
