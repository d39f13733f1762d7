import { shortDigest } from './fixes';
import type { Rule } from './rule';
import { platformFor } from '../platform';

export const staleBase: Rule = {
  id: 'stale-base',
  defaultSeverity: 'info',
  description: 'The provenance says the image was built on a base whose tag has moved since.',
  help: 'The image records the base image digests it was built from (SLSA provenance, or the org.opencontainers.image.base.* annotations). When the base tag now points elsewhere, the image misses the fixes of the newer base until its publisher rebuilds it: prefer a newer tag of the image, or rebuild yours.',
  needsNetwork: true,
  check({ occurrence, reference, policy, facts }) {
    const answer = facts.provenance?.[platformFor(occurrence, policy)];
    if (answer?.state !== 'known') return undefined;
    const moved = answer.value.bases.filter(
      (b) => b.digest && b.currentDigests?.length && !b.currentDigests.includes(b.digest),
    );
    if (moved.length === 0) return undefined;
    const shown = `${reference.familiarName}${reference.tag ? `:${reference.tag}` : ''}`;
    const parts = moved.map(
      (b) => `${b.reference} (${shortDigest(b.digest!)}…, now ${shortDigest(b.currentDigests![0])}…)`,
    );
    return {
      message: `${shown} was built on an older base: ${parts.join(', ')} has moved since. Until it is rebuilt it misses the base's newer fixes.`,
    };
  },
};
