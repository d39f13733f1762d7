import type { Rule } from './rule';

const DAY = 86_400_000;

export const staleImage: Rule = {
  id: 'stale-image',
  defaultSeverity: 'info',
  description: 'The tag was last pushed longer ago than the policy allows (maxImageAgeDays).',
  help: 'An image nobody has rebuilt for a long time carries every vulnerability found since. Move to a maintained tag, or raise maxImageAgeDays if this is intended.',
  needsNetwork: true,
  check({ reference, policy, facts }) {
    const details = facts.tagDetails;
    if (details?.state !== 'known' || !details.value.lastPushed) return undefined;
    const pushed = Date.parse(details.value.lastPushed);
    if (Number.isNaN(pushed)) return undefined;
    const days = Math.floor((Date.now() - pushed) / DAY);
    if (days <= policy.maxImageAgeDays) return undefined;
    return {
      message: `${reference.familiarName}:${reference.tag ?? 'latest'} was last pushed ${days} days ago (${details.value.lastPushed.slice(0, 10)}), more than the ${policy.maxImageAgeDays} days the policy allows. It has not been rebuilt with recent security fixes.`,
    };
  },
};
