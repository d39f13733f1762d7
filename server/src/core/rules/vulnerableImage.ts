import { shortDigest, referenceFix } from './fixes';
import type { Rule } from './rule';
import { platformFor } from '../platform';
import { describeCounts, displayId, reportableVulnerabilities } from '../vuln/vulnerabilityReport';
import type { Fix } from '../types';

const WORST_SHOWN = 3;

export const vulnerableImage: Rule = {
  id: 'vulnerable-image',
  defaultSeverity: 'warning',
  description:
    'The image has known vulnerabilities at or above the policy threshold (default high) that have a fix (OSV data).',
  help: "The packages installed in the image (from its SBOM attestation, else its package databases) have advisories in OSV with a fixed version. Move to the nearest tag of the same variant that fixes them (the quick fix), or rebuild. Severity comes from the advisory's CVSS vector (v3, v4, v2), else the database's own word, else Debian's urgency for the installed release (`medium**` counts as medium, `not yet assigned` rates nothing, `unimportant` ones are not reported); without any it is unknown, never low. Tune with `vulnerabilities: { minSeverity, fixableOnly, ignore }` in .image-trust.yaml.",
  needsNetwork: true,
  check({ occurrence, reference, policy, facts }) {
    const platform = platformFor(occurrence, policy);
    const answer = facts.vulnerabilities?.[platform];
    if (answer?.state !== 'known') return undefined;
    const reported = reportableVulnerabilities(answer.value, policy.vulnerabilities);
    if (reported.length === 0) return undefined;
    const shown = `${reference.familiarName}${reference.tag ? `:${reference.tag}` : ''}`;
    const worst = reported
      .slice(0, WORST_SHOWN)
      .map((v) => `${displayId(v)} in ${v.sourceName}`)
      .join(', ');
    const withFixes = policy.vulnerabilities.fixableOnly ? ' with fixes' : '';
    let message = `${shown} has ${describeCounts(reported)} known vulnerabilit${reported.length === 1 ? 'y' : 'ies'}${withFixes} (${worst}${reported.length > WORST_SHOWN ? ', …' : ''})`;
    const fixes: Fix[] = [];
    const target = facts.vulnerabilityFix?.[platform];
    if (target?.tag) {
      message += `; ${reference.familiarName}:${target.tag} fixes ${reported.length === 1 ? 'it' : 'all of them'}.`;
      if (reference.digest && !target.digest) {
        const fix = referenceFix(
          occurrence,
          `Update to ${target.tag} (fixes the known vulnerabilities)`,
          target.tag,
          undefined,
        );
        fix.disabledReason = `the digest of ${target.tag} could not be resolved, and the reference must stay pinned`;
        fixes.push(fix);
      } else {
        const digest = reference.digest ? target.digest : undefined;
        fixes.push(
          referenceFix(
            occurrence,
            `Update to ${target.tag}${digest ? `@${shortDigest(digest)}…` : ''} (fixes the known vulnerabilities)`,
            target.tag,
            digest,
            true,
          ),
        );
      }
    } else if (target?.none) {
      message += `; ${target.none}.`;
    } else message += '.';
    if (answer.value.inventory.source === 'layers' && answer.value.inventory.notes.length)
      message += ` (${answer.value.inventory.notes[0]})`;
    return { message, fixes, vulnerabilityIds: reported.map((v) => v.id) };
  },
};
