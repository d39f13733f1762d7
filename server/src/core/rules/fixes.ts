// Builds fixes that rewrite a reference where its text lives (the reference itself, an ARG
// default or a compose `${VAR:-default}`), changing only its tag and digest.
import { rewriteSplit, splitEditNote } from '../kinds/splitReference';
import { withTagAndDigest } from '../reference';
import type { Fix, ImageOccurrence } from '../types';

export function referenceFix(
  occurrence: ImageOccurrence,
  title: string,
  tag: string | undefined,
  digest: string | undefined,
  isPreferred = false,
): Fix {
  if (occurrence.split) {
    const fix: Fix = {
      title: title + splitEditNote(occurrence.split, !!digest),
      replacement: rewriteSplit(occurrence.split, tag, digest),
      isPreferred,
      range: occurrence.split.range,
      expectedText: occurrence.split.text,
    };
    if (occurrence.editBlockedReason) fix.disabledReason = occurrence.editBlockedReason;
    return fix;
  }
  const written = occurrence.editTarget?.text ?? occurrence.text;
  const fix: Fix = { title, replacement: withTagAndDigest(written, tag, digest), isPreferred };
  if (occurrence.editTarget) {
    fix.range = occurrence.editTarget.range;
    fix.expectedText = occurrence.editTarget.text;
  } else if (occurrence.resolved !== undefined && occurrence.resolved !== occurrence.text) {
    fix.disabledReason = occurrence.editBlockedReason ?? 'the reference is built from variables';
  }
  if (occurrence.editBlockedReason) fix.disabledReason = occurrence.editBlockedReason;
  return fix;
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}`;
}

/** "Use 1.27.3" and its pinned twin, for latest/untagged references. */
export function latestResolutionFixes(occurrence: ImageOccurrence, tag: string, digest: string | undefined): Fix[] {
  const fixes = [referenceFix(occurrence, `Use ${tag} (what latest points to today)`, tag, undefined, true)];
  if (digest)
    fixes.push(
      referenceFix(occurrence, `Use ${tag}@${shortDigest(digest)}… (what latest points to today, pinned)`, tag, digest),
    );
  return fixes;
}
