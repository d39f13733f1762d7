// The signature status of one digest, for the hover and the signature rules. Without keys the
// question is only "is anything signed?" (`signed`/`unsigned`); with keys it is "did one of these
// keys sign THIS digest?" (`verified`/`invalid`/`unsigned`). With a Sigstore trusted root, keyless
// signatures and signed attestations are verified too, and the result lists who signed
// (`verified`), why the rest did not verify (`failures`), and the attestations.
import type { AttestationStatus, SignatureStatus, VerifiedSignature } from '../core/facts';
import { parseProvenanceStatement } from '../core/provenance/provenance';
import type { RegistryClient, RegistryError, RegistryResult, RepositoryName } from '../registry/types';
import { discoverSignatures, type Discovery, type FoundAttestation } from './discover';
import { parsePublicKeys, type SigningKey } from './keys';
import type { TrustedRootSource } from './trustedRoot';
import { verifyFoundSignature, type VerifyOutcome } from './verify';

export interface SignatureCheck {
  /** PEM public keys: the policy's signatureKeys and the keys of its signatures/attestations entries. */
  keys: string[];
  /**
   * Verify keyless signatures and signed attestations against this root. Absent: signatures are
   * found (a HEAD for cosign's legacy tag) and checked with the keys only.
   */
  sigstore?: TrustedRootSource;
  /**
   * The PEM keys that decide `verified`/`invalid` (the policy's signatureKeys); default: `keys`.
   * The others only add to `verified` for the signatures policy.
   */
  stateKeys?: string[];
}

/** Each digest's attestations are verified up to this many (a busy repository must not cost hundreds of requests). */
const MAX_ATTESTATIONS = 8;

/**
 * Finds the signatures attached to `digest` in `repo` and verifies them as `check` asks. An error
 * only when the registry could not be asked and nothing conclusive was found.
 */
export async function findSignatures(
  registry: RegistryClient,
  repo: RepositoryName,
  digest: string,
  keysOrCheck: string[] | SignatureCheck,
  signal?: AbortSignal,
): Promise<RegistryResult<SignatureStatus>> {
  const check: SignatureCheck = Array.isArray(keysOrCheck) ? { keys: keysOrCheck } : keysOrCheck;
  const verifying = check.keys.length > 0 || check.sigstore !== undefined;
  const discovery = await discoverSignatures(registry, repo, digest, { fetchLegacyManifest: verifying }, signal);
  const kinds = [...new Set(discovery.signatures.map((s) => s.kind))];
  const attestations =
    check.sigstore || check.keys.length
      ? await verifyAttestations(registry, repo, digest, discovery.attestationBundles, check, signal)
      : [];

  if (discovery.signatures.length === 0) {
    // "Unsigned" is a claim: make it only when every place was looked at.
    if (discovery.problems.length > 0) return { ok: false, error: discovery.problems[0] };
    return { ok: true, value: withAttestations(unsigned(discovery), attestations) };
  }
  if (!verifying) {
    return { ok: true, value: { state: 'signed', kinds, detail: 'Not verified: the policy has no signatureKeys.' } };
  }

  const parsed = parsePublicKeys(check.keys);
  const stateKeys = new Set(normalizedPems(check.stateKeys ?? check.keys));
  const reasons: string[] = [...parsed.problems];
  const verified: VerifiedSignature[] = [];
  let lookupError: RegistryError | undefined;
  let byStateKey: { index: number; kind: string } | undefined;
  for (const found of discovery.signatures) {
    const outcome = await verifyFoundSignature(
      registry,
      repo,
      digest,
      found,
      { keys: parsed.keys, sigstore: check.sigstore },
      signal,
    );
    if (outcome.verified) {
      const signature = toVerified(outcome, found.kind, check.keys);
      verified.push(signature);
      if (outcome.key && stateKeys.has(normalizePem(check.keys[outcome.key.index - 1])))
        byStateKey ??= { index: stateIndex(check, outcome.key), kind: found.kind };
      continue;
    }
    reasons.push(...outcome.reasons.map((r) => `${found.kind}: ${r}`));
    if ('error' in outcome) lookupError ??= outcome.error;
  }
  const failures = [...new Set(reasons)];
  const extra = (status: SignatureStatus): SignatureStatus => {
    if (verified.length) status.verified = verified;
    if (failures.length) status.failures = failures;
    return withAttestations(status, attestations);
  };
  if (byStateKey) {
    return {
      ok: true,
      value: extra({
        state: 'verified',
        kinds,
        detail: `Verified with signature key ${byStateKey.index} (${byStateKey.kind}).`,
      }),
    };
  }
  // A signature we could not fetch might be the good one: do not call the image invalid then.
  if (lookupError && verified.length === 0) return { ok: false, error: lookupError };
  if (stateKeys.size === 0) {
    return {
      ok: true,
      value: extra({
        state: 'signed',
        kinds,
        detail: verified.length ? undefined : 'Not verified: the policy has no signatureKeys.',
      }),
    };
  }
  if (lookupError) return { ok: false, error: lookupError };
  return {
    ok: true,
    value: extra({
      state: 'invalid',
      kinds,
      detail: `No signature verifies with the configured keys: ${failures.join('; ') || 'none was made with them'}.`,
    }),
  };
}

