// `.image-trust.yaml` and the editor's workspace settings, validated into one Policy. Every bad key
// or value is a problem with a range, never silently ignored.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { LineIndex } from './lineIndex';
import { defaultPolicy, type Policy } from './settings';
import { isRuleId, RULE_IDS, type DocumentProblem, type SeveritySetting } from './types';
import { parsePlatform } from './platform';
import type { MinSeverity, VulnerabilityPolicy } from './vuln/vulnerabilityReport';

export const POLICY_FILE_NAME = '.image-trust.yaml';
const SEVERITIES: SeveritySetting[] = ['error', 'warning', 'info', 'off'];
const POLICY_KEYS = [
  'trustedRegistries',
  'trustedNamespaces',
  'rules',
  'maxImageAgeDays',
  'signatureKeys',
  'platform',
  'vulnerabilities',
] as const;
const MIN_SEVERITIES: MinSeverity[] = ['critical', 'high', 'medium', 'low'];
const VULNERABILITY_KEYS = ['minSeverity', 'fixableOnly', 'ignore'];

export interface PolicyParseResult {
  policy: Policy;
  problems: DocumentProblem[];
}

export function parsePolicy(text: string): PolicyParseResult {
  const lines = new LineIndex(text);
  const policy = defaultPolicy();
  const problems: DocumentProblem[] = [];
  const doc = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false });
  const problem = (node: { range?: [number, number, number] | null } | null | undefined, message: string) => {
    const [start, end] = node?.range ?? [0, 0];
    problems.push({
      code: 'invalid-policy',
      severity: 'error',
      range: lines.range(start, Math.max(end, start)),
      message,
    });
  };
  for (const error of doc.errors) {
    problems.push({
      code: 'invalid-policy',
      severity: 'error',
      range: lines.range(error.pos[0], Math.max(error.pos[1], error.pos[0] + 1)),
      message: `The policy file is not valid YAML: ${error.message.split('\n')[0]}`,
    });
  }
  if (doc.errors.length) return { policy, problems };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { policy, problems };
  if (!isMap(doc.contents)) {
    problem(doc.contents as Node, 'The policy file must be a mapping of keys such as trustedRegistries and rules.');
    return { policy, problems };
  }
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    switch (key) {
      case 'trustedRegistries':
      case 'trustedNamespaces':
      case 'signatureKeys': {
        const list = stringList(value, key, problem);
        if (list) {
          if (key === 'trustedRegistries') policy.trustedRegistries = list.map((s) => s.replace(/\/+$/, ''));
          else if (key === 'trustedNamespaces') policy.trustedNamespaces = list;
          else policy.signatureKeys = list;
        }
        if (key === 'signatureKeys' && list) {
          for (const [i, pem] of list.entries()) {
            if (!/-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/.test(pem)) {
              problem(
                isSeq(value) ? (value.items[i] as Node) : value,
                `signatureKeys[${i}] is not a PEM public key (-----BEGIN PUBLIC KEY----- ...).`,
              );
            }
          }
        }
        break;
      }
      case 'rules': {
        if (!isMap(value)) {
          problem(value ?? (pair.key as Node), 'rules must be a mapping of rule id to error, warning, info or off.');
          break;
        }
        for (const rulePair of value.items) {
          const id = isScalar(rulePair.key) ? String(rulePair.key.value) : '';
          const severity = isScalar(rulePair.value) ? String(rulePair.value.value) : undefined;
          if (!isRuleId(id)) {
            problem(rulePair.key as Node, `Unknown rule "${id}". Known rules: ${RULE_IDS.join(', ')}.`);
          } else if (!severity || !SEVERITIES.includes(severity as SeveritySetting)) {
            problem(
              (rulePair.value as Node) ?? (rulePair.key as Node),
              `The severity of ${id} must be one of ${SEVERITIES.join(', ')}${severity ? `, not "${severity}"` : ''}.`,
            );
          } else {
            policy.rules[id] = severity as SeveritySetting;
          }
        }
        break;
      }
      case 'maxImageAgeDays': {
        const n = isScalar(value) ? value.value : undefined;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
          problem(value ?? (pair.key as Node), 'maxImageAgeDays must be a whole number of days, 1 or more.');
        } else policy.maxImageAgeDays = n;
        break;
      }
      case 'platform': {
        const text = isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
        if (!text || !parsePlatform(text)) {
          problem(value ?? (pair.key as Node), 'platform must be OS/ARCH or OS/ARCH/VARIANT, e.g. linux/arm64.');
        } else policy.platform = text.trim().toLowerCase();
        break;
      }
      case 'vulnerabilities':
        parseVulnerabilityPolicy(value ?? (pair.key as Node), policy.vulnerabilities, problem);
        break;
      default:
        problem(pair.key as Node, `Unknown key "${key}". The policy file understands ${POLICY_KEYS.join(', ')}.`);
    }
  }
  return { policy, problems };
}

