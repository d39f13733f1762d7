// Does an image meet the `signatures:` and `attestations:` entries that match it? Pure: the
// verification itself happened in the signatures service; this only compares who signed with
// whom the policy trusts. Semantics of Sigstore policy-controller (ClusterImagePolicy): every
// entry whose images match must pass; within an entry any one authority (identity or key) is
// enough. Regular expressions match anywhere in the value unless anchored, as in cosign
// (`--certificate-identity-regexp`) and policy-controller (Go regexp.MatchString): write `^…$`.
import type { ImageFacts, SignatureStatus, SignerIdentity, VerifiedSignature } from './facts';
import { matchesImageGlob } from './imageGlob';
import type { AttestationRequirement, KeylessIdentity, Policy, SignatureRequirement } from './settings';
import type { ImageReference } from './types';

export function signatureRequirementsFor(ref: ImageReference, policy: Policy): SignatureRequirement[] {
  return (policy.signatures ?? []).filter((e) => e.images.some((g) => matchesImageGlob(g, ref)));
}

export function attestationRequirementsFor(ref: ImageReference, policy: Policy): AttestationRequirement[] {
  return (policy.attestations ?? []).filter((e) => e.images.some((g) => matchesImageGlob(g, ref)));
}

/** Every PEM key any signatures/attestations entry names, for the verifier. */
export function policyKeys(policy: Policy): string[] {
  return [...(policy.signatures ?? []), ...(policy.attestations ?? [])].flatMap((e) => e.keys);
}

/** True when any entry trusts a keyless identity (the verifier then needs the Sigstore trusted root). */
export function policyHasKeyless(policy: Policy): boolean {
  return [...(policy.signatures ?? []), ...(policy.attestations ?? [])].some((e) => e.keyless.length > 0);
}

function matches(exact: string | undefined, pattern: string | undefined, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (exact !== undefined) return exact === value;
  if (pattern !== undefined) {
    try {
      return new RegExp(pattern).test(value);
    } catch {
      return false;
    }
  }
  return false;
}

export function identityMatches(trusted: KeylessIdentity, signer: SignerIdentity): boolean {
  return (
    matches(trusted.issuer, trusted.issuerRegExp, signer.issuer) &&
    matches(trusted.subject, trusted.subjectRegExp, signer.subject)
  );
}

const pemKey = (pem: string) => pem.replace(/\s+/g, '');

/** The verified signature that satisfies one of the entry's authorities, if any. */
export function trustedSignature(
  entry: Pick<SignatureRequirement, 'keyless' | 'keys'>,
  verified: VerifiedSignature[],
): VerifiedSignature | undefined {
  const keys = new Set(entry.keys.map(pemKey));
  return verified.find((v) =>
    v.method === 'keyless'
      ? !!v.identity && entry.keyless.some((k) => identityMatches(k, v.identity!))
      : !!v.keyPem && keys.has(pemKey(v.keyPem)),
  );
}

export function describeSigner(v: VerifiedSignature): string {
  if (v.method === 'key') return 'a key the policy does not list';
  const id = v.identity!;
  return `${id.subject}${id.issuer ? ` (issuer ${id.issuer})` : ''}`;
}

export function describeAuthorities(entry: Pick<SignatureRequirement, 'keyless' | 'keys'>): string {
  const parts = entry.keyless.map((k) => {
    const subject = k.subject ?? `subject matching ${k.subjectRegExp}`;
    const issuer = k.issuer ?? `an issuer matching ${k.issuerRegExp}`;
    return `${subject} (issuer ${issuer})`;
  });
  if (entry.keys.length) parts.push(entry.keys.length === 1 ? 'its key' : `one of its ${entry.keys.length} keys`);
  return parts.join(' or ');
}

export interface RequirementFailure {
  entry: SignatureRequirement;
  /** What was found instead, as a sentence without the image name. */
  found: string;
}

const where = (entry: SignatureRequirement) => (entry.line ? ` (policy line ${entry.line})` : '');

/** Why the image does not meet a signatures entry; undefined when it does. */
export function signatureFailure(entry: SignatureRequirement, status: SignatureStatus): RequirementFailure | undefined {
  const verified = status.verified ?? [];
  if (trustedSignature(entry, verified)) return undefined;
  const wanted = `the policy${where(entry)} trusts ${describeAuthorities(entry)}`;
  if (verified.length) {
    const signers = [...new Set(verified.map(describeSigner))];
    return { entry, found: `is signed by ${signers.join(', ')}, not by an identity the policy trusts: ${wanted}` };
  }
  if (status.state === 'unsigned') return { entry, found: `has no signature; ${wanted}` };
  const why = status.failures?.length ? `: ${status.failures.join('; ')}` : '';
  return { entry, found: `carries a signature that does not verify${why}; ${wanted}` };
}

/** Why the image does not meet an attestations entry; undefined when it does. */
export function attestationFailure(
  entry: AttestationRequirement,
  status: SignatureStatus,
): RequirementFailure | undefined {
  const authorities = { keyless: entry.keyless, keys: entry.keys };
  const ofType = (status.attestations ?? []).filter((a) => a.predicateType === entry.predicateType);
  const verified = ofType.filter((a) => a.verified).map((a) => a.verified!);
  const anyAuthority = entry.keyless.length === 0 && entry.keys.length === 0;
  if (anyAuthority ? verified.length > 0 : trustedSignature(authorities, verified)) return undefined;
  const wanted = anyAuthority
    ? `the policy${where(entry)} requires a verified one`
    : `the policy${where(entry)} trusts ${describeAuthorities(authorities)}`;
  if (verified.length)
    return {
      entry,
      found: `has a ${entry.predicateType} attestation signed by ${[...new Set(verified.map(describeSigner))].join(', ')}, not by an identity the policy trusts: ${wanted}`,
    };
  if (ofType.length)
    return {
      entry,
      found: `has a ${entry.predicateType} attestation that does not verify: ${ofType.map((a) => a.failure).join('; ')}; ${wanted}`,
    };
  return { entry, found: `has no signed ${entry.predicateType} attestation; ${wanted}` };
}

/** Every failing entry for the image; empty when all pass or none applies or nothing is known. */
export function signaturePolicyFailures(ref: ImageReference, policy: Policy, facts: ImageFacts): RequirementFailure[] {
  const signatures = signatureRequirementsFor(ref, policy);
  const attestations = attestationRequirementsFor(ref, policy);
  if ((signatures.length === 0 && attestations.length === 0) || facts.signature?.state !== 'known') return [];
  const status = facts.signature.value;
  return [
    ...signatures.map((e) => signatureFailure(e, status)),
    ...attestations.map((e) => attestationFailure(e, status)),
  ].filter((f): f is RequirementFailure => f !== undefined);
}