function stateIndex(check: SignatureCheck, key: SigningKey): number {
  const pem = normalizePem(check.keys[key.index - 1]);
  const position = normalizedPems(check.stateKeys ?? check.keys).indexOf(pem);
  return position === -1 ? key.index : position + 1;
}

export function normalizePem(pem: string | undefined): string {
  return (pem ?? '').replace(/\s+/g, '');
}
function normalizedPems(pems: string[]): string[] {
  return pems.map(normalizePem);
}

function toVerified(
  outcome: Extract<VerifyOutcome, { verified: true }>,
  kind: string,
  keys: string[],
): VerifiedSignature {
  if (outcome.keyless) {
    const { identity, loggedAt, trustedRoot } = outcome.keyless;
    return { method: 'keyless', kind, identity, ...(loggedAt ? { loggedAt } : {}), trustedRoot };
  }
  return { method: 'key', kind, keyPem: keys[outcome.key.index - 1] };
}

async function verifyAttestations(
  registry: RegistryClient,
  repo: RepositoryName,
  digest: string,
  found: FoundAttestation[],
  check: SignatureCheck,
  signal?: AbortSignal,
): Promise<AttestationStatus[]> {
  const keys = parsePublicKeys(check.keys).keys;
  const out: AttestationStatus[] = [];
  for (const attestation of found.slice(0, MAX_ATTESTATIONS)) {
    const outcome = await verifyFoundSignature(
      registry,
      repo,
      digest,
      {
        format: 'sigstore-bundle',
        kind: 'OCI referrers (Sigstore bundle)',
        manifestRef: attestation.manifestRef,
        manifest: attestation.manifest,
      },
      { keys, sigstore: check.sigstore, predicateType: attestation.predicateType },
      signal,
    );
    const provenance = outcome.verified && outcome.statement ? parseProvenanceStatement(outcome.statement) : undefined;
    out.push(
      outcome.verified
        ? {
            predicateType: attestation.predicateType,
            verified: toVerified(outcome, 'OCI referrers (Sigstore bundle)', check.keys),
            ...(provenance ? { provenance } : {}),
          }
        : {
            predicateType: attestation.predicateType,
            failure:
              'error' in outcome
                ? `not checked: ${outcome.error.message}`
                : outcome.reasons.join('; ') || 'does not verify',
          },
    );
  }
  return out;
}

function withAttestations(status: SignatureStatus, attestations: AttestationStatus[]): SignatureStatus {
  if (attestations.length) status.attestations = attestations;
  return status;
}

function unsigned(discovery: Discovery): SignatureStatus {
  const status: SignatureStatus = { state: 'unsigned', kinds: [] };
  if (discovery.attestations > 0) {
    status.detail = `No signature; ${discovery.attestations} attestation${discovery.attestations === 1 ? '' : 's'} (provenance or SBOM) attached, which are not signatures.`;
  }
  return status;
}