function parseVulnerabilityPolicy(
  value: Node,
  into: VulnerabilityPolicy,
  problem: (node: Node | null | undefined, message: string) => void,
): void {
  if (!isMap(value)) {
    problem(value, 'vulnerabilities must be a mapping: { minSeverity, fixableOnly, ignore }.');
    return;
  }
  for (const pair of value.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const v = pair.value as Node | null;
    const at = v ?? (pair.key as Node);
    if (key === 'minSeverity') {
      const text = isScalar(v) ? String(v.value) : '';
      if (!MIN_SEVERITIES.includes(text as MinSeverity))
        problem(
          at,
          `vulnerabilities.minSeverity must be one of ${MIN_SEVERITIES.join(', ')}${text ? `, not "${text}"` : ''}.`,
        );
      else into.minSeverity = text as MinSeverity;
    } else if (key === 'fixableOnly') {
      if (!isScalar(v) || typeof v.value !== 'boolean')
        problem(at, 'vulnerabilities.fixableOnly must be true or false.');
      else into.fixableOnly = v.value;
    } else if (key === 'ignore') {
      if (!isSeq(v)) {
        problem(at, 'vulnerabilities.ignore must be a list of { id, reason }.');
        continue;
      }
      for (const [i, item] of v.items.entries()) {
        const node = item as Node;
        if (!isMap(node)) {
          problem(node, `vulnerabilities.ignore[${i}] must be { id: CVE-..., reason: "why it does not apply" }.`);
          continue;
        }
        const id = node.get('id');
        const reason = node.get('reason');
        for (const p of node.items) {
          const k = isScalar(p.key) ? String(p.key.value) : '';
          if (k !== 'id' && k !== 'reason')
            problem(p.key as Node, `Unknown key "${k}" in vulnerabilities.ignore[${i}]: it takes id and reason.`);
        }
        if (typeof id !== 'string' || !id.trim())
          problem(node, `vulnerabilities.ignore[${i}] needs an id, e.g. CVE-2025-1234.`);
        else if (typeof reason !== 'string' || !reason.trim())
          problem(node, `vulnerabilities.ignore[${i}] (${id}) needs a reason: say why it does not apply.`);
        else into.ignore.push({ id: id.trim(), reason: reason.trim() });
      }
    } else {
      problem(
        pair.key as Node,
        `Unknown key "${key}" in vulnerabilities. It understands ${VULNERABILITY_KEYS.join(', ')}.`,
      );
    }
  }
}

function stringList(
  value: Node | null,
  key: string,
  problem: (node: Node | null | undefined, message: string) => void,
): string[] | undefined {
  if (!isSeq(value)) {
    problem(value, `${key} must be a list of strings, e.g. ${key}: [example]`);
    return undefined;
  }
  const out: string[] = [];
  for (const item of value.items) {
    if (isScalar(item) && typeof item.value === 'string' && item.value.trim()) out.push(item.value.trim());
    else problem(item as Node, `Every entry of ${key} must be a non-empty string.`);
  }
  return out;
}

/** Workspace-scoped editor settings (`imageTrust.*`) that may shape the policy. */
export interface EditorPolicySettings {
  rules?: Record<string, unknown>;
  trustedNamespaces?: unknown;
  trustedRegistries?: unknown;
  maxImageAgeDays?: unknown;
}

/**
 * The policy file wins over editor settings for the keys it sets, so CI and the editor agree;
 * editor settings fill what the file leaves out. Bad editor values are reported, not used.
 */
export function mergePolicy(
  file: Policy | undefined,
  fileKeys: ReadonlySet<string>,
  editor: EditorPolicySettings | undefined,
): { policy: Policy; warnings: string[] } {
  const policy: Policy = file ? structuredClone(file) : defaultPolicy();
  const warnings: string[] = [];
  if (!editor) return { policy, warnings };
  const strings = (v: unknown, name: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
    warnings.push(`imageTrust.${name} must be a list of strings; ignoring it.`);
    return undefined;
  };
  const namespaces = strings(editor.trustedNamespaces, 'trustedNamespaces');
  if (namespaces && !fileKeys.has('trustedNamespaces')) policy.trustedNamespaces = namespaces;
  const registries = strings(editor.trustedRegistries, 'trustedRegistries');
  if (registries && registries.length && !fileKeys.has('trustedRegistries')) policy.trustedRegistries = registries;
  if (editor.maxImageAgeDays !== undefined && !fileKeys.has('maxImageAgeDays')) {
    const n = editor.maxImageAgeDays;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1) policy.maxImageAgeDays = n;
    else warnings.push('imageTrust.maxImageAgeDays must be a whole number, 1 or more; ignoring it.');
  }
  if (editor.rules && typeof editor.rules === 'object') {
    for (const [id, sev] of Object.entries(editor.rules)) {
      if (!isRuleId(id)) warnings.push(`imageTrust.rules: unknown rule "${id}".`);
      else if (!SEVERITIES.includes(sev as SeveritySetting))
        warnings.push(`imageTrust.rules.${id} must be error, warning, info or off.`);
      else if (policy.rules[id] === undefined) policy.rules[id] = sev as SeveritySetting;
    }
  }
  return { policy, warnings };
}

/** Keys present at the top level of a policy file, for mergePolicy. */
export function policyFileKeys(text: string): Set<string> {
  const doc = parseDocument(text);
  const keys = new Set<string>();
  if (isMap(doc.contents)) for (const p of doc.contents.items) if (isScalar(p.key)) keys.add(String(p.key.value));
  return keys;
}
