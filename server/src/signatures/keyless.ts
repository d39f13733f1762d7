// Keyless (Fulcio certificate) verification of a Sigstore bundle with Sigstore's own verifier,
// @sigstore/verify: the certificate chains to a Fulcio CA of the trusted root, its embedded SCT
// verifies against a CT log of the root, the Rekor entry (inclusion proof with signed checkpoint,
// or signed entry timestamp) verifies against a Rekor log of the root and matches the bundle,
// the signing time (Rekor's integrated time) lies inside the certificate's validity, and the
// signature verifies over the DSSE pre-authentication encoding or the artifact. We add only
// what the library leaves to its caller: reading who signed from the certificate's Fulcio
// extensions (sigstore/fulcio docs/oid-info.md), and the identity policy (policyMatch.ts).
import type * as SigstoreBundle from '@sigstore/bundle';
import type * as SigstoreCore from '@sigstore/core';
import type { Signer, toSignedEntity } from '@sigstore/verify';
import type * as SigstoreVerify from '@sigstore/verify';
import type { SignerIdentity } from '../core/facts';
import type { LoadedTrustedRoot } from './trustedRoot';

/**
 * The Sigstore libraries, loaded the first time a keyless signature is checked: most runs never
 * meet one, and loading them at start-up cost every run (the bundles load them from dist/lazy/,
 * see scripts/build.mjs).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const sigstoreBundle = () => require('@sigstore/bundle') as typeof SigstoreBundle;
const sigstoreCore = () => require('@sigstore/core') as typeof SigstoreCore;
const sigstoreVerify = () => require('@sigstore/verify') as typeof SigstoreVerify;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Fulcio certificate extensions (sigstore/fulcio docs/oid-info.md). */
const FULCIO_OID = {
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  triggerV1: '1.3.6.1.4.1.57264.1.2',
  shaV1: '1.3.6.1.4.1.57264.1.3',
  repositoryV1: '1.3.6.1.4.1.57264.1.5',
  refV1: '1.3.6.1.4.1.57264.1.6',
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
} as const;

export type KeylessOutcome =
  { ok: true; identity: SignerIdentity; loggedAt?: string; trustedRoot: string } | { ok: false; reason: string };

/** The kinds of verification error, as sentences for people. */
function describeFailure(error: unknown): string {
  const code = (error as { code?: string })?.code;
  const message = (error as Error)?.message ?? String(error);
  switch (code) {
    case 'CERTIFICATE_ERROR':
      return `the certificate does not chain to a Fulcio CA of the trusted root (${message})`;
    case 'TIMESTAMP_ERROR':
      return /expected \d+ timestamps/.test(message)
        ? 'the signature has no transparency log entry or timestamp (it was never logged in Rekor)'
        : `its timestamp does not verify (${message})`;
    case 'TLOG_MISSING_INCLUSION_ERROR':
    case 'TLOG_ERROR':
      return `the signature has no verifiable transparency log entry (${message})`;
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
      return `the Rekor entry does not verify against the trusted root (${message})`;
    case 'TLOG_BODY_ERROR':
      return `the Rekor entry does not match the signature (${message})`;
    case 'SIGNATURE_ERROR':
      return 'the signature does not verify over the signed payload (altered after signing?)';
    case 'PUBLIC_KEY_ERROR':
      return `the signing key is not trusted (${message})`;
    default:
      return `not a verifiable Sigstore bundle (${message})`;
  }
}

/**
 * The chain check fails alike for a foreign CA and for a certificate used outside its validity;
 * say which, from the certificate's own dates and Rekor's time (the check itself stays the library's).
 */
function expiredReason(entity: ReturnType<typeof toSignedEntity>): string | undefined {
  if (entity.key.$case !== 'certificate') return undefined;
  const cert = entity.key.certificate;
  for (const entry of entity.tlogEntries) {
    const at = new Date(Number(entry.integratedTime) * 1000);
    if (Number.isFinite(at.getTime()) && !cert.validForDate(at)) {
      return `the certificate was not valid when the signature was logged (valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}, logged ${at.toISOString()})`;
    }
  }
  return undefined;
}

