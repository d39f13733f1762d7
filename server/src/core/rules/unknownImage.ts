import type { Rule } from './rule';

export const unknownImage: Rule = {
  id: 'unknown-image',
  defaultSeverity: 'error',
  description: 'The registry says the repository does not exist.',
  help: 'A repository that does not exist fails the build, and a typo in a name is how typosquatted images get pulled. Check the spelling; if the name is right, the repository may be private and need credentials.',
  needsNetwork: true,
  check({ reference, facts }) {
    const answer = facts.currentDigest;
    if (answer?.state !== 'notFound' || answer.missing !== 'repository') return undefined;
    return {
      message: `${reference.registry} has no repository ${reference.repository} (or it is private and no credentials were found). Check the name for typos: look-alike names are a common way to ship malicious images.`,
    };
  },
};
