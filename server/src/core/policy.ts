// `.image-trust.yaml` and the editor's workspace settings, validated into one Policy. Every bad key
// or value is a problem with a range, never silently ignored.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { imageGlobProblem } from './imageGlob';
import { LineIndex } from './lineIndex';
import {
  defaultPolicy,
  type AttestationRequirement,
  type EnforcementMode,
  type KeylessIdentity,
  type Policy,
  type SignatureRequirement,
} from './settings';
import { IMAGE_FILE_KINDS, isRuleId, RULE_IDS, type DocumentProblem, type SeveritySetting } from './types';
import { isImageFileKind } from './kinds/fileKinds';
import type { MinSeverity, VulnerabilityPolicy } from './vuln/vulnerabilityReport';

const PEM_PUBLIC_KEY = /-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/;

export const POLICY_FILE_NAME = '.image-trust.yaml';
const SEVERITIES: SeveritySetting[] = ['error', 'warning', 'info', 'off'];

/** A JSON Schema (draft-07) fragment: what the editor's schema for `.image-trust.yaml` says about a key. */
export type JsonSchema = { [keyword: string]: unknown };

/** Reports a problem at a node of the policy file (its range, or the file start). */
export type ReportProblem = (node: Node | null | undefined, message: string) => void;

/**
 * One top-level key of `.image-trust.yaml`: how the loader reads and validates it, and the JSON
 * Schema the editor gets for it (server/src/core/policySchema.ts builds the file's schema from
 * these), so the two cannot drift. A new key is a new entry here; `schema` must accept exactly
 * what `read` accepts (test/core/policySchema.test.ts checks both on the same documents).
 */
export interface PolicyKeyDefinition {
  schema: JsonSchema & { description: string };
  read(value: Node | null, policy: Policy, report: ReportProblem, keyNode: Node, lines: LineIndex): void;
}

const NON_EMPTY_STRING: JsonSchema = { type: 'string', pattern: '\\S' };
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
const MIN_SEVERITIES: MinSeverity[] = ['critical', 'high', 'medium', 'low'];
const VULNERABILITY_KEYS = ['minSeverity', 'fixableOnly', 'ignore'];

const IMAGE_GLOB_SCHEMA: JsonSchema = { type: 'string', pattern: '^[a-zA-Z0-9\\-_:/*.@]+$' };
const IDENTITY_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    issuer: NON_EMPTY_STRING,
    issuerRegExp: NON_EMPTY_STRING,
    subject: NON_EMPTY_STRING,
    subjectRegExp: NON_EMPTY_STRING,
  },
  allOf: [
    { oneOf: [{ required: ['issuer'] }, { required: ['issuerRegExp'] }] },
    { oneOf: [{ required: ['subject'] }, { required: ['subjectRegExp'] }] },
  ],
};

/** The schema of a signatures (or attestations) entry; what requirement() below accepts. */
function requirementSchema(attestation: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    images: { type: 'array', minItems: 1, items: IMAGE_GLOB_SCHEMA },
    mode: { enum: ['enforce', 'warn'] },
    keyless: { type: 'array', items: IDENTITY_SCHEMA },
    keys: { type: 'array', items: { type: 'string', pattern: PEM_PUBLIC_KEY.source } },
  };
  if (attestation)
    return {
      type: 'object',
      additionalProperties: false,
      required: ['predicateType'],
      properties: { predicateType: NON_EMPTY_STRING, ...properties },
    };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['images'],
    properties,
    anyOf: [
      { required: ['keyless'], properties: { keyless: { minItems: 1 } } },
      { required: ['keys'], properties: { keys: { minItems: 1 } } },
    ],
  };
}

