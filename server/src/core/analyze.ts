// The engine shared by the server and the CLI: text in, references and findings out.
import { extractComposeImages, type Environment } from './compose';
import { extractDockerfileImages } from './dockerfile';
import type { ImageFacts } from './facts';
import { extractBakeImages } from './kinds/bake';
import { extractDevcontainerImages } from './kinds/devcontainer';
import { detectFileKind, type DetectContext } from './kinds/fileKinds';
import { extractGithubActionsImages } from './kinds/githubActions';
import { extractGitlabCiImages } from './kinds/gitlabCi';
import { extractHelmValuesImages } from './kinds/helmValues';
import { extractKubernetesImages } from './kinds/kubernetes';
import { parseImageReference } from './reference';
import { RULES } from './rules';
import { documentSeverity, invalidDocument } from './rules/documentProblems';
import { invalidReference } from './rules/invalidReference';
import type { Policy } from './settings';
import type {
  DocumentKind,
  DocumentProblem,
  ExtractionResult,
  Finding,
  ImageFileKind,
  ImageOccurrence,
  ImageReference,
  RuleId,
  Severity,
  SeveritySetting,
} from './types';

/**
 * Beyond this size a file is not a Dockerfile or compose file anyone writes by hand, and parsing
 * it on every keystroke would stall the editor (dockerfile-ast takes about a second per MB).
 */
export const MAX_DOCUMENT_LENGTH = 1024 * 1024;

export interface AnalyzedReference {
  occurrence: ImageOccurrence;
  /** Present when the resolved text is a valid reference. */
  reference?: ImageReference;
  parseError?: string;
}

export interface DocumentAnalysis {
  kind: DocumentKind;
  references: AnalyzedReference[];
  problems: DocumentProblem[];
}

/** The kind of a file by its path (and, where the name does not decide, its content). */
export function detectDocumentKind(fileName: string, context?: DetectContext): DocumentKind | undefined {
  return detectFileKind(fileName, context);
}

export interface AnalyzeOptions {
  /** Bake: the file name decides between HCL and JSON. */
  fileName?: string;
}

export function analyzeDocument(
  text: string,
  kind: ImageFileKind,
  env?: Environment,
  options: AnalyzeOptions = {},
): DocumentAnalysis {
  if (text.length > MAX_DOCUMENT_LENGTH) {
    return {
      kind,
      references: [],
      problems: [
        {
          code: 'invalid-document',
          severity: documentSeverity(invalidDocument),
          range: zeroRange(),
          message: `This file is ${(text.length / 1048576).toFixed(1)} MB; image-trust checks files up to ${MAX_DOCUMENT_LENGTH / 1048576} MB, so its images were not checked.`,
        },
      ],
    };
  }
  if (looksBinary(text)) {
    return {
      kind,
      references: [],
      problems: [
        {
          code: 'invalid-document',
          severity: documentSeverity(invalidDocument),
          range: zeroRange(),
          message: 'This file looks binary (it contains NUL bytes); image-trust did not check it.',
        },
      ],
    };
  }
  return analysisOf(kind, extract(text, kind, env, options));
}

/**
 * The analysis of what extraction found: each resolved text parsed as a reference. `parse` lets a
 * caller that analyzes the same document again answer from the parses it already made.
 */
export function analysisOf(
  kind: DocumentKind,
  extraction: ExtractionResult,
  parse: typeof parseImageReference = parseImageReference,
): DocumentAnalysis {
  const references = extraction.occurrences.map((occurrence): AnalyzedReference => {
    if (occurrence.expansionError !== undefined) return { occurrence, parseError: occurrence.expansionError };
    if (occurrence.resolved === undefined) return { occurrence };
    const parsed = parse(occurrence.resolved);
    return parsed.ok ? { occurrence, reference: parsed.reference } : { occurrence, parseError: parsed.error };
  });
  return { kind, references, problems: extraction.problems };
}

/** True when analyzeDocument answers `text` without reading it (too large, or binary). */
export function isUnreadableDocument(text: string): boolean {
  return text.length > MAX_DOCUMENT_LENGTH || looksBinary(text);
}

