import { referenceFix, shortDigest } from './fixes';
import type { Rule } from './rule';

export const staleDigest: Rule = {
  id: 'stale-digest',
  defaultSeverity: 'info',
  description: 'The pinned digest is no longer what the tag points to.',
  help: 'The publisher has pushed a new image under this tag (often a rebuild with security fixes). Your pin still builds the old bytes. Move the pin to the current digest after reviewing the change.',
  needsNetwork: true,
  check({ occurrence, reference, facts }) {
    if (!reference.digest || !reference.tag || facts.currentDigest?.state !== 'known') return undefined;
    // A pinned digest the registry does not have fails the pull: that is unknown-tag, not a re-push.
    if (facts.pinnedDigest?.state === 'notFound') return undefined;
    const current = facts.currentDigest.value;
    if (current === reference.digest) return undefined;
    return {
      message: `${reference.familiarName}:${reference.tag} now points to ${shortDigest(current)}…, not the pinned ${shortDigest(reference.digest)}…. The tag was re-pushed since you pinned it (often with security fixes).`,
      fixes: [
        referenceFix(occurrence, `Move pin to current digest ${shortDigest(current)}…`, reference.tag, current, true),
      ],
    };
  },
};
