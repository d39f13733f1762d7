import { invalidDocument, invalidPolicy, unresolvedVariable } from './documentProblems';
import { eolVersion } from './eolVersion';
import { invalidReference } from './invalidReference';
import { latestTag } from './latestTag';
import { mismatchedTag } from './mismatchedTag';
import { missingTag } from './missingTag';
import { outdatedVersion } from './outdatedVersion';
import type { Rule } from './rule';
import { staleDigest } from './staleDigest';
import { staleImage } from './staleImage';
import { unknownImage } from './unknownImage';
import { unknownTag } from './unknownTag';
import { unofficialImage } from './unofficialImage';
import { unpinnedDigest } from './unpinnedDigest';
import { unsignedImage } from './unsignedImage';
import { untrustedRegistry } from './untrustedRegistry';
import { staleBase } from './staleBase';
import { vulnerableImage } from './vulnerableImage';
import { untrustedSignature } from './untrustedSignature';

/** Every rule, in the order of the contract's table. */
export const RULES: readonly Rule[] = [
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
  mismatchedTag,
  staleImage,
  unsignedImage,
  vulnerableImage,
  staleBase,
  untrustedSignature,
  unresolvedVariable,
  invalidDocument,
  invalidPolicy,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
