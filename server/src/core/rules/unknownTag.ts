import type { Rule } from './rule';

export const unknownTag: Rule = {
  id: 'unknown-tag',
  defaultSeverity: 'error',
  description: 'The registry says the tag or digest does not exist.',
  help: 'A tag or digest the registry does not have fails the build. Pick an existing tag; the outdated-version fix and the hover list newer ones.',
  needsNetwork: true,
  check({ reference, facts }) {
    const answer = facts.currentDigest;
    if (answer?.state !== 'notFound' || answer.missing !== 'tag') return undefined;
    const what = reference.tag ? `tag ${reference.tag}` : `digest ${reference.digest}`;
    return {
      message: `${reference.familiarName} has no ${what} in ${reference.registry}. The build will fail to pull it.`,
    };
  },
};
