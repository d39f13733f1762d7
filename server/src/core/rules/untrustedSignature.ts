import { signaturePolicyFailures } from '../signaturePolicy';
import type { Rule } from './rule';

export const untrustedSignature: Rule = {
  id: 'untrusted-signature',
  // The entry's mode decides: enforce → error, warn → warning. Without signatures/attestations
  // entries in the policy the rule has nothing to say.
  defaultSeverity: 'error',
  description:
    'The policy (signatures/attestations) requires a valid signature or attestation from a trusted identity or key, and the image has none.',
  help: 'A signature proves something only when the signer is an identity you trust: anyone can sign an image keylessly with their own workflow. List who signs your images under signatures: (keyless issuer and subject, or keys) and required attestations under attestations:.',
  needsNetwork: true,
  check({ reference, policy, facts }) {
    const failures = signaturePolicyFailures(reference, policy, facts);
    if (failures.length === 0) return undefined;
    const shown = `${reference.familiarName}${reference.tag ? `:${reference.tag}` : ''}`;
    return {
      message: `${shown} ${failures.map((f) => f.found).join('. It also ')}.`,
      severity: failures.some((f) => f.entry.mode === 'enforce') ? 'error' : 'warning',
    };
  },
};