/** The text of a Fulcio extension: DER UTF8String for the current OIDs, raw bytes for the deprecated ones. */
function extensionText(signer: Signer, oid: string): string | undefined {
  const found = signer.identity?.oids?.find((o) => o.oid?.id.join('.') === oid);
  if (!found) return undefined;
  const bytes = Buffer.from(found.value);
  try {
    const parsed = sigstoreCore().ASN1Obj.parseBuffer(bytes);
    // 0x0c UTF8String, 0x16 IA5String
    if (parsed.tag.number === 12 || parsed.tag.number === 22) return parsed.value.toString('utf8');
  } catch {
    // deprecated extensions hold the bare string
  }
  return bytes.toString('utf8');
}

export function signerIdentity(signer: Signer): SignerIdentity {
  const text = (oid: string) => extensionText(signer, oid);
  const identity: SignerIdentity = {
    subject: signer.identity?.subjectAlternativeName ?? '(no subject alternative name)',
  };
  const issuer = signer.identity?.extensions?.issuer ?? text(FULCIO_OID.issuer) ?? text(FULCIO_OID.issuerV1);
  if (issuer) identity.issuer = issuer;
  const repository =
    text(FULCIO_OID.sourceRepositoryUri) ??
    (text(FULCIO_OID.repositoryV1) ? `https://github.com/${text(FULCIO_OID.repositoryV1)}` : undefined);
  if (repository) identity.sourceRepository = repository;
  const commit = text(FULCIO_OID.sourceRepositoryDigest) ?? text(FULCIO_OID.shaV1);
  if (commit) identity.sourceCommit = commit;
  const ref = text(FULCIO_OID.sourceRepositoryRef) ?? text(FULCIO_OID.refV1);
  if (ref) identity.sourceRef = ref;
  const trigger = text(FULCIO_OID.buildTrigger) ?? text(FULCIO_OID.triggerV1);
  if (trigger) identity.trigger = trigger;
  const workflow = text(FULCIO_OID.buildSignerUri);
  if (workflow) identity.buildSigner = workflow;
  const run = text(FULCIO_OID.runInvocationUri);
  if (run) identity.runInvocation = run;
  return identity;
}

/** True when the bundle carries a Fulcio certificate (keyless) rather than a public key hint. */
export function isKeylessBundle(bundle: unknown): boolean {
  const material = (bundle as { verificationMaterial?: Record<string, unknown> })?.verificationMaterial;
  return !!material && (material.certificate !== undefined || material.x509CertificateChain !== undefined);
}

/**
 * Verifies a keyless bundle (JSON as stored) against a trusted root. `artifact`: the signed bytes
 * of a message-signature bundle; DSSE bundles carry their payload. No identity policy here: who
 * signed is returned, the caller decides whether that identity is trusted.
 */
export function verifyKeylessBundle(bundleJson: unknown, root: LoadedTrustedRoot, artifact?: Buffer): KeylessOutcome {
  let entity;
  try {
    entity = sigstoreVerify().toSignedEntity(sigstoreBundle().bundleFromJSON(bundleJson), artifact);
  } catch (error) {
    return { ok: false, reason: `not a valid Sigstore bundle (${(error as Error).message})` };
  }
  let signer: Signer;
  try {
    // Thresholds as sigstore's client: one tlog entry, one SCT, one timestamp (here Rekor's).
    signer = new (sigstoreVerify().Verifier)(root.material, {
      tlogThreshold: 1,
      ctlogThreshold: 1,
      timestampThreshold: 1,
    }).verify(entity);
  } catch (error) {
    return { ok: false, reason: expiredReason(entity) ?? describeFailure(error) };
  }
  const times = entity.tlogEntries
    .map((e) => Number(e.integratedTime))
    .filter((t) => Number.isFinite(t) && t > 0)
    .sort((a, b) => a - b);
  return {
    ok: true,
    identity: signerIdentity(signer),
    loggedAt: times.length ? new Date(times[0] * 1000).toISOString() : undefined,
    trustedRoot: root.name,
  };
}