export const POLICY_KEYS: Record<string, PolicyKeyDefinition> = {
  trustedRegistries: {
    schema: {
      description:
        'Registries (host) or registry namespaces (host/namespace) images may come from. Absent: every registry is allowed.',
      type: 'array',
      items: { ...NON_EMPTY_STRING, examples: ['docker.io', 'ghcr.io/my-org'] },
    },
    read(value, policy, report) {
      const list = stringList(value, 'trustedRegistries', report);
      if (list) policy.trustedRegistries = list.map((s) => s.replace(/\/+$/, ''));
    },
  },
  trustedNamespaces: {
    schema: {
      description: 'Docker Hub namespaces trusted like Verified Publishers, e.g. bitnami.',
      type: 'array',
      items: NON_EMPTY_STRING,
    },
    read(value, policy, report) {
      const list = stringList(value, 'trustedNamespaces', report);
      if (list) policy.trustedNamespaces = list;
    },
  },
  rules: {
    schema: {
      description: 'Severity of each rule, overriding its default; off disables it.',
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(RULE_IDS.map((id) => [id, { enum: SEVERITIES }])),
    },
    read(value, policy, report, keyNode) {
      if (!isMap(value)) {
        report(value ?? keyNode, 'rules must be a mapping of rule id to error, warning, info or off.');
        return;
      }
      for (const rulePair of value.items) {
        const id = isScalar(rulePair.key) ? String(rulePair.key.value) : '';
        const severity = isScalar(rulePair.value) ? String(rulePair.value.value) : undefined;
        if (!isRuleId(id)) {
          report(rulePair.key as Node, `Unknown rule "${id}". Known rules: ${RULE_IDS.join(', ')}.`);
        } else if (!severity || !SEVERITIES.includes(severity as SeveritySetting)) {
          report(
            (rulePair.value as Node) ?? (rulePair.key as Node),
            `The severity of ${id} must be one of ${SEVERITIES.join(', ')}${severity ? `, not "${severity}"` : ''}.`,
          );
        } else {
          policy.rules[id] = severity as SeveritySetting;
        }
      }
    },
  },
  maxImageAgeDays: {
    schema: {
      description: 'stale-image reports tags last pushed longer ago than this many days. Default 365.',
      type: 'integer',
      minimum: 1,
    },
    read(value, policy, report, keyNode) {
      const n = isScalar(value) ? value.value : undefined;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
        report(value ?? keyNode, 'maxImageAgeDays must be a whole number of days, 1 or more.');
      } else policy.maxImageAgeDays = n;
    },
  },
  signatureKeys: {
    schema: {
      description: 'PEM public keys whose cosign signatures count as verified.',
      type: 'array',
      items: { type: 'string', pattern: PEM_PUBLIC_KEY.source },
    },
    read(value, policy, report) {
      const list = stringList(value, 'signatureKeys', report);
      if (!list) return;
      policy.signatureKeys = list;
      for (const [i, pem] of list.entries()) {
        if (!PEM_PUBLIC_KEY.test(pem)) {
          report(
            isSeq(value) ? (value.items[i] as Node) : value,
            `signatureKeys[${i}] is not a PEM public key (-----BEGIN PUBLIC KEY----- ...).`,
          );
        }
      }
    },
  },
  files: {
    schema: {
      description:
        "Extra globs per file kind, relative to this file's folder, for layouts not recognised by name or content.",
      type: 'object',
      propertyNames: { enum: [...IMAGE_FILE_KINDS] },
      additionalProperties: { type: 'array', items: NON_EMPTY_STRING },
    },
    read(value, policy, report, keyNode) {
      if (!isMap(value)) {
        report(value ?? keyNode, `files must map a file kind (${IMAGE_FILE_KINDS.join(', ')}) to a list of globs.`);
        return;
      }
      policy.files = {};
      for (const kindPair of value.items) {
        const kind = isScalar(kindPair.key) ? String(kindPair.key.value) : '';
        if (!isImageFileKind(kind)) {
          report(kindPair.key as Node, `Unknown file kind "${kind}". Known kinds: ${IMAGE_FILE_KINDS.join(', ')}.`);
          continue;
        }
        const globs = stringList(kindPair.value as Node | null, `files.${kind}`, report);
        if (globs) policy.files[kind] = globs;
      }
    },
  },
  platform: {
    schema: {
      description:
        'Platform whose image is inspected for vulnerabilities and provenance when FROM --platform says nothing. Default linux/amd64.',
      type: 'string',
      pattern: PLATFORM.source,
      examples: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    },
    read(value, policy, report, keyNode) {
      const text = isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
      if (!text || !PLATFORM.test(text))
        report(value ?? keyNode, 'platform must be OS/ARCH or OS/ARCH/VARIANT in lower case, e.g. linux/arm64.');
      else policy.platform = text;
    },
  },
  vulnerabilities: {
    schema: {
      description: 'Which known vulnerabilities vulnerable-image reports.',
      type: 'object',
      additionalProperties: false,
      properties: {
        minSeverity: {
          description: 'The lowest severity reported (an unknown severity counts only at low). Default high.',
          enum: MIN_SEVERITIES,
        },
        fixableOnly: { description: 'Only vulnerabilities with a fixed version. Default true.', type: 'boolean' },
        ignore: {
          description: 'Advisories not to report (by id or alias), each with the reason.',
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'reason'],
            properties: { id: NON_EMPTY_STRING, reason: NON_EMPTY_STRING },
          },
        },
      },
    },
    read(value, policy, report, keyNode) {
      readVulnerabilityPolicy(value ?? keyNode, policy.vulnerabilities, report);
    },
  },
  signatures: {
    schema: {
      description:
        'Who must have signed which images (Sigstore policy-controller and Kyverno names): images globs, mode enforce|warn, keyless identities (issuer or issuerRegExp, subject or subjectRegExp) and keys. Every matching entry must pass; any one authority of an entry is enough.',
      type: 'array',
      items: requirementSchema(false),
    },
    read(value, policy, report, keyNode, lines) {
      policy.signatures = requirementList(value ?? keyNode, 'signatures', lines, report, false);
    },
  },
  attestations: {
    schema: {
      description:
        'Signed in-toto attestations (e.g. predicateType https://slsa.dev/provenance/v1) the images must carry, from the keyless identities or keys given (none given: any verified signer).',
      type: 'array',
      items: requirementSchema(true),
    },
    read(value, policy, report, keyNode, lines) {
      policy.attestations = requirementList(
        value ?? keyNode,
        'attestations',
        lines,
        report,
        true,
      ) as AttestationRequirement[];
    },
  },
};

