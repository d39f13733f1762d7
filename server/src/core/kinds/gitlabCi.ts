// Images in GitLab CI configuration. Sources: GitLab Docs "CI/CD YAML syntax reference": `image`
// (a string or `{ name, entrypoint, pull_policy, docker }`) and `services` (a list of strings or
// `{ name, alias, entrypoint, command }`) at the top level (deprecated there but honoured), under
// `default:` and in every job; `include:` (`local:` files are part of the same pipeline). GitLab
// Docs "Dependency Proxy": `${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/` and
// `${CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX}/` pull through GitLab's cache of Docker Hub.
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { LineIndex } from '../lineIndex';
import type { DocumentProblem, ExtractionResult, ImageOccurrence, ReferenceSource } from '../types';
import {
  inDocumentOrder,
  isStringScalar,
  lineOf,
  mapGet,
  mapKey,
  parseYamlDocuments,
  scalarOccurrence,
  type Resolution,
} from './yamlImages';

/** Top-level keys that are not jobs (GitLab Docs, "Global keywords"). */
const GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'spec',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
]);

const DEPENDENCY_PROXY =
  /^\$(?:\{CI_DEPENDENCY_PROXY_(?:DIRECT_)?GROUP_IMAGE_PREFIX\}|CI_DEPENDENCY_PROXY_(?:DIRECT_)?GROUP_IMAGE_PREFIX)\//;
const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

interface Variable {
  value: string;
  node: Scalar<string>;
}

export function extractGitlabCiImages(text: string): ExtractionResult {
  const lines = new LineIndex(text);
  const { documents, problems } = parseYamlDocuments(lines, 'GitLab CI file');
  const occurrences: ImageOccurrence[] = [];
  for (const doc of documents) {
    const root = doc.contents as Node | null;
    if (!isMap(root)) continue;
    const globals = variablesOf(mapGet(root, 'variables'));
    const holders: Array<{ map: Node; variables: Map<string, Variable> }> = [{ map: root, variables: globals }];
    const defaults = mapGet(root, 'default');
    if (isMap(defaults)) holders.push({ map: defaults, variables: globals });
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (GLOBAL_KEYWORDS.has(key) || !isMap(pair.value)) continue;
      const job = pair.value as Node;
      const own = variablesOf(mapGet(job, 'variables'));
      holders.push({ map: job, variables: new Map([...globals, ...own]) });
    }
    for (const { map, variables } of holders) {
      const resolve = (value: string) => resolveGitlab(lines, value, variables);
      imageEntry(mapGet(map, 'image'), mapKey(map, 'image'), 'gitlab-image');
      const services = mapGet(map, 'services');
      if (isSeq(services)) for (const item of services.items) imageEntry(item as Node, item as Node, 'gitlab-service');

      function imageEntry(node: Node | undefined, keyNode: Node | undefined, source: ReferenceSource): void {
        const scalar = isMap(node) ? mapGet(node, 'name') : node;
        const key = isMap(node) ? mapKey(node, 'name') : keyNode;
        if (!isStringScalar(scalar)) return;
        const occurrence = scalarOccurrence(
          lines,
          scalar,
          { source, keyLine: lineOf(lines, key, scalar), resolve },
          problems,
        );
        if (occurrence) occurrences.push(occurrence);
      }
    }
  }
  return { occurrences: inDocumentOrder(occurrences), problems: problems as DocumentProblem[] };
}

function variablesOf(node: Node | undefined): Map<string, Variable> {
  const out = new Map<string, Variable>();
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const value = isMap(pair.value) ? mapGet(pair.value, 'value') : (pair.value as Node);
    if (isStringScalar(value)) out.set(String(pair.key.value), { value: value.value, node: value });
  }
  return out;
}

function resolveGitlab(lines: LineIndex, value: string, variables: Map<string, Variable>): Resolution {
  let referenceStart = 0;
  let rest = value;
  const proxy = DEPENDENCY_PROXY.exec(value);
  if (proxy) {
    // The dependency proxy serves Docker Hub images under the group's prefix.
    referenceStart = proxy[0].length;
    rest = value.slice(referenceStart);
  }
  const uses = [...rest.matchAll(VARIABLE)];
  if (uses.length === 0) return { resolved: rest, referenceStart };
  const unknown = uses.map((m) => m[1] ?? m[2]).filter((name) => !variables.has(name));
  if (unknown.length) {
    return {
      referenceStart,
      unresolved: [...new Set(unknown)],
      unresolvedMessage: `${[...new Set(unknown)].map((n) => `$${n}`).join(', ')} is set outside this file (a predefined or project CI/CD variable)`,
    };
  }
  const resolved = rest.replace(
    VARIABLE,
    (_m, a: string | undefined, b: string | undefined) => variables.get((a ?? b)!)!.value,
  );
  if (/\$/.test(resolved)) {
    return { referenceStart, unresolved: [resolved], unresolvedMessage: `"${resolved}" still holds variables` };
  }
  const only = uses.length === 1 && uses[0].index === 0 && uses[0][0].length === rest.length;
  if (only) {
    const variable = variables.get((uses[0][1] ?? uses[0][2])!)!;
    const node = variable.node;
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    const start = node.range![0] + (quoted ? 1 : 0);
    const written = lines.text.slice(start, start + variable.value.length);
    if (written === variable.value && node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED')
      return {
        resolved,
        referenceStart,
        editTarget: { range: lines.range(start, start + written.length), text: written },
      };
    return { resolved, referenceStart, editBlockedReason: 'the variable is written with escapes; pin it by hand' };
  }
  return {
    resolved,
    referenceStart,
    editBlockedReason: 'the image is built from variables and text; pin the variables it uses instead',
  };
}

/** Local files a GitLab CI file includes (`include: path`, `include: [{ local: path }]`). */
export function gitlabLocalIncludes(text: string): string[] {
  const lines = new LineIndex(text);
  const { documents } = parseYamlDocuments(lines, 'GitLab CI file');
  const out: string[] = [];
  for (const doc of documents) {
    const include = mapGet(doc.contents, 'include');
    const entries = isSeq(include) ? include.items : include ? [include] : [];
    for (const entry of entries) {
      const local = isMap(entry) ? mapGet(entry, 'local') : (entry as Node);
      if (!isScalar(local) || typeof local.value !== 'string') continue;
      // A plain string include is local unless it is a URL (GitLab Docs, `include`).
      if (!isMap(entry) && /^https?:\/\//.test(local.value)) continue;
      if (local.value.includes('$') || local.value.includes('*')) continue;
      out.push(local.value);
    }
  }
  return out;
}
