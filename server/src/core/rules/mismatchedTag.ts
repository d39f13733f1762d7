import { shortDigest } from './fixes';
import type { Rule } from './rule';

export const mismatchedTag: Rule = {
  id: 'mismatched-tag',
  defaultSeverity: 'warning',
  description: 'A pinned reference names a tag the registry does not have; the digest exists.',
  help: 'Docker pulls `name:tag@digest` by its digest and ignores the tag, so the build works, but the tag tells readers a version the registry does not know (a typo, or a tag that was deleted). Write the tag the digest was published under.',
  needsNetwork: true,
  check({ reference, facts }) {
    if (!reference.tag || !reference.digest) return undefined;
    const tag = facts.currentDigest;
    if (tag?.state !== 'notFound' || tag.missing !== 'tag' || facts.pinnedDigest?.state !== 'known') return undefined;
    return {
      message: `${reference.familiarName} has no tag ${reference.tag} in ${reference.registry}, but it has the pinned digest ${shortDigest(reference.digest)}…: the build pulls the digest and works, and the tag does not say what it is.`,
    };
  },
};