function readVulnerabilityPolicy(value: Node, into: VulnerabilityPolicy, report: ReportProblem): void {
  if (!isMap(value)) {
    report(value, 'vulnerabilities must be a mapping: { minSeverity, fixableOnly, ignore }.');
    return;
  }
  for (const pair of value.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const v = pair.value as Node | null;
    const at = v ?? (pair.key as Node);
    if (key === 'minSeverity') {
      const text = isScalar(v) ? String(v.value) : '';
      if (!MIN_SEVERITIES.includes(text as MinSeverity))
        report(
          at,
          `vulnerabilities.minSeverity must be one of ${MIN_SEVERITIES.join(', ')}${text ? `, not "${text}"` : ''}.`,
        );
      else into.minSeverity = text as MinSeverity;
    } else if (key === 'fixableOnly') {
      if (!isScalar(v) || typeof v.value !== 'boolean')
        report(at, 'vulnerabilities.fixableOnly must be true or false.');
      else into.fixableOnly = v.value;
    } else if (key === 'ignore') {
      if (!isSeq(v)) {
        report(at, 'vulnerabilities.ignore must be a list of { id, reason }.');
        continue;
      }
      for (const [i, item] of v.items.entries()) {
        const node = item as Node;
        if (!isMap(node)) {
          report(node, `vulnerabilities.ignore[${i}] must be { id: CVE-..., reason: "why it does not apply" }.`);
          continue;
        }
        let unknown = false;
        for (const p of node.items) {
          const k = isScalar(p.key) ? String(p.key.value) : '';
          if (k !== 'id' && k !== 'reason') {
            unknown = true;
            report(p.key as Node, `Unknown key "${k}" in vulnerabilities.ignore[${i}]: it takes id and reason.`);
          }
        }
        const id = node.get('id');
        const reason = node.get('reason');
        if (typeof id !== 'string' || !id.trim())
          report(node, `vulnerabilities.ignore[${i}] needs an id, e.g. CVE-2025-1234.`);
        else if (typeof reason !== 'string' || !reason.trim())
          report(node, `vulnerabilities.ignore[${i}] (${id}) needs a reason: say why it does not apply.`);
        else if (!unknown) into.ignore.push({ id: id.trim(), reason: reason.trim() });
      }
    } else {
      report(
        pair.key as Node,
        `Unknown key "${key}" in vulnerabilities. It understands ${VULNERABILITY_KEYS.join(', ')}.`,
      );
    }
  }
}

export interface PolicyParseResult {
  policy: Policy;
  problems: DocumentProblem[];
}

