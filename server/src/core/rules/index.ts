import { invalidDocument, invalidPolicy, unresolvedVariable } from './documentProblems';
import { eolVersion } from './eolVersion';
import { invalidReference } from './invalidReference';
import { latestTag } from './latestTag';
import { missingTag } from './missingTag';
import { outdatedVersion } from './outdatedVersion';
import type { Rule, RuleInfo } from './rule';
import { staleDigest } from './staleDigest';
import { staleImage } from './staleImage';
import { unknownImage } from './unknownImage';
import { unknownTag } from './unknownTag';
import { unofficialImage } from './unofficialImage';
import { unpinnedDigest } from './unpinnedDigest';
import { unsignedImage } from './unsignedImage';
import { untrustedRegistry } from './untrustedRegistry';

/** Every rule, in the order of the contract's table. */
export const RULES: readonly RuleInfo[] = [
  invalidReference,
  latestTag,
  missingTag,
  unofficialImage,
  untrustedRegistry,
  unpinnedDigest,
  outdatedVersion,
  eolVersion,
  staleDigest,
  unknownImage,
  unknownTag,
  staleImage,
  unsignedImage,
  unresolvedVariable,
  invalidDocument,
  invalidPolicy,
];

/** The rules checked per image reference, in table order. */
export const CHECKED_RULES: readonly Rule[] = RULES.filter((r): r is Rule => 'check' in r);

export function ruleById(id: string): RuleInfo | undefined {
  return RULES.find((r) => r.id === id);
}
