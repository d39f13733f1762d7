// What the light bulb offers for the references in a range, decided without LSP types: the rules'
// fixes (each edit once), "Pin to digest" where a digest is known, "Ignore <rule> for this line"
// and "Trust namespace / registry" for the policy file. The language server turns these plans into
// CodeActions; everything here is text and facts in, plans out.
import type { AnalyzedReference, DocumentAnalysis } from '../core/analyze';
import type { ImageFacts } from '../core/facts';
import { splitEditNote } from '../core/kinds/splitReference';
import { LineIndex } from '../core/lineIndex';
import { POLICY_FILE_NAME } from '../core/policy';
import { rangesOverlap, sameRange } from '../core/ranges';
import { hubNamespace } from '../core/reference';
import type { Policy } from '../core/settings';
import type { Finding, Range, RuleId } from '../core/types';
import { planPins, type PinPlan } from './pin';
import { addToPolicyList, newPolicyFileText, type PolicyListKey } from './policyEdit';

export type PlannedActionKind = 'quickfix' | 'refactor.rewrite' | 'source.pinImages';

export interface PlannedEdit {
  range: Range;
  newText: string;
}

export interface PlannedAction {
  title: string;
  kind: PlannedActionKind;
  isPreferred?: boolean;
  /** Set when the action is shown but cannot be applied, with the reason. */
  disabledReason?: string;
  /** The finding the action answers, so the edge can attach its diagnostic. */
  finding?: { rule: RuleId; range: Range };
  /** Edits to the document the action was asked for. */
  documentEdits: PlannedEdit[];
  /** Edits to the policy file; `create`: the file does not exist yet and `edits` hold its text. */
  policyFile?: { path: string; create: boolean; edits: PlannedEdit[] };
}

/** The policy file a trust action writes to: the one that applies, or where a new one goes. */
export type PolicyFileTarget = { path: string; text: string } | { path: string; text?: undefined; canCreate: boolean };

export interface CodeActionInput {
  /** The document's text, for ignore comments. */
  text: string;
  analysis: DocumentAnalysis;
  /** The range the editor asks about. */
  range: Range;
  /** Findings of the references in `range`, with the facts below. */
  findings: Finding[];
  factsFor(ref: AnalyzedReference): ImageFacts | undefined;
  policy: Policy;
  policyFile?: PolicyFileTarget;
}

/** The references whose text overlaps `range`. */
export function referencesIn(analysis: DocumentAnalysis, range: Range): AnalyzedReference[] {
  return analysis.references.filter((r) => rangesOverlap(r.occurrence.range, range));
}

export function planCodeActions(input: CodeActionInput): PlannedAction[] {
  const actions: PlannedAction[] = [];
  const offered = new Set<string>();
  const once = (range: Range, newText: string): boolean => {
    const key = `${JSON.stringify(range)}→${newText}`;
    if (offered.has(key)) return false;
    offered.add(key);
    return true;
  };
  for (const finding of input.findings) {
    for (const fix of finding.fixes) {
      const range = fix.range ?? finding.range;
      if (!once(range, fix.replacement)) continue;
      actions.push({
        title: fix.title,
        kind: 'quickfix',
        isPreferred: fix.isPreferred,
        finding: { rule: finding.rule, range: finding.range },
        disabledReason: fix.disabledReason ? `Cannot change this reference: ${fix.disabledReason}` : undefined,
        documentEdits: fix.disabledReason ? [] : [{ range, newText: fix.replacement }],
      });
    }
  }
  const inRange = referencesIn(input.analysis, input.range);
  // "Pin to digest" also where there is no squiggle (the rule is off or suppressed, the tag trusted).
  for (const analyzed of inRange) {
    const reference = analyzed.reference;
    if (!reference || reference.digest) continue;
    if (input.factsFor(analyzed)?.currentDigest?.state !== 'known') continue;
    const plan = planPins({ ...input.analysis, references: [analyzed] }, input.factsFor);
    for (const edit of plan.edits) {
      if (!once(edit.range, edit.newText)) continue;
      actions.push({
        title: `Pin ${reference.familiarName}:${reference.tag ?? 'latest'} to digest${analyzed.occurrence.split ? splitEditNote(analyzed.occurrence.split, true) : ''}`,
        kind: 'refactor.rewrite',
        documentEdits: [{ range: edit.range, newText: edit.newText }],
      });
    }
  }
  actions.push(...trustActions(input, inRange));
  actions.push(...ignoreActions(input, inRange));
  return actions;
}

/** "Pin all images in this file": a source action of its own kind, never a fixAll. */
export function pinAllAction(plan: PinPlan): PlannedAction | undefined {
  if (plan.edits.length === 0) return undefined;
  return {
    title: `Pin all images in this file (${plan.edits.length})`,
    kind: 'source.pinImages',
    documentEdits: plan.edits.map((e) => ({ range: e.range, newText: e.newText })),
  };
}