export function parsePolicy(text: string): PolicyParseResult {
  const lines = new LineIndex(text);
  const policy = defaultPolicy();
  const problems: DocumentProblem[] = [];
  const doc = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false });
  const problem: ReportProblem = (node, message) => {
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
    const definition = Object.hasOwn(POLICY_KEYS, key) ? POLICY_KEYS[key] : undefined;
    if (definition) definition.read(pair.value as Node | null, policy, problem, pair.key as Node, lines);
    else
      problem(
        pair.key as Node,
        `Unknown key "${key}". The policy file understands ${Object.keys(POLICY_KEYS).join(', ')}.`,
      );
  }
  return { policy, problems };
}

type Problem = ReportProblem;

const ENTRY_KEYS = ['images', 'mode', 'keyless', 'keys'] as const;
const IDENTITY_KEYS = ['issuer', 'issuerRegExp', 'subject', 'subjectRegExp'] as const;

/**
 * `signatures:` or `attestations:` entries, named like Sigstore policy-controller and Kyverno
 * (images, mode, keyless issuer/subject/issuerRegExp/subjectRegExp, keys) so entries can be
 * copied across. Bad entries are reported and left out; good ones are kept.
 */
function requirementList(
  value: Node,
  key: 'signatures' | 'attestations',
  lines: LineIndex,
  problem: Problem,
  attestation: boolean,
): SignatureRequirement[] {
  const example = attestation
    ? 'attestations: [{ predicateType: https://slsa.dev/provenance/v1, images: ["ghcr.io/acme/**"], keyless: [{ issuer: ..., subject: ... }] }]'
    : 'signatures: [{ images: ["ghcr.io/acme/**"], keyless: [{ issuer: ..., subjectRegExp: ... }] }]';
  if (!isSeq(value)) {
    problem(value, `${key} must be a list of entries, e.g. ${example}`);
    return [];
  }
  const out: SignatureRequirement[] = [];
  value.items.forEach((item, index) => {
    const where = `${key}[${index}]`;
    if (!isMap(item)) {
      problem(item as Node, `${where} must be a mapping with images and keyless or keys, e.g. ${example}`);
      return;
    }
    const entry = requirement(item, where, problem, attestation);
    if (entry) {
      const start = (item as Node).range?.[0];
      if (start !== undefined) entry.line = lines.positionAt(start).line + 1;
      out.push(entry);
    }
  });
  return out;
}

function requirement(
  map: YAMLMap,
  where: string,
  problem: Problem,
  attestation: boolean,
): SignatureRequirement | AttestationRequirement | undefined {
  let ok = true;
  const bad = (node: Node | null | undefined, message: string) => {
    ok = false;
    problem(node, message);
  };
  const entry: SignatureRequirement & { predicateType?: string } = {
    images: attestation ? ['**'] : [],
    mode: 'enforce',
    keyless: [],
    keys: [],
  };
  const known: readonly string[] = attestation ? [...ENTRY_KEYS, 'predicateType'] : ENTRY_KEYS;
  let sawImages = false;
  for (const pair of map.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    switch (name) {
      case 'images': {
        sawImages = true;
        const globs = stringList(value, `${where}.images`, bad);
        if (!globs) break;
        globs.forEach((glob, i) => {
          const why = imageGlobProblem(glob);
          if (why) bad(isSeq(value) ? (value.items[i] as Node) : value, `${where}.images[${i}]: ${why}.`);
        });
        if (globs.length === 0) bad(value, `${where}.images must name at least one image glob.`);
        entry.images = globs;
        break;
      }
      case 'mode': {
        const mode = isScalar(value) ? value.value : undefined;
        if (mode !== 'enforce' && mode !== 'warn')
          bad(
            value ?? (pair.key as Node),
            `${where}.mode must be enforce or warn${mode ? `, not "${String(mode)}"` : ''}.`,
          );
        else entry.mode = mode as EnforcementMode;
        break;
      }
      case 'keys': {
        const keys = stringList(value, `${where}.keys`, bad);
        keys?.forEach((pem, i) => {
          if (!PEM_PUBLIC_KEY.test(pem))
            bad(
              isSeq(value) ? (value.items[i] as Node) : value,
              `${where}.keys[${i}] is not a PEM public key (-----BEGIN PUBLIC KEY----- ...).`,
            );
        });
        if (keys) entry.keys = keys;
        break;
      }
      case 'keyless': {
        if (!isSeq(value)) {
          bad(
            value ?? (pair.key as Node),
            `${where}.keyless must be a list of identities, e.g. keyless: [{ issuer: https://token.actions.githubusercontent.com, subjectRegExp: '^https://github\\.com/acme/' }]`,
          );
          break;
        }
        value.items.forEach((item, i) => {
          const identity = keylessIdentity(item as Node, `${where}.keyless[${i}]`, bad);
          if (identity) entry.keyless.push(identity);
        });
        break;
      }
      case 'predicateType': {
        const type = isScalar(value) && typeof value.value === 'string' ? value.value.trim() : '';
        if (!type)
          bad(
            value ?? (pair.key as Node),
            `${where}.predicateType must be a predicate type URI, e.g. https://slsa.dev/provenance/v1.`,
          );
        else entry.predicateType = type;
        break;
      }
      default:
        bad(pair.key as Node, `Unknown key "${name}" in ${where}. An entry understands ${known.join(', ')}.`);
    }
  }
  if (!attestation && !sawImages)
    bad(map, `${where} needs images: the globs of the images it applies to, e.g. images: ["ghcr.io/acme/**"].`);
  if (attestation && !entry.predicateType)
    bad(map, `${where} needs predicateType, e.g. predicateType: https://slsa.dev/provenance/v1.`);
  if (!attestation && entry.keyless.length === 0 && entry.keys.length === 0 && ok)
    bad(map, `${where} needs keyless identities or keys: who must have signed these images.`);
  return ok ? entry : undefined;
}

