// The images view's data: every image reference of a document, with what is known about it (tier,
// trust, pinned, newer versions, end of life, signature) and the findings at its place. Text and
// facts in, plain data out; the LSP handler walks the workspace and the client draws the tree.
import type { DocumentAnalysis } from '../core/analyze';
import type { ImageFacts } from '../core/facts';
import type { Policy } from '../core/settings';
import { isNamespaceTrusted, isRegistryTrusted } from '../core/trust';
import type { Finding, Range } from '../core/types';
import { publisherTier } from './hover';
import type { ImagePlace } from '../../../protocol/messages';

export type { ImagePlace };

export function imagePlaces(
  uri: string,
  analysis: DocumentAnalysis,
  policy: Policy,
  findings: Finding[],
  factsFor: (raw: string) => ImageFacts | undefined,
): ImagePlace[] {
  return analysis.references.map(({ occurrence, reference }) => {
    const here = findings
      .filter((f) => sameRange(f.range, occurrence.range))
      .map((f) => ({ rule: f.rule, severity: f.severity }));
    if (!reference) return { uri, range: occurrence.range, text: occurrence.text, pinned: false, findings: here };
    const facts = factsFor(reference.raw) ?? {};
    const tier = publisherTier(reference.registry, reference.repository, facts);
    const trusted =
      isRegistryTrusted(reference, policy) &&
      ((tier !== 'community' && tier !== 'unverified') || isNamespaceTrusted(reference, policy));
    const place: ImagePlace = {
      uri,
      range: occurrence.range,
      text: occurrence.text,
      image: reference.familiarName,
      tag: reference.tag,
      digest: reference.digest,
      tier,
      trusted,
      pinned: reference.digest !== undefined,
      findings: here,
    };
    const newer = facts.newer?.patch ?? facts.newer?.minor ?? facts.newer?.major;
    if (newer) place.newer = newer;
    if (facts.newer?.patch) place.newerPatch = facts.newer.patch;
    if (facts.eol) place.endOfLife = facts.eol.isEol;
    if (facts.signature?.state === 'known') place.signature = facts.signature.value.state;
    return place;
  });
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
