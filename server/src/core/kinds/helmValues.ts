// Images in Helm chart values. Helm itself gives values no meaning; the convention charts follow
// (Bitnami's common.images.image helper, `helm create`'s default chart) is a key ending in
// `image` whose value is either a reference string or an object with `repository` and `tag`
// (or `version`), optionally `registry` and `digest`. An empty tag is filled in by the chart's
// templates, usually from `appVersion` (`helm create`: `{{ .Values.image.tag | default
// .Chart.AppVersion }}`) but not always as-is (prometheus-node-exporter prefixes a `v`), so an
// empty tag is reported as unknown rather than guessed.
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { LineIndex } from '../lineIndex';
import { suppressedRulesAbove } from '../suppression';
import type { DocumentProblem, ExtractionResult, ImageOccurrence, SplitField } from '../types';
import {
  isStringScalar,
  lineOf,
  mapGet,
  parseYamlDocuments,
  scalarOccurrence,
  templatePlaceholderResolution,
} from './yamlImages';

export function extractHelmValuesImages(text: string): ExtractionResult {
  const lines = new LineIndex(text);
  const { documents, problems } = parseYamlDocuments(lines, 'values file');
  const occurrences: ImageOccurrence[] = [];
  const visit = (node: Node | null | undefined, depth: number): void => {
    if (depth > 64) return;
    if (isSeq(node)) {
      for (const item of node.items) visit(item as Node, depth + 1);
      return;
    }
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const value = pair.value as Node | null;
      if (typeof key === 'string' && /image$/i.test(key)) {
        if (isStringScalar(value)) {
          const occurrence = scalarOccurrence(
            lines,
            value,
            {
              source: 'helm-image',
              keyLine: lineOf(lines, pair.key as Node, value),
              resolve: templatePlaceholderResolution,
            },
            problems,
          );
          if (occurrence) occurrences.push(occurrence);
          continue;
        }
        if (isMap(value) && mapGet(value, 'repository')) {
          const occurrence = splitOccurrence(lines, value, pair.key as Node, problems);
          if (occurrence) {
            occurrences.push(occurrence);
            continue;
          }
        }
      }
      visit(value, depth + 1);
    }
  };
  for (const doc of documents) visit(doc.contents as Node | null, 0);
  return { occurrences, problems };
}

function splitOccurrence(
  lines: LineIndex,
  map: YAMLMap,
  keyNode: Node,
  problems: DocumentProblem[],
): ImageOccurrence | undefined {
  const repository = mapGet(map, 'repository');
  const tagKey =
    mapGet(map, 'tag') !== undefined ? 'tag' : mapGet(map, 'version') !== undefined ? 'version' : undefined;
  if (!tagKey || !isStringScalar(repository) || !repository.value.trim()) return undefined;
  const tagNode = mapGet(map, tagKey);
  const registry = mapGet(map, 'registry');
  const digestNode = mapGet(map, 'digest');
  if (!isScalar(tagNode) || !tagNode.range) return undefined;
  const tag = tagNode.value === null ? '' : String(tagNode.value);
  const registryText = isScalar(registry) && typeof registry.value === 'string' ? registry.value.trim() : '';
  const digest = isScalar(digestNode) && typeof digestNode.value === 'string' ? digestNode.value.trim() : '';
  const name = `${registryText ? `${registryText.replace(/\/+$/, '')}/` : ''}${repository.value.trim()}`;
  const effectiveTag = tag;
  const display = `${name}${effectiveTag ? `:${effectiveTag}` : ''}${digest ? `@${digest}` : ''}`;

  // The range a fix rewrites: from the first to the last of the tag and digest values.
  const fieldNodes: Scalar[] = [tagNode];
  if (isScalar(digestNode) && digestNode.range) fieldNodes.push(digestNode);
  const spanStart = Math.min(...fieldNodes.map((n) => n.range![0]));
  const spanEnd = Math.max(...fieldNodes.map((n) => n.range![1]));
  const text = lines.text.slice(spanStart, spanEnd);
  const field = (node: Scalar): SplitField => ({
    start: node.range![0] - spanStart,
    end: node.range![1] - spanStart,
    quote: node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : '',
  });
  const range = lines.range(spanStart, spanEnd);
  const occurrence: ImageOccurrence = {
    text: display,
    range,
    source: 'helm-image',
    split: {
      range,
      text,
      tag: field(tagNode),
      digest: isScalar(digestNode) && digestNode.range ? field(digestNode) : undefined,
    },
    suppressed: suppressedRulesAbove(lines, lineOf(lines, keyNode, map)),
    constructLine: lineOf(lines, keyNode, map),
  };
  const multiLine = fieldNodes.some((n) => n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED');
  if (multiLine || (tagNode.value !== null && typeof tagNode.value !== 'string' && typeof tagNode.value !== 'number'))
    occurrence.editBlockedReason = 'the tag is not written as a simple value; edit it by hand';
  const placeholders = templatePlaceholderResolution(display);
  if (placeholders.resolved === undefined) {
    occurrence.unresolvedVariables = placeholders.unresolved;
    problems.push({
      code: 'unresolved-variable',
      severity: 'info',
      range,
      reference: display,
      message: `The image cannot be checked: ${placeholders.unresolvedMessage}.`,
    });
    return occurrence;
  }
  if (!effectiveTag && !digest) {
    occurrence.unresolvedVariables = ['appVersion'];
    problems.push({
      code: 'unresolved-variable',
      severity: 'info',
      range,
      reference: display,
      message: `The image cannot be checked: its ${tagKey} is empty, so the chart's templates choose it (usually from appVersion in Chart.yaml); set ${tagKey} to check it.`,
    });
    return occurrence;
  }
  occurrence.resolved = display;
  return occurrence;
}