function keylessIdentity(node: Node, where: string, bad: Problem): KeylessIdentity | undefined {
  if (!isMap(node)) {
    bad(node, `${where} must be a mapping of issuer (or issuerRegExp) and subject (or subjectRegExp).`);
    return undefined;
  }
  const identity: KeylessIdentity = {};
  let ok = true;
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (!(IDENTITY_KEYS as readonly string[]).includes(name)) {
      ok = false;
      bad(pair.key as Node, `Unknown key "${name}" in ${where}. An identity understands ${IDENTITY_KEYS.join(', ')}.`);
      continue;
    }
    const text = isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
    if (!text) {
      ok = false;
      bad(value ?? (pair.key as Node), `${where}.${name} must be a non-empty string.`);
      continue;
    }
    if (name.endsWith('RegExp')) {
      try {
        new RegExp(text);
      } catch (error) {
        ok = false;
        bad(value, `${where}.${name} is not a valid regular expression: ${(error as Error).message}.`);
        continue;
      }
    }
    identity[name as keyof KeylessIdentity] = text;
  }
  if (!ok) return undefined;
  const hasIssuer = identity.issuer !== undefined || identity.issuerRegExp !== undefined;
  const hasSubject = identity.subject !== undefined || identity.subjectRegExp !== undefined;
  if (!hasIssuer || !hasSubject) {
    bad(
      node,
      `${where} needs ${hasIssuer ? '' : 'issuer (or issuerRegExp)'}${!hasIssuer && !hasSubject ? ' and ' : ''}${hasSubject ? '' : 'subject (or subjectRegExp)'}: an identity with only one of them trusts anyone the other half allows.`,
    );
    return undefined;
  }
  if ((identity.issuer && identity.issuerRegExp) || (identity.subject && identity.subjectRegExp)) {
    bad(node, `${where}: give issuer or issuerRegExp, subject or subjectRegExp, not both.`);
    return undefined;
  }
  return identity;
}

function stringList(value: Node | null, key: string, problem: ReportProblem): string[] | undefined {
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
  /** `imageTrust.files`: file kind → globs. */
  files?: unknown;
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
  if (editor.files !== undefined && editor.files !== null && !fileKeys.has('files')) {
    const files = editorFiles(editor.files, warnings);
    if (files) policy.files = files;
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

function editorFiles(value: unknown, warnings: string[]): Policy['files'] {
  if (typeof value !== 'object' || Array.isArray(value)) {
    warnings.push('imageTrust.files must map a file kind to a list of globs; ignoring it.');
    return undefined;
  }
  const out: NonNullable<Policy['files']> = {};
  for (const [kind, globs] of Object.entries(value as Record<string, unknown>)) {
    if (!isImageFileKind(kind)) warnings.push(`imageTrust.files: unknown file kind "${kind}".`);
    else if (!Array.isArray(globs) || !globs.every((g) => typeof g === 'string'))
      warnings.push(`imageTrust.files.${kind} must be a list of globs.`);
    else out[kind] = globs as string[];
  }
  return out;
}