function extract(
  text: string,
  kind: ImageFileKind,
  env: Environment | undefined,
  options: AnalyzeOptions,
): ExtractionResult {
  switch (kind) {
    case 'dockerfile':
      return extractDockerfileImages(text);
    case 'compose':
      return extractComposeImages(text, env);
    case 'kubernetes':
      return extractKubernetesImages(text);
    case 'helm-values':
      return extractHelmValuesImages(text);
    case 'github-actions':
      return extractGithubActionsImages(text);
    case 'gitlab-ci':
      return extractGitlabCiImages(text);
    case 'devcontainer':
      return extractDevcontainerImages(text);
    case 'bake':
      return extractBakeImages(text, options.fileName);
  }
}

export function effectiveSeverity(rule: RuleId, defaultSeverity: SeveritySetting, policy: Policy): SeveritySetting {
  return policy.rules[rule] ?? defaultSeverity;
}

export interface EvaluateOptions {
  online: boolean;
  /** Network answers for a reference; undefined or {} when none are known yet. */
  factsFor?: (ref: AnalyzedReference) => ImageFacts | undefined;
}

export function evaluateRules(analysis: DocumentAnalysis, policy: Policy, options: EvaluateOptions): Finding[] {
  const findings: Finding[] = [];
  for (const problem of analysis.problems) {
    const severity = policy.rules[problem.code] ?? problem.severity;
    if (severity === 'off') continue;
    findings.push({
      rule: problem.code,
      severity,
      message: problem.message,
      range: problem.range,
      reference: problem.reference ?? '',
      fixes: [],
    });
  }
  for (const analyzed of analysis.references) {
    const { occurrence } = analyzed;
    if (analyzed.parseError !== undefined) {
      const severity = effectiveSeverity('invalid-reference', invalidReference.defaultSeverity, policy);
      if (severity !== 'off' && !isSuppressed(occurrence, 'invalid-reference')) {
        findings.push({
          rule: 'invalid-reference',
          severity,
          message: invalidReferenceMessage(occurrence, analyzed.parseError),
          range: occurrence.range,
          reference: occurrence.text,
          fixes: [],
        });
      }
      continue;
    }
    const reference = analyzed.reference;
    if (!reference) continue;
    const facts = options.factsFor?.(analyzed) ?? {};
    for (const rule of RULES) {
      if (rule.id === 'invalid-reference') continue;
      const severity = effectiveSeverity(rule.id, rule.defaultSeverity, policy);
      if (severity === 'off' || isSuppressed(occurrence, rule.id)) continue;
      const result = rule.check({ occurrence, reference, policy, facts, online: options.online });
      if (!result) continue;
      findings.push({
        rule: rule.id,
        severity: policy.rules[rule.id] ? severity : (result.severity ?? severity),
        message: result.message,
        range: occurrence.range,
        reference: occurrence.text,
        fixes: result.fixes ?? [],
        ...(result.vulnerabilityIds ? { vulnerabilityIds: result.vulnerabilityIds } : {}),
      });
    }
  }
  return findings;
}

function invalidReferenceMessage(occurrence: ImageOccurrence, error: string): string {
  if (occurrence.expansionError !== undefined)
    return `${occurrence.text} cannot be expanded: ${error}. The build fails here.`;
  const what =
    occurrence.resolved !== occurrence.text
      ? `"${occurrence.resolved}" (from ${occurrence.text})`
      : `"${occurrence.text}"`;
  const empty = occurrence.emptyVariables?.length
    ? ` ${occurrence.emptyVariables.map((v) => `\${${v}}`).join(', ')} is not declared by an ARG before the first FROM, so BuildKit expands it to an empty string.`
    : '';
  return `${what} is not a valid image reference: ${error}.${empty}`;
}

function isSuppressed(occurrence: ImageOccurrence, rule: RuleId): boolean {
  return occurrence.suppressed.has(rule) || occurrence.suppressed.has('all');
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

function looksBinary(text: string): boolean {
  const sample = text.length > 8192 ? text.slice(0, 8192) : text;
  return sample.includes('\u0000');
}

function zeroRange() {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
