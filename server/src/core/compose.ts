// Finds the images a compose file pulls, deciding as Compose does
// (https://github.com/compose-spec/compose-spec/blob/main/spec.md): `services.*.image` through
// YAML anchors, aliases and merge keys (`<<`), same-file `extends`, and not when the service
// builds the image (`build:` with `image:` names the image Compose builds and tags). Variables
// are interpolated as the spec's "Interpolation" section says, from the environment and `.env`.
import { isAlias, isMap, isScalar, parseDocument, type Document, type Node, type Pair, type Scalar } from 'yaml';
import { quickScalarValue, readComposeQuickly, UNSURE, type QuickMap, type QuickNode } from './composeQuickRead';
import { decideFixTarget } from './fixTarget';
import { interpolate } from './interpolate';
import { LineIndex } from './lineIndex';
import { documentSeverity, invalidDocument, unresolvedVariable } from './rules/documentProblems';
import { invalidReference } from './rules/invalidReference';
import { suppressedRulesAbove } from './suppression';
import type { DocumentProblem, ExtractionResult, ImageOccurrence } from './types';

export type Environment = (name: string) => string | undefined;

/** One key of a mapping after aliases and merge keys: where the key is written, and its value. */
interface Entry<N> {
  keyStart: number | undefined;
  value: N | null;
}

/** What extraction reads of a scalar: its value (from the core schema) and where it is written. */
interface TreeScalar {
  value: unknown;
  type?: Scalar.Type | 'BLOCK';
  range?: readonly [number, number, number] | null;
}

/**
 * A compose file's YAML as extraction reads it: composed by `yaml`, or read by the quick reader
 * for ordinary files (which throws UNSURE where it cannot be sure to read what `yaml` would).
 */
interface ComposeTree<N> {
  errors: ReadonlyArray<{ pos: readonly [number, number]; message: string }>;
  top: N | null;
  /** A mapping's keys after aliases and merge keys; undefined when the node is no mapping. */
  mapping(node: N | null): Map<string, Entry<N>> | undefined;
  /** The node as a scalar; undefined when it is none. */
  scalar(node: N | null): TreeScalar | undefined;
}

/**
 * `pull_policy` values with which Compose pulls `image` even when the service has `build`
 * (spec "pull_policy"): any other value, or none, builds the image when it is missing.
 */
const PULLING_POLICIES = /^(?:always|daily|weekly|every_.+)$/;

export function extractComposeImages(text: string, env: Environment = () => undefined): ExtractionResult {
  const lines = new LineIndex(text);
  const quick = readComposeQuickly(text);
  if (quick !== undefined) {
    try {
      return extractFrom(quickTree(quick), lines, env);
    } catch (error) {
      if (error !== UNSURE) throw error;
    }
  }
  return extractFrom(yamlTree(text), lines, env);
}

/** The same extraction, always through `yaml` (what the quick reader is held to). */
export function extractComposeImagesWithYaml(text: string, env: Environment = () => undefined): ExtractionResult {
  return extractFrom(yamlTree(text), new LineIndex(text), env);
}

function extractFrom<N extends object>(tree: ComposeTree<N>, lines: LineIndex, env: Environment): ExtractionResult {
  const occurrences: ImageOccurrence[] = [];
  const problems: DocumentProblem[] = [];
  for (const error of tree.errors) {
    const [start, end] = error.pos;
    problems.push({
      code: 'invalid-document',
      severity: documentSeverity(invalidDocument),
      range: lines.range(start, Math.max(end, start + 1)),
      message: `This compose file is not valid YAML: ${firstLine(error.message)}. Image references after this point may not be checked.`,
    });
  }

  const top = tree.mapping(tree.top);
  const services = tree.mapping(top?.get('services')?.value ?? null);
  if (!services) return { occurrences, problems };

  const seen = new Set<N>();
  for (const [name] of services) {
    const service = effectiveService(tree, services, name);
    if (!service) continue;
    const image = service.get('image');
    if (!image) continue;
    const node = image.value;
    // "Using build and image" (build spec): with a build section, image names what Compose
    // builds and tags; it is pulled only under a pulling pull_policy.
    const build = service.get('build');
    const pullPolicy = scalarText(tree.scalar(service.get('pull_policy')?.value ?? null));
    if (build && build.value && tree.scalar(build.value)?.value !== null) {
      if (!pullPolicy || !PULLING_POLICIES.test(pullPolicy)) continue;
    }
    const scalar = tree.scalar(node);
    if (!node || !scalar || !scalar.range) continue;
    if (typeof scalar.value !== 'string') {
      if (scalar.value !== null && !seen.has(node)) {
        seen.add(node);
        problems.push({
          code: 'invalid-reference',
          severity: documentSeverity(invalidReference),
          range: lines.range(scalar.range[0], scalar.range[1]),
          message: 'The image must be a string such as "nginx:1.27".',
        });
      }
      continue;
    }
    // One anchored value used by several services is one place in the file: check it once.
    if (seen.has(node)) continue;
    seen.add(node);
    const keyLine = lines.positionAt(image.keyStart ?? scalar.range[0]).line;
    occurrences.push(makeOccurrence(lines, scalar as ImageScalar, keyLine, env, problems));
  }
  return { occurrences, problems };
}

