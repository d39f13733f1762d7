import { referenceFix } from './fixes';
import type { Rule } from './rule';
import type { Fix } from '../types';

export const outdatedVersion: Rule = {
  id: 'outdated-version',
  defaultSeverity: 'info',
  description: 'A newer version of the same variant exists.',
  help: 'Old patch releases miss security fixes. The fix moves to the newest patch, minor or major release of the same variant (same suffix such as -slim-bookworm), keeping a pinned reference pinned.',
  needsNetwork: true,
  check({ occurrence, reference, facts }) {
    const newer = facts.newer;
    if (!reference.tag || !newer || (!newer.patch && !newer.minor && !newer.major)) return undefined;
    const parts: string[] = [];
    const fixes: Fix[] = [];
    for (const level of ['patch', 'minor', 'major'] as const) {
      const tag = newer[level];
      if (!tag) continue;
      parts.push(`${tag} (newest ${level})`);
      let digest: string | undefined;
      if (reference.digest) {
        digest = facts.tagDigests?.[tag];
        if (!digest) {
          // A pinned reference stays pinned: without the new tag's digest we cannot offer it.
          const fix = referenceFix(occurrence, `Update to ${tag} (${level})`, tag, undefined);
          fix.disabledReason = `the digest of ${tag} could not be resolved, and the reference must stay pinned`;
          fixes.push(fix);
          continue;
        }
      }
      fixes.push(
        referenceFix(
          occurrence,
          `Update to ${tag} (${level})`,
          tag,
          digest,
          level === 'patch' || (!newer.patch && level === 'minor'),
        ),
      );
    }
    return {
      message: `${reference.familiarName}:${reference.tag} is not the newest release of its variant: ${parts.join(', ')}. Newer releases carry security fixes.`,
      fixes,
    };
  },
};
