import type { Rule } from './rule';

export const eolVersion: Rule = {
  id: 'eol-version',
  defaultSeverity: 'warning',
  description: "The version's release cycle is past its end of life.",
  help: 'After end of life a release gets no security fixes, and images built on it accumulate known vulnerabilities. Move to a supported release cycle.',
  needsNetwork: false,
  check({ reference, facts }) {
    const eol = facts.eol;
    if (!eol?.isEol) return undefined;
    const when = eol.eolDate ? ` on ${eol.eolDate}` : '';
    const moveTo = eol.oldestSupportedCycle
      ? ` Move to ${eol.productTitle} ${eol.oldestSupportedCycle} or newer${eol.latestCycle && eol.latestCycle !== eol.oldestSupportedCycle ? ` (latest: ${eol.latestCycle})` : ''}.`
      : '';
    return {
      message: `${eol.productTitle} ${eol.cycle} (${reference.familiarName}:${reference.tag}) reached end of life${when} and gets no more security fixes.${moveTo}`,
    };
  },
};
