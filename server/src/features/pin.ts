// Plans "pin to digest" for a whole document: one edit per place where reference text lives,
// each changing only the reference. Used by `image-trust pin`, the "Pin all images in this file"
// source action and the workspace command. No LSP or file-system imports: text in, edits out.
import type { AnalyzedReference, DocumentAnalysis } from '../core/analyze';
import type { ImageFacts } from '../core/facts';
import { referenceFix } from '../core/rules/fixes';
import type { Range } from '../core/types';

export interface TextEditPlan {
  range: Range;
  /** The text expected at `range` now; the edit is refused if the file says otherwise. */
  expectedText: string;
  newText: string;
  reference: string;
}

export interface PinPlan {
  edits: TextEditPlan[];
  /** References that need pinning but cannot be, with the reason. */
  failed: Array<{ reference: string; range: Range; reason: string }>;
  /** References already pinned to a digest. */
  alreadyPinned: number;
  /** References that need pinning (the count `pin --check` reports). */
  unpinned: number;
  /** References that need pinning, where they are (what `pin --check` lists). */
  unpinnedAt: Array<{ reference: string; range: Range }>;
  /** Unpinned references whose `image-trust-ignore=unpinned-digest` comment leaves them as they are. */
  suppressed: number;
}

/** True when `# image-trust-ignore=unpinned-digest` (or `all`) above the reference says not to pin it. */
export function pinSuppressed(analyzed: AnalyzedReference): boolean {
  const s = analyzed.occurrence.suppressed;
  return s.has('unpinned-digest') || s.has('all');
}

export function planPins(
  analysis: DocumentAnalysis,
  factsFor: (ref: AnalyzedReference) => ImageFacts | undefined,
): PinPlan {
  const plan: PinPlan = { edits: [], failed: [], alreadyPinned: 0, unpinned: 0, unpinnedAt: [], suppressed: 0 };
  const seen = new Set<string>();
  for (const analyzed of analysis.references) {
    const { occurrence, reference } = analyzed;
    if (reference?.digest) {
      plan.alreadyPinned++;
      continue;
    }
    // The same suppression comment that silences lint's unpinned-digest leaves pin alone too.
    if ((reference || occurrence.unresolvedVariables?.length) && pinSuppressed(analyzed)) {
      plan.suppressed++;
      continue;
    }
    if (!reference) {
      if (analyzed.parseError === undefined && occurrence.unresolvedVariables?.length) {
        plan.unpinned++;
        plan.unpinnedAt.push({ reference: occurrence.text, range: occurrence.range });
        plan.failed.push({
          reference: occurrence.text,
          range: occurrence.range,
          reason: `${occurrence.unresolvedVariables.join(', ')} has no value here`,
        });
      }
      continue;
    }
    plan.unpinned++;
    plan.unpinnedAt.push({ reference: occurrence.text, range: occurrence.range });
    const facts = factsFor(analyzed);
    const answer = facts?.currentDigest;
    if (answer?.state !== 'known') {
      const reason = !answer
        ? 'its digest was not looked up (offline)'
        : answer.state === 'notFound'
          ? `the registry has no ${answer.missing === 'repository' ? 'repository' : 'tag'} ${answer.missing === 'repository' ? reference.repository : (reference.tag ?? 'latest')}`
          : `the registry could not be asked: ${answer.reason}`;
      plan.failed.push({ reference: occurrence.text, range: occurrence.range, reason });
      continue;
    }
    const fix = referenceFix(occurrence, 'Pin to digest', reference.tag ?? 'latest', answer.value);
    if (fix.disabledReason) {
      plan.failed.push({ reference: occurrence.text, range: occurrence.range, reason: fix.disabledReason });
      continue;
    }
    const range = fix.range ?? occurrence.range;
    const key = `${range.start.line}:${range.start.character}`;
    // Two FROM lines that use the same ARG default share one edit.
    if (seen.has(key)) continue;
    seen.add(key);
    plan.edits.push({
      range,
      expectedText: fix.expectedText ?? occurrence.text,
      newText: fix.replacement,
      reference: occurrence.text,
    });
  }
  return plan;
}
