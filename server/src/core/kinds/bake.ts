// Images in Docker Bake files. A bake target builds a Dockerfile whose bases are checked there;
// what bake adds is named contexts that replace a base: `contexts = { alpine =
// "docker-image://alpine:3.20" }` makes every `FROM alpine` of that target pull the given image
// (Docker Docs, "Using Bake with additional contexts", "Pinning alpine image"; BuildKit named
// contexts: a context whose name is the image name replaces it). Other context values (a folder,
// a git or HTTP URL, `target:name`, `oci-layout://`) are not registry images.
// HCL is read with a small scanner that understands comments, strings with `${}` and heredocs:
// enough to find `target` blocks and their `contexts` attribute, no more.
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { LineIndex } from '../lineIndex';
import { suppressedRulesAbove } from '../suppression';
import type { DocumentProblem, ExtractionResult, ImageOccurrence } from '../types';

const DOCKER_IMAGE = 'docker-image://';

/** One named context of a target that replaces a base image. */
export interface BakeOverride {
  target: string;
  /** The context name: the image name in FROM it replaces (`alpine`, `alpine:3.20`). */
  name: string;
  /** The image it pulls instead. */
  image: string;
  /** The target's `dockerfile` attribute when it is a plain string. */
  dockerfile?: string;
  /** The target's `context` attribute when it is a plain string. */
  context?: string;
  /** Where the reference text is, offsets into the file. */
  start: number;
  end: number;
  /** Offsets of the written text (for escapes) and whether it holds `${}` interpolation. */
  written: string;
}

export function extractBakeImages(text: string, fileName = 'docker-bake.hcl'): ExtractionResult {
  const lines = new LineIndex(text);
  const problems: DocumentProblem[] = [];
  const json = fileName.endsWith('.json');
  const overrides = json ? bakeJsonOverrides(text, problems, lines) : bakeHclOverrides(text);
  const occurrences: ImageOccurrence[] = [];
  for (const o of overrides) {
    const range = lines.range(o.start, o.end);
    const occurrence: ImageOccurrence = {
      text: o.written,
      range,
      source: 'bake-context',
      suppressed: suppressedRulesAbove(lines, range.start.line, 'hash-or-slash'),
      // HCL takes `#` and `//` comments; JSON none (buildx reads the .json file as JSON).
      commentSyntax: json ? 'none' : 'hash',
    };
    if (o.written !== o.image) occurrence.editBlockedReason = 'the value is written with escapes; edit it by hand';
    const variables = [...o.image.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1].trim());
    if (variables.length) {
      occurrence.unresolvedVariables = variables;
      problems.push({
        code: 'unresolved-variable',
        severity: 'info',
        range,
        reference: o.written,
        message: `The image cannot be checked: ${variables.map((v) => `\${${v}}`).join(', ')} is set when bake runs (a variable or the environment).`,
      });
    } else occurrence.resolved = o.image;
    occurrences.push(occurrence);
  }
  return { occurrences, problems };
}

/** The named contexts of every target that pull a registry image. */
export function bakeOverrides(text: string, fileName: string): BakeOverride[] {
  return fileName.endsWith('.json') ? bakeJsonOverrides(text, [], new LineIndex(text)) : bakeHclOverrides(text);
}

// ---- JSON ---------------------------------------------------------------------------------------

function bakeJsonOverrides(text: string, problems: DocumentProblem[], lines: LineIndex): BakeOverride[] {
  const errors: Array<{ offset: number; length: number }> = [];
  const root = parseTree(text, errors as never, { allowTrailingComma: true });
  for (const e of errors.slice(0, 20))
    problems.push({
      code: 'invalid-document',
      severity: 'error',
      range: lines.range(e.offset, e.offset + Math.max(1, e.length)),
      message: 'This bake file is not valid JSON. Image references after this point may not be checked.',
    });
  const out: BakeOverride[] = [];
  const targets = property(root, 'target');
  for (const t of targets?.children ?? []) {
    const [nameNode, body] = t.children ?? [];
    if (!nameNode || body?.type !== 'object') continue;
    const contexts = property(body, 'contexts');
    const dockerfile = property(body, 'dockerfile');
    const context = property(body, 'context');
    for (const c of contexts?.children ?? []) {
      const [k, v] = c.children ?? [];
      if (!k || v?.type !== 'string' || typeof v.value !== 'string' || !v.value.startsWith(DOCKER_IMAGE)) continue;
      const start = v.offset + 1 + DOCKER_IMAGE.length;
      const end = v.offset + v.length - 1;
      out.push({
        target: String(nameNode.value),
        name: String(k.value),
        image: v.value.slice(DOCKER_IMAGE.length),
        dockerfile: typeof dockerfile?.value === 'string' ? dockerfile.value : undefined,
        context: typeof context?.value === 'string' ? context.value : undefined,
        start,
        end,
        written: text.slice(start, end),
      });
    }
  }
  return out;
}