function yamlTree(text: string): ComposeTree<Node> {
  const doc = parseDocument(text, {
    uniqueKeys: false,
    prettyErrors: false,
    strict: false,
    merge: true,
  });
  return {
    errors: doc.errors,
    top: doc.contents as Node | null,
    mapping: (node) => mappingOf(doc, node),
    scalar: (node) => (isScalar(node) ? node : undefined),
  };
}

function quickTree(top: QuickMap | null): ComposeTree<QuickNode> {
  return {
    errors: [],
    top,
    mapping: (node) => (node?.kind === 'map' ? node.entries : undefined),
    scalar: (node) =>
      node?.kind === 'scalar' ? { value: quickScalarValue(node), type: node.type, range: node.range } : undefined,
  };
}

/** A mapping's keys after resolving aliases and `<<` merge keys (YAML merge key type). */
function mappingOf(doc: Document, node: Node | null, depth = 0): Map<string, Entry<Node>> | undefined {
  const resolved = resolveAlias(doc, node);
  if (!resolved || !isMap(resolved) || depth > 32) return undefined;
  const own = new Map<string, Entry<Node>>();
  const merged = new Map<string, Entry<Node>>();
  for (const pair of resolved.items as Pair<Node, Node | null>[]) {
    const key = pair.key;
    if (!isScalar(key)) continue;
    if (key.value === '<<' || typeof key.value === 'symbol') {
      // Keys of earlier merged mappings win over later ones; the mapping's own keys win over all.
      const value = resolveAlias(doc, pair.value);
      const sources = value && 'items' in value && !isMap(value) ? (value.items as Node[]) : [pair.value];
      for (const source of sources) {
        const sub = mappingOf(doc, source, depth + 1);
        if (!sub) continue;
        for (const [k, entry] of sub) if (!merged.has(k)) merged.set(k, entry);
      }
      continue;
    }
    own.set(String(key.value), { keyStart: key.range?.[0], value: resolveAlias(doc, pair.value) });
  }
  for (const [k, entry] of merged) if (!own.has(k)) own.set(k, entry);
  return own;
}

function resolveAlias(doc: Document, node: Node | null | undefined): Node | null {
  let current = node ?? null;
  for (let i = 0; i < 32 && current && isAlias(current); i++)
    current = (current.resolve(doc) as Node | undefined) ?? null;
  return current;
}

/** The service's keys with same-file `extends` applied (spec "extends"): its own keys win. */
function effectiveService<N>(
  tree: ComposeTree<N>,
  services: Map<string, Entry<N>>,
  name: string,
  depth = 0,
): Map<string, Entry<N>> | undefined {
  const service = tree.mapping(services.get(name)?.value ?? null);
  if (!service || depth > 16) return service;
  const ext = service.get('extends')?.value ?? null;
  let base: string | undefined;
  const extScalar = tree.scalar(ext);
  if (extScalar && typeof extScalar.value === 'string') base = extScalar.value;
  else {
    const m = tree.mapping(ext);
    // A base in another file is not visible here; the service's own keys are all we know.
    if (m && !m.get('file')) base = scalarText(tree.scalar(m.get('service')?.value ?? null));
  }
  if (!base || base === name || !services.has(base)) return service;
  const inherited = effectiveService(tree, services, base, depth + 1);
  if (!inherited) return service;
  const out = new Map(inherited);
  for (const [k, entry] of service) out.set(k, entry);
  return out;
}

