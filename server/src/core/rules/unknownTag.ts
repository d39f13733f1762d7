import { shortDigest } from './fixes';
import type { Rule } from './rule';

export const unknownTag: Rule = {
  id: 'unknown-tag',
  defaultSeverity: 'error',
  description: 'The registry says the tag or digest does not exist.',
  help: 'A tag or digest the registry does not have fails the build. Pick an existing tag; the outdated-version fix and the hover list newer ones.',
  needsNetwork: true,
  check({ reference, facts }) {
    // `name:tag@digest` pulls the digest and ignores the tag: only a missing digest fails the pull
    // (docker image pull reference, "Pull an image by digest"). A missing tag beside an existing
    // digest is mismatched-tag.
    if (reference.tag && reference.digest) {
      const pinned = facts.pinnedDigest;
      if (pinned?.state !== 'notFound' || pinned.missing !== 'tag') return undefined;
      return {
        message: `${reference.familiarName} has no digest ${shortDigest(reference.digest)}… in ${reference.registry}. The build pulls by digest, so it will fail whatever the tag ${reference.tag} says.`,
      };
    }
    const answer = facts.currentDigest;
    if (answer?.state !== 'notFound' || answer.missing !== 'tag') return undefined;
    const what = reference.tag ? `tag ${reference.tag}` : `digest ${reference.digest}`;
    return {
      message: `${reference.familiarName} has no ${what} in ${reference.registry}. The build will fail to pull it.`,
    };
  },
};