function property(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node?.type !== 'object') return undefined;
  for (const p of node.children ?? []) if (p.children?.[0]?.value === key) return p.children[1];
  return undefined;
}

// ---- HCL ----------------------------------------------------------------------------------------

type Token =
  | { kind: 'ident'; value: string; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number; interpolated: boolean }
  | { kind: 'punct'; value: string; start: number; end: number };

/** HCL native syntax tokens: identifiers, quoted strings (with `${}`), punctuation; comments and heredocs skipped. */
export function tokenizeHcl(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === '"') {
      const start = i;
      let value = '';
      let depth = 0;
      let interpolated = false;
      i++;
      while (i < n) {
        const d = text[i];
        if (depth === 0 && d === '"') break;
        if (d === '\n' && depth === 0) break;
        if (d === '\\' && i + 1 < n) {
          const e = text[i + 1];
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          i += 2;
          continue;
        }
        if ((d === '$' || d === '%') && text[i + 1] === '{') {
          if (!(i > 0 && text[i - 1] === d)) {
            // (`$${` is a literal `${`.)
            interpolated = true;
            depth++;
            value += d + '{';
            i += 2;
            continue;
          }
        }
        if (depth > 0 && d === '{') depth++;
        if (depth > 0 && d === '}') depth--;
        value += d;
        i++;
      }
      const end = i < n && text[i] === '"' ? i + 1 : i;
      tokens.push({ kind: 'string', value, start, end, interpolated });
      i = end;
    } else if (c === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[^\n]*\n/.exec(text.slice(i, i + 200));
      if (!m) {
        tokens.push({ kind: 'punct', value: '<', start: i, end: i + 1 });
        i++;
        continue;
      }
      const marker = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm');
      const rest = text.slice(i + m[0].length);
      const found = marker.exec(rest);
      i = found ? i + m[0].length + found.index + found[0].length : n;
      tokens.push({ kind: 'string', value: '', start: i, end: i, interpolated: true });
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_-]/.test(text[i])) i++;
      tokens.push({ kind: 'ident', value: text.slice(start, i), start, end: i });
    } else if (/\s/.test(c)) {
      i++;
    } else {
      tokens.push({ kind: 'punct', value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

function bakeHclOverrides(text: string): BakeOverride[] {
  const tokens = tokenizeHcl(text);
  const out: BakeOverride[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    // target "name" {
    if (t.kind !== 'ident' || t.value !== 'target' || tokens[i + 1]?.kind !== 'string') continue;
    if (tokens[i + 2]?.kind !== 'punct' || tokens[i + 2].value !== '{') continue;
    const target = tokens[i + 1].value;
    const bodyStart = i + 3;
    const bodyEnd = matching(tokens, i + 2);
    let dockerfile: string | undefined;
    let context: string | undefined;
    const found: Array<Omit<BakeOverride, 'dockerfile' | 'context'>> = [];
    let depth = 0;
    for (let j = bodyStart; j < bodyEnd; j++) {
      const u = tokens[j];
      if (u.kind === 'punct' && (u.value === '{' || u.value === '[' || u.value === '(')) depth++;
      else if (u.kind === 'punct' && (u.value === '}' || u.value === ']' || u.value === ')')) depth--;
      if (depth !== 0 || u.kind !== 'ident' || tokens[j + 1]?.value !== '=') continue;
      const valueToken = tokens[j + 2];
      if (
        (u.value === 'dockerfile' || u.value === 'context') &&
        valueToken?.kind === 'string' &&
        !valueToken.interpolated
      ) {
        if (u.value === 'dockerfile') dockerfile = valueToken.value;
        else context = valueToken.value;
      }
      if (u.value !== 'contexts' || valueToken?.kind !== 'punct' || valueToken.value !== '{') continue;
      const close = matching(tokens, j + 2);
      for (let k = j + 3; k < close; k++) {
        const key = tokens[k];
        const sep = tokens[k + 1];
        const value = tokens[k + 2];
        if ((key.kind !== 'ident' && key.kind !== 'string') || (sep?.value !== '=' && sep?.value !== ':')) continue;
        if (value?.kind !== 'string' || !value.value.startsWith(DOCKER_IMAGE)) continue;
        const start = value.start + 1 + DOCKER_IMAGE.length;
        const end = Math.max(start, value.end - 1);
        found.push({
          target,
          name: key.value,
          image: value.value.slice(DOCKER_IMAGE.length),
          start,
          end,
          written: text.slice(start, end),
        });
        k += 2;
      }
      j = close;
    }
    for (const f of found) out.push({ ...f, dockerfile, context });
    i = bodyEnd;
  }
  return out;
}

function matching(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const v = tokens[i].value;
    if (tokens[i].kind !== 'punct') continue;
    if (v === '{' || v === '[' || v === '(') depth++;
    else if (v === '}' || v === ']' || v === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return tokens.length;
}