const IGNORE_LINE = /^(\s*(?:#|\/\/)\s*image-trust-ignore\s*=\s*)([A-Za-z0-9_,\s-]+?)(\s*)$/;
const COMMENT_LINE = { hash: /^\s*#/, slash: /^\s*\/\// };

function findingReference(finding: Finding, inRange: AnalyzedReference[]): AnalyzedReference | undefined {
  return inRange.find((r) => sameRange(r.occurrence.range, finding.range));
}

/**
 * "Ignore <rule> for this line": `# image-trust-ignore=<rule>` directly above the instruction or
 * `image:` key (where suppression.ts reads it), merged into an ignore comment already there.
 */
function ignoreActions(input: CodeActionInput, inRange: AnalyzedReference[]): PlannedAction[] {
  const lines = new LineIndex(input.text);
  const eol = input.text.includes('\r\n') ? '\r\n' : '\n';
  const actions: PlannedAction[] = [];
  const seen = new Set<string>();
  for (const finding of input.findings) {
    const analyzed = findingReference(finding, inRange);
    if (!analyzed) continue;
    const syntax = analyzed.occurrence.commentSyntax ?? 'hash';
    // A plain JSON file (docker-bake.json) has no comments to hold the ignore.
    if (syntax === 'none') continue;
    const line = analyzed.occurrence.constructLine ?? analyzed.occurrence.range.start.line;
    const key = `${finding.rule}@${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    actions.push({
      title: `Ignore ${finding.rule} for this line`,
      kind: 'quickfix',
      finding: { rule: finding.rule, range: finding.range },
      documentEdits: [ignoreEdit(lines, line, finding.rule, eol, syntax)],
    });
  }
  return actions;
}

function ignoreEdit(lines: LineIndex, line: number, rule: string, eol: string, syntax: 'hash' | 'slash'): PlannedEdit {
  for (let l = line - 1; l >= 0; l--) {
    const text = lines.lineText(l);
    if (!COMMENT_LINE[syntax].test(text)) break;
    const m = IGNORE_LINE.exec(text);
    if (m) {
      const end = m[1].length + m[2].length;
      return { range: { start: { line: l, character: end }, end: { line: l, character: end } }, newText: `,${rule}` };
    }
  }
  const indent = /^\s*/.exec(lines.lineText(line))?.[0] ?? '';
  const at = { line, character: 0 };
  return {
    range: { start: at, end: at },
    newText: `${indent}${syntax === 'slash' ? '//' : '#'} image-trust-ignore=${rule}${eol}`,
  };
}

/** "Trust namespace "x"" for unofficial-image; "Trust registry host/namespace" for untrusted-registry. */
function trustActions(input: CodeActionInput, inRange: AnalyzedReference[]): PlannedAction[] {
  const target = input.policyFile;
  if (!target) return [];
  const actions: PlannedAction[] = [];
  const seen = new Set<string>();
  const offer = (finding: Finding, title: string, key: PolicyListKey, value: string, seed: readonly string[]) => {
    if (seen.has(`${key}:${value}`)) return;
    seen.add(`${key}:${value}`);
    const action: PlannedAction = {
      title,
      kind: 'quickfix',
      finding: { rule: finding.rule, range: finding.range },
      documentEdits: [],
    };
    if (target.text === undefined) {
      if (!target.canCreate) return;
      const text = newPolicyFileText(key, [...seed, value]);
      const at = { line: 0, character: 0 };
      action.policyFile = {
        path: target.path,
        create: true,
        edits: [{ range: { start: at, end: at }, newText: text }],
      };
    } else {
      const edit = addToPolicyList(target.text, key, value, seed);
      if ('error' in edit) action.disabledReason = `Cannot add it to ${POLICY_FILE_NAME}: ${edit.error}`;
      else action.policyFile = { path: target.path, create: false, edits: edit.edits };
    }
    actions.push(action);
  };
  for (const finding of input.findings) {
    const reference = findingReference(finding, inRange)?.reference;
    if (!reference) continue;
    if (finding.rule === 'unofficial-image') {
      const namespace = hubNamespace(reference);
      if (namespace && namespace !== 'library')
        offer(
          finding,
          `Trust namespace "${namespace}" (${POLICY_FILE_NAME})`,
          'trustedNamespaces',
          namespace,
          input.policy.trustedNamespaces,
        );
    } else if (finding.rule === 'untrusted-registry') {
      const slash = reference.repository.indexOf('/');
      const seed = input.policy.trustedRegistries ?? [];
      if (slash > 0) {
        const entry = `${reference.registry}/${reference.repository.slice(0, slash)}`;
        offer(finding, `Trust registry ${entry} (${POLICY_FILE_NAME})`, 'trustedRegistries', entry, seed);
      }
      offer(
        finding,
        `Trust registry ${reference.registry} (${POLICY_FILE_NAME})`,
        'trustedRegistries',
        reference.registry,
        seed,
      );
    }
  }
  return actions;
}
