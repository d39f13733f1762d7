// cosign's legacy keyless signature (docs/registries.md §6.1) is not a Sigstore bundle: the layer's
// annotations carry the signature, the Fulcio certificate (and chain) as PEM, and the Rekor
// entry as cosign's own "bundle" JSON `{SignedEntryTimestamp, Payload{body, integratedTime,
// logIndex, logID}}` (sigstore/cosign pkg/cosign/bundle/rekor.go). The same facts fit a v0.1
// Sigstore bundle (x509 chain, a tlog entry with its inclusion promise, a message signature over
// the payload blob), which is how sigstore-go and cosign itself verify them; so they are
// converted and handed to the same verifier as cosign 3's bundles.
import { createHash } from 'node:crypto';

export const LEGACY_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  rekorBundle: 'dev.sigstore.cosign/bundle',
} as const;

function pemBlocks(text: string | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
    m[1].replace(/\s+/g, ''),
  );
}

export type LegacyConversion = { ok: true; bundle: unknown } | { ok: false; reason: string };

/** A v0.1 bundle for a legacy layer with a certificate annotation; the artifact is the payload blob. */
export function legacyKeylessBundle(annotations: Record<string, string>, payload: Uint8Array): LegacyConversion {
  const certificates = [
    ...pemBlocks(annotations[LEGACY_ANNOTATIONS.certificate]),
    ...pemBlocks(annotations[LEGACY_ANNOTATIONS.chain]),
  ];
  if (certificates.length === 0) return { ok: false, reason: 'the certificate annotation holds no PEM certificate' };
  const signature = annotations[LEGACY_ANNOTATIONS.signature];
  if (!signature) return { ok: false, reason: 'signature layer without a signature' };
  const rekorText = annotations[LEGACY_ANNOTATIONS.rekorBundle];
  const tlogEntries: unknown[] = [];
  if (rekorText) {
    let rekor: {
      SignedEntryTimestamp?: unknown;
      Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown };
    };
    try {
      rekor = JSON.parse(rekorText);
    } catch {
      return { ok: false, reason: 'the Rekor bundle annotation is not JSON' };
    }
    const p = rekor.Payload ?? {};
    if (typeof p.body !== 'string' || typeof p.logID !== 'string' || typeof rekor.SignedEntryTimestamp !== 'string')
      return {
        ok: false,
        reason: 'the Rekor bundle annotation lacks the entry body, log id or signed entry timestamp',
      };
    let kind: { kind?: unknown; apiVersion?: unknown };
    try {
      kind = JSON.parse(Buffer.from(p.body, 'base64').toString('utf8'));
    } catch {
      return { ok: false, reason: 'the Rekor entry body is not JSON' };
    }
    tlogEntries.push({
      logIndex: String(p.logIndex ?? '0'),
      logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
      kindVersion: { kind: String(kind.kind ?? ''), version: String(kind.apiVersion ?? '') },
      integratedTime: String(p.integratedTime ?? '0'),
      inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
      canonicalizedBody: p.body,
    });
  }
  return {
    ok: true,
    bundle: {
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: {
        x509CertificateChain: { certificates: certificates.map((rawBytes) => ({ rawBytes })) },
        tlogEntries,
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') },
        signature,
      },
    },
  };
}
