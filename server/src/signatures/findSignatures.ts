// The signature status of one digest, for the hover and the `unsigned-image` rule.
// Without keys in the policy the question is only "is anything signed?" (`signed`/`unsigned`);
// with keys it is "did one of these keys sign THIS digest?" (`verified`/`invalid`/`unsigned`).
import type { SignatureStatus } from '../core/facts';
import type { RegistryClient, RegistryError, RegistryResult, RepositoryName } from '../registry/types';
import { discoverSignatures, type Discovery } from './discover';
import { parsePublicKeys } from './keys';
import { verifyFoundSignature } from './verify';

/**
 * Finds the signatures attached to `digest` in `repo` and, when `keys` (PEM public keys) are
 * given, verifies them: `verified` if any signature verifies with any key over this digest,
 * `invalid` if signatures exist but none does (the detail says why), `unsigned` if there are
 * none. Without keys: `signed` or `unsigned`. An error only when the registry could not be asked
 * and nothing conclusive was found.
 */
export async function findSignatures(
  registry: RegistryClient,
  repo: RepositoryName,
  digest: string,
  keys: string[],
  signal?: AbortSignal,
): Promise<RegistryResult<SignatureStatus>> {
  const discovery = await discoverSignatures(registry, repo, digest, { fetchLegacyManifest: keys.length > 0 }, signal);
  const kinds = [...new Set(discovery.signatures.map((s) => s.kind))];

  if (discovery.signatures.length === 0) {
    // "Unsigned" is a claim: make it only when every place was looked at.
    if (discovery.problems.length > 0) return { ok: false, error: discovery.problems[0] };
    return { ok: true, value: unsigned(discovery) };
  }
  if (keys.length === 0) {
    return { ok: true, value: { state: 'signed', kinds, detail: 'Not verified: the policy has no signatureKeys.' } };
  }

  const parsed = parsePublicKeys(keys);
  const reasons: string[] = [...parsed.problems];
  let lookupError: RegistryError | undefined;
  for (const found of discovery.signatures) {
    const outcome = await verifyFoundSignature(registry, repo, digest, found, parsed.keys, signal);
    if (outcome.verified) {
      return {
        ok: true,
        value: {
          state: 'verified',
          kinds,
          detail: `Verified with signature key ${outcome.key.index} (${found.kind}).`,
        },
      };
    }
    reasons.push(...outcome.reasons.map((r) => `${found.kind}: ${r}`));
    if ('error' in outcome) lookupError ??= outcome.error;
  }
  // A signature we could not fetch might be the good one: do not call the image invalid then.
  if (lookupError) return { ok: false, error: lookupError };
  return {
    ok: true,
    value: {
      state: 'invalid',
      kinds,
      detail: `No signature verifies with the configured keys: ${[...new Set(reasons)].join('; ')}.`,
    },
  };
}

function unsigned(discovery: Discovery): SignatureStatus {
  const status: SignatureStatus = { state: 'unsigned', kinds: [] };
  if (discovery.attestations > 0) {
    status.detail = `No signature; ${discovery.attestations} attestation${discovery.attestations === 1 ? '' : 's'} (provenance or SBOM) attached, which are not signatures.`;
  }
  return status;
}
