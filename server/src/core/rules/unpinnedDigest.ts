import { referenceFix, shortDigest } from './fixes';
import type { Rule } from './rule';

export const unpinnedDigest: Rule = {
  id: 'unpinned-digest',
  defaultSeverity: 'info',
  description: 'A tag without an @sha256: digest.',
  help: 'A tag is a pointer the publisher (or anyone who takes over the account) can move. A digest names exact bytes: builds are repeatable and a swapped image is rejected. Pin with tag@sha256:digest and let a bot update it. A compose image that the service builds (build: with image:) is not pulled and not checked; image-trust pin leaves references under # image-trust-ignore=unpinned-digest as they are.',
  needsNetwork: false,
  check({ occurrence, reference, facts }) {
    if (reference.digest) return undefined;
    const tag = reference.tag ?? 'latest';
    const current = facts.currentDigest?.state === 'known' ? facts.currentDigest.value : undefined;
    const fixes = current
      ? [referenceFix(occurrence, `Pin to digest ${shortDigest(current)}…`, tag, current, true)]
      : [];
    return {
      message: `${reference.familiarName}:${tag} is not pinned to a digest, so the image can change under the same tag. Pin it (${reference.familiarName}:${tag}@sha256:…) to build exactly what you reviewed.`,
      fixes,
    };
  },
};
