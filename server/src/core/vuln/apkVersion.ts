// Alpine apk version order (apk-package(5) "pkgver": number{.number}...{letter}{_suffix{number}}...
// {~hash}{-r#}), compared token by token the way apk-tools does: numbers numerically, except that a
// later number starting with 0 compares as a decimal fraction (apk-tools 3: 1.010 < 1.09); suffixes
// _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p; and when one version ends
// where the other goes on, the longer one is newer unless what follows is a pre-release suffix.

type TokenKind = 'invalid' | 'digit' | 'letter' | 'suffix' | 'suffixNumber' | 'revision' | 'end';

/** apk-tools' token order: where two versions part ways, the one whose next token ranks higher is older. */
const RANK: Record<TokenKind, number> = {
  invalid: -1,
  digit: 1,
  letter: 2,
  suffix: 3,
  suffixNumber: 4,
  revision: 5,
  end: 6,
};

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

interface Token {
  kind: TokenKind;
  value: number;
  /** Digits as written, for the leading-zero rule. */
  digits?: string;
  first?: boolean;
}

function tokenize(version: string): Token[] {
  const tokens: Token[] = [];
  let rest = version;
  const first = /^\d+/.exec(rest);
  if (!first) return [{ kind: 'invalid', value: 0 }];
  tokens.push({ kind: 'digit', value: Number(first[0]), digits: first[0], first: true });
  rest = rest.slice(first[0].length);
  let previous: TokenKind = 'digit';
  while (rest.length) {
    let m: RegExpExecArray | null;
    if (previous === 'digit' && (m = /^\.(\d+)/.exec(rest))) {
      tokens.push({ kind: 'digit', value: Number(m[1]), digits: m[1] });
    } else if (previous === 'letter' && (m = /^\d+/.exec(rest))) {
      // `6.6.2p1`: digits right after the letter (OpenSSH's portable releases) are a number of their own.
      tokens.push({ kind: 'digit', value: Number(m[0]), digits: m[0] });
    } else if (previous === 'digit' && (m = /^[a-z]/.exec(rest))) {
      tokens.push({ kind: 'letter', value: m[0].charCodeAt(0) });
    } else if (
      (previous === 'digit' || previous === 'letter' || previous === 'suffixNumber' || previous === 'suffix') &&
      rest[0] === '_'
    ) {
      const name = /^_([a-z]*)/.exec(rest)![1];
      const pre = PRE_SUFFIXES.findIndex((s) => name.startsWith(s));
      const post = pre < 0 ? POST_SUFFIXES.findIndex((s) => name.startsWith(s)) : -1;
      if (name === '') {
        // `1.2_`: apk-tools reads an empty suffix as the end of a post-release suffix.
        tokens.push({ kind: 'suffix', value: 0 });
        m = /^_/.exec(rest)!;
      } else if (pre >= 0 || post >= 0) {
        const suffix = pre >= 0 ? PRE_SUFFIXES[pre] : POST_SUFFIXES[post];
        tokens.push({ kind: 'suffix', value: pre >= 0 ? pre - PRE_SUFFIXES.length : post });
        const number = /^\d*/.exec(rest.slice(1 + suffix.length))![0];
        if (number) tokens.push({ kind: 'suffixNumber', value: Number(number) });
        m = { 0: `_${suffix}${number}` } as unknown as RegExpExecArray;
      } else {
        // An unknown suffix sorts like a pre-release, and nothing after it counts.
        tokens.push({ kind: 'suffix', value: -1 }, { kind: 'invalid', value: 0 });
        return tokens;
      }
    } else if ((m = /^~[0-9a-f]+/.exec(rest))) {
      // A commit hash says nothing about order.
    } else if ((m = /^-r(\d*)/.exec(rest))) {
      tokens.push({ kind: 'revision', value: Number(m[1]) });
    } else {
      tokens.push({ kind: 'invalid', value: 0 });
      return tokens;
    }
    previous = tokens[tokens.length - 1].kind;
    rest = rest.slice(m[0].length);
  }
  tokens.push({ kind: 'end', value: 0 });
  return tokens;
}

function compareValues(a: Token, b: Token): number {
  if (a.kind === 'digit' && !a.first && !b.first && (a.digits!.startsWith('0') || b.digits!.startsWith('0'))) {
    return a.digits! < b.digits! ? -1 : a.digits! > b.digits! ? 1 : 0;
  }
  return Math.sign(a.value - b.value);
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b` in apk's order. */
export function compareApkVersions(a: string, b: string): number {
  const ta = tokenize(a);
  const tb = tokenize(b);
  // Neither is an apk version at all: `apk version -t` still orders them, as plain strings.
  if (ta[0].kind === 'invalid' && tb[0].kind === 'invalid') return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; ; i++) {
    const x = ta[i];
    const y = tb[i];
    if (x.kind === y.kind) {
      if (x.kind === 'end' || x.kind === 'invalid') return 0;
      const diff = compareValues(x, y);
      if (diff) return diff;
      continue;
    }
    if (x.kind === 'suffix' && x.value < 0) return -1;
    if (y.kind === 'suffix' && y.value < 0) return 1;
    return RANK[x.kind] > RANK[y.kind] ? -1 : 1;
  }
}
