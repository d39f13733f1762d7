// Images in dev container definitions (containers.dev "Dev Container metadata reference"):
// `image`, and the keys of `features`, which are OCI references to feature artifacts
// (`ghcr.io/devcontainers/features/node:1`); local (`./feature`) and tarball URL features are not.
// The file is JSON with comments and trailing commas. `build.dockerfile` and `dockerComposeFile`
// name files that are checked as what they are.
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { LineIndex } from '../lineIndex';
import { suppressedRulesAbove } from '../suppression';
import type { DocumentProblem, ExtractionResult, ImageOccurrence, ReferenceSource } from '../types';

export function extractDevcontainerImages(text: string): ExtractionResult {
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const problems: DocumentProblem[] = errors.slice(0, 20).map((e) => ({
    code: 'invalid-document',
    severity: 'error',
    range: lines.range(e.offset, e.offset + Math.max(1, e.length)),
    message: `This dev container file is not valid JSON with comments: ${printParseErrorCode(e.error)}. Image references after this point may not be checked.`,
  }));
  const occurrences: ImageOccurrence[] = [];
  if (root?.type !== 'object') return { occurrences, problems };
  for (const property of root.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    if (key.value === 'image' && value.type === 'string') add(value, 'devcontainer-image', key);
    if (key.value === 'features' && value.type === 'object') {
      for (const feature of value.children ?? []) {
        const featureKey = feature.children?.[0];
        if (!featureKey || typeof featureKey.value !== 'string') continue;
        if (/^(?:\.|\/|https?:\/\/)/.test(featureKey.value)) continue;
        add(featureKey, 'devcontainer-feature', featureKey);
      }
    }
  }
  return { occurrences, problems };

  function add(node: JsonNode, source: ReferenceSource, keyNode: JsonNode): void {
    const value = String(node.value ?? '');
    if (!value.trim()) return;
    const innerStart = node.offset + 1;
    const innerEnd = node.offset + node.length - 1;
    const written = text.slice(innerStart, innerEnd);
    const range = lines.range(innerStart, innerEnd);
    const occurrence: ImageOccurrence = {
      text: written,
      range,
      source,
      suppressed: suppressedRulesAbove(lines, lines.positionAt(keyNode.offset).line, 'slash'),
      constructLine: lines.positionAt(keyNode.offset).line,
      commentSyntax: 'slash',
    };
    if (written !== value) occurrence.editBlockedReason = 'the value is written with escapes; edit it by hand';
    // containers.dev "Variables in devcontainer.json": ${localEnv:VAR}, ${containerEnv:VAR}, ...
    const variables = [...value.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
    if (variables.length) {
      occurrence.unresolvedVariables = variables;
      problems.push({
        code: 'unresolved-variable',
        severity: 'info',
        range,
        reference: written,
        message: `The image cannot be checked: ${variables.map((v) => `\${${v}}`).join(', ')} is filled in when the container is created.`,
      });
    } else occurrence.resolved = value;
    occurrences.push(occurrence);
  }
}
