import { latestResolutionFixes } from './fixes';
import type { Rule } from './rule';

export const latestTag: Rule = {
  id: 'latest-tag',
  defaultSeverity: 'warning',
  description: 'The reference uses the :latest tag.',
  help: '`latest` moves whenever the publisher pushes, so two builds of the same file can run different software and a rebuild can break without any change on your side. Use a version tag (and pin its digest).',
  needsNetwork: false,
  check({ occurrence, reference, facts }) {
    if (reference.tag !== 'latest') return undefined;
    if (reference.digest) {
      // Pinned: the digest makes the build repeatable; what stays untrue is what the tag tells.
      return {
        message: `${reference.familiarName}:latest is pinned to a digest, so builds are repeatable, but the tag tells readers nothing about which version runs. Write the version tag of that digest instead of latest.`,
      };
    }
    const resolved = facts.latestResolvesTo;
    const message = resolved
      ? `${reference.familiarName}:latest points to ${resolved} today, but it will move on the next release. Use a version tag such as ${resolved} so builds are repeatable.`
      : `${reference.familiarName}:latest changes whenever the publisher pushes, so builds are not repeatable. Use a version tag and pin its digest.`;
    return {
      message,
      fixes: resolved ? latestResolutionFixes(occurrence, resolved, facts.tagDigests?.[resolved]) : [],
    };
  },
};
