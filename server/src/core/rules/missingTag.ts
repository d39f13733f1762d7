import { latestResolutionFixes } from './fixes';
import type { Rule } from './rule';

export const missingTag: Rule = {
  id: 'missing-tag',
  defaultSeverity: 'warning',
  description: 'The reference has neither a tag nor a digest, so Docker pulls :latest.',
  help: 'Without a tag Docker silently pulls `latest`, which moves with every release. Name the version you tested with, and pin its digest.',
  needsNetwork: false,
  check({ occurrence, reference, facts }) {
    if (reference.tag !== undefined || reference.digest !== undefined) return undefined;
    const resolved = facts.latestResolvesTo;
    const message = resolved
      ? `${reference.familiarName} has no tag, so Docker pulls latest, which is ${resolved} today and will move on the next release. Name the version: ${reference.familiarName}:${resolved}.`
      : `${reference.familiarName} has no tag, so Docker pulls latest, which moves with every release. Add a version tag and pin its digest.`;
    return {
      message,
      fixes: resolved ? latestResolutionFixes(occurrence, resolved, facts.tagDigests?.[resolved]) : [],
    };
  },
};
