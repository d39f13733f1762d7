// Shared by the YAML kinds (Kubernetes, Helm values, GitHub Actions, GitLab CI): parse every
// document with exact source ranges, and turn one scalar into an image occurrence whose range is
// the reference text alone (quotes and a `docker://` prefix left out), so fixes rewrite nothing else.
import { isMap, isScalar, parseAllDocuments, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { LineIndex } from '../lineIndex';
import { suppressedRulesAbove } from '../suppression';
import type { DocumentProblem, EditTarget, ImageOccurrence, ReferenceSource } from '../types';

export interface ParsedYaml {
  documents: Document.Parsed[];
  problems: DocumentProblem[];
}

/** Every `---` document of the file; syntax errors become one problem each, never a throw. */
export function parseYamlDocuments(lines: LineIndex, what: string): ParsedYaml {
  const problems: DocumentProblem[] = [];
  let documents: Document.Parsed[] = [];
  try {
    const parsed = parseAllDocuments(lines.text, {
      uniqueKeys: false,
      prettyErrors: false,
      strict: false,
    });
    documents = Array.isArray(parsed) ? parsed : [];
  } catch (error) {
    problems.push({
      code: 'invalid-document',
      severity: 'error',
      range: lines.range(0, 0),
      message: `This ${what} could not be read as YAML: ${(error as Error).message}`,
    });
  }
  for (const doc of documents) {
    for (const error of doc.errors) {
      const [start, end] = error.pos;
      problems.push({
        code: 'invalid-document',
        severity: 'error',
        range: lines.range(start, Math.max(end, start + 1)),
        message: `This ${what} is not valid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}. Image references after this point may not be checked.`,
      });
    }
  }
  return { documents, problems };
}

/** The value of `key` in a map, or undefined. */
export function mapGet(map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  for (const pair of (map as YAMLMap).items) {
    if (isScalar(pair.key) && pair.key.value === key) return (pair.value ?? undefined) as Node | undefined;
  }
  return undefined;
}

/** The key node of `key` in a map, for the line a suppression comment sits above. */
export function mapKey(map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  for (const pair of (map as YAMLMap).items) if (isScalar(pair.key) && pair.key.value === key) return pair.key as Node;
  return undefined;
}

export function isStringScalar(node: unknown): node is Scalar<string> {
  return isScalar(node) && typeof node.value === 'string' && !!node.range;
}

/** How a kind writes values filled in at run time. */
export interface Resolution {
  /** The reference once known; undefined when it depends on something only known later. */
  resolved?: string;
  /** Names shown to the user for what is not known (`matrix.image`, `CI_REGISTRY_IMAGE`). */
  unresolved?: string[];
  /** Why the value is unknown, as a sentence fragment. */
  unresolvedMessage?: string;
  /** Offset inside the value where the image reference starts (a stripped proxy prefix). */
  referenceStart?: number;
  editTarget?: EditTarget;
  editBlockedReason?: string;
}

export interface ScalarOccurrenceOptions {
  source: ReferenceSource;
  /** The line of the key the value belongs to: suppression comments sit above it. */
  keyLine: number;
  /** A prefix the value must start with and that is not part of the reference (`docker://`). */
  prefix?: string;
  resolve?: (value: string) => Resolution;
}

/** Turns a YAML string scalar into an occurrence; undefined when it is empty or lacks the prefix. */
export function scalarOccurrence(
  lines: LineIndex,
  node: Scalar<string>,
  options: ScalarOccurrenceOptions,
  problems: DocumentProblem[],
): ImageOccurrence | undefined {
  const [start, end] = node.range!;
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  let innerStart = quoted ? start + 1 : start;
  // An unterminated quote has no closing character to leave out.
  const closed = quoted && end - start >= 2 && lines.text[end - 1] === lines.text[start];
  let innerEnd = Math.max(innerStart, closed ? end - 1 : end);
  let value = node.value;
  const prefix = options.prefix ?? '';
  if (!value.startsWith(prefix)) return undefined;
  const written = block ? value : lines.text.slice(innerStart, innerEnd);
  const exact = !block && written === value;
  value = value.slice(prefix.length);
  if (exact) innerStart += prefix.length;
  if (!value.trim()) return undefined;
  if (exact) {
    // Plain scalars keep trailing spaces out of the value but inside the node range.
    innerEnd = innerStart + value.length;
  }
  const resolution = options.resolve ? options.resolve(value) : { resolved: value };
  const shift = exact ? (resolution.referenceStart ?? 0) : 0;
  const range = exact ? lines.range(innerStart + shift, innerEnd) : lines.range(start, end);
  const text = exact ? value.slice(shift) : value;
  const occurrence: ImageOccurrence = {
    text,
    range,
    source: options.source,
    resolved: resolution.resolved,
    suppressed: suppressedRulesAbove(lines, options.keyLine),
    constructLine: options.keyLine,
  };
  if (!exact) occurrence.editBlockedReason = 'the value is written with escapes or over several lines; edit it by hand';
  else if (resolution.editBlockedReason) occurrence.editBlockedReason = resolution.editBlockedReason;
  if (resolution.editTarget && !occurrence.editBlockedReason) occurrence.editTarget = resolution.editTarget;
  if (resolution.resolved === undefined) {
    occurrence.unresolvedVariables = resolution.unresolved?.length ? resolution.unresolved : [value];
    problems.push({
      code: 'unresolved-variable',
      severity: 'info',
      range,
      reference: text,
      message: `The image cannot be checked: ${resolution.unresolvedMessage ?? `${occurrence.unresolvedVariables.join(', ')} is not known here`}.`,
    });
  }
  return occurrence;
}

/** `${{ expression }}` (GitHub Actions): known only when the workflow runs. */
export function actionsExpressionResolution(value: string): Resolution {
  const expressions = [...value.matchAll(/\$\{\{\s*([\s\S]*?)\s*\}\}/g)].map((m) => m[1]);
  if (expressions.length === 0) return { resolved: value };
  return {
    unresolved: expressions,
    unresolvedMessage: `${expressions.map((e) => `\${{ ${e} }}`).join(', ')} is only known when the workflow runs`,
  };
}

/**
 * Placeholders filled in by a tool before the manifest is applied (envsubst `${VAR}`, kustomize
 * and Helm `{{ }}`, `$(VAR)`): the image is not known from the file.
 */
export function templatePlaceholderResolution(value: string): Resolution {
  const found = [...value.matchAll(/\$\{([^}]*)\}|\{\{([\s\S]*?)\}\}|\$\(([^)]*)\)/g)].map((m) =>
    (m[1] ?? m[2] ?? m[3]).trim(),
  );
  if (found.length === 0) return { resolved: value };
  return {
    unresolved: found,
    unresolvedMessage: `it contains ${found.map((f) => `"${f}"`).join(', ')}, filled in by a tool before it is applied`,
  };
}

export function lineOf(lines: LineIndex, node: Node | undefined, fallback: Node): number {
  const at = node?.range?.[0] ?? fallback.range?.[0] ?? 0;
  return lines.positionAt(at).line;
}

/** Occurrences in document order, whatever order the paths were visited in. */
export function inDocumentOrder(occurrences: ImageOccurrence[]): ImageOccurrence[] {
  return occurrences.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}
