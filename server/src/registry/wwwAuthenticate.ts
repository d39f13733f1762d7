// A tokenizer for WWW-Authenticate (RFC 9110 §11.6.1). One header may hold several challenges
// (`Bearer realm=..,service=..,Basic realm=..`), values may be quoted or bare, and a quoted scope
// holds commas and colons (`repository:a/b:pull,push`), so splitting on commas is wrong.

export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`, ... */
  scheme: string;
  /** Lower-cased parameter names → values, unquoted. */
  params: Record<string, string>;
  /** A token68 instead of parameters (rare in registries). */
  token68?: string;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((h) => parseWwwAuthenticate(h));
  const text = header;
  let i = 0;
  const challenges: AuthChallenge[] = [];
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < text.length && TOKEN_CHAR.test(text[i])) i++;
    return text.slice(start, i);
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let value = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      value += text[i++];
    }
    i++; // closing quote (or end)
    return value;
  };

  while (i < text.length) {
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    const scheme = readToken();
    if (!scheme) {
      i++; // a character no grammar allows here: skip it rather than loop
      continue;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skipSpace();
    // Parameters until the next token that is followed by a space and not by `=` (a new scheme).
    while (i < text.length) {
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      const save = i;
      const name = readToken();
      if (!name) {
        i++;
        continue;
      }
      skipSpace();
      if (text[i] !== '=') {
        // `name` is the next challenge's scheme.
        i = save;
        break;
      }
      // token68 ends in `=` padding: `Basic dXNlcg==`
      if (
        Object.keys(challenge.params).length === 0 &&
        challenge.token68 === undefined &&
        /^=+\s*(,|$)/.test(text.slice(i))
      ) {
        const m = /^=+/.exec(text.slice(i))!;
        challenge.token68 = name + m[0];
        i += m[0].length;
        continue;
      }
      i++; // '='
      skipSpace();
      let value: string;
      if (text[i] === '"') value = readQuoted();
      else {
        const start = i;
        while (i < text.length && text[i] !== ',' && text[i] !== ' ' && text[i] !== '\t') i++;
        value = text.slice(start, i);
      }
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}

/** The challenge to answer: Bearer when offered (what registries mean), else Basic. */
export function pickChallenge(challenges: AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