function scalarText(scalar: TreeScalar | undefined): string | undefined {
  return scalar && scalar.value !== null && scalar.value !== undefined ? String(scalar.value) : undefined;
}

/** What extraction reads of the scalar that names an image. */
type ImageScalar = Pick<Scalar<string>, 'value' | 'type' | 'range'>;

/**
 * The image named by a plain scalar `value` written at offset `start`, its key on `keyLine`, read
 * as extractComposeImages reads it (for a keystroke that changed only that scalar).
 */
export function plainImageOccurrence(
  lines: LineIndex,
  value: string,
  start: number,
  keyLine: number,
  env: Environment,
  problems: DocumentProblem[],
): ImageOccurrence {
  const end = start + value.length;
  return makeOccurrence(lines, { value, type: 'PLAIN', range: [start, end, end] }, keyLine, env, problems);
}

/** Where a scalar's value is written: inside quotes, or the content line of a block scalar. */
function valueSpan(lines: LineIndex, node: ImageScalar): { start: number; end: number; written: string } {
  const [start, end] = node.range!;
  if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') {
    // The header (`>-`, `|`) is not the value; a one-line value is its content line.
    const body = lines.text.slice(start, end);
    const headerEnd = body.search(/\r?\n|\r/);
    if (headerEnd >= 0) {
      const content = body.slice(headerEnd).replace(/^(?:\r?\n|\r)/, '');
      const contentStart = start + (body.length - content.length);
      const lead = /^[ \t]*/.exec(content)![0].length;
      const lineEnd = content.search(/\r?\n|\r/);
      const first = (lineEnd < 0 ? content : content.slice(0, lineEnd)).trimEnd();
      const s = contentStart + lead;
      return { start: s, end: s + Math.max(0, first.length - lead), written: first.slice(lead) };
    }
  }
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const innerStart = quoted ? start + 1 : start;
  // An unterminated quote has no closing character to leave out.
  const closed = quoted && end - start >= 2 && lines.text[end - 1] === lines.text[start];
  const innerEnd = Math.max(innerStart, closed ? end - 1 : end);
  return { start: innerStart, end: innerEnd, written: lines.text.slice(innerStart, innerEnd) };
}

function makeOccurrence(
  lines: LineIndex,
  node: ImageScalar,
  keyLine: number,
  env: Environment,
  problems: DocumentProblem[],
): ImageOccurrence {
  const span = valueSpan(lines, node);
  const written = span.written;
  // A block scalar's final line break (clip chomping) is not part of the name.
  const value =
    node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL' ? node.value.replace(/\n$/, '') : node.value;
  const range = lines.range(span.start, span.end);
  const occurrence: ImageOccurrence = {
    text: written,
    range,
    source: 'compose-image',
    suppressed: suppressedRulesAbove(lines, keyLine),
    constructLine: keyLine,
  };
  if (written !== value) {
    occurrence.editBlockedReason = 'the value is written with escapes or over several lines; edit it by hand';
  }
  const result = interpolate(value, env, { dollarEscape: true });
  occurrence.resolved = result.value;
  if (result.unresolved.length) {
    occurrence.unresolvedVariables = [...new Set(result.unresolved)];
    problems.push({
      code: 'unresolved-variable',
      severity: documentSeverity(unresolvedVariable),
      range,
      reference: written,
      message: result.requiredMessage
        ? `The image cannot be checked: ${result.requiredMessage}.`
        : `The image cannot be checked: ${occurrence.unresolvedVariables.map((v) => `\${${v}}`).join(', ')} is not set in the environment or the .env file beside this compose file.`,
    });
  }
  if (occurrence.editBlockedReason) return occurrence;
  Object.assign(
    occurrence,
    decideFixTarget({
      written: value,
      uses: result.uses,
      // Spec "Interpolation": `:-` uses the default when the variable is unset or empty, `-` only
      // when it is unset.
      defaultWordUsed: (use) => (use.operator === ':-' ? !env(use.name) : env(use.name) === undefined),
      targetAt: (s, e) => ({ range: lines.range(span.start + s, span.start + e), text: value.slice(s, e) }),
      variableSite: (name) => ({
        blocked: `the image comes from \${${name}}, set outside this file; pin it where ${name} is set`,
      }),
      piecesReason: 'the image is built from variables and text; pin the variables it uses instead',
    }),
  );
  return occurrence;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
