// Checking a signature against the PEM public keys of the policy (`signatureKeys`), the way
// cosign's key-based verification does: ECDSA (DER, with the hash sigstore pairs with the curve),
// RSA (PKCS#1 v1.5, or PSS) and Ed25519 (no pre-hash). Only node:crypto; no certificate chains:
// keyless (Fulcio) signatures are not checked here, they simply do not verify with these keys.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { constants } from 'node:crypto';

export interface SigningKey {
  key: KeyObject;
  /** Position in `signatureKeys`, for messages ("key 2"). */
  index: number;
}

export interface ParsedKeys {
  keys: SigningKey[];
  /** Entries that are not PEM public keys, as sentences for the detail line. */
  problems: string[];
}

export function parsePublicKeys(pems: string[]): ParsedKeys {
  const keys: SigningKey[] = [];
  const problems: string[] = [];
  pems.forEach((pem, i) => {
    // createPublicKey would quietly derive the public half of a private key; a private key in a
    // policy file (shared, committed) is a mistake to point out, not to use.
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
      problems.push(`signature key ${i + 1} is a private key; signatureKeys takes public keys`);
      return;
    }
    try {
      const key = createPublicKey(pem);
      if (key.type !== 'public') throw new Error('not a public key');
      keys.push({ key, index: i + 1 });
    } catch {
      problems.push(`signature key ${i + 1} is not a PEM public key`);
    }
  });
  return { keys, problems };
}

/** sigstore's pairing of curve and hash (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512). */
function ecHash(key: KeyObject): string {
  switch (key.asymmetricKeyDetails?.namedCurve) {
    case 'secp384r1':
      return 'sha384';
    case 'secp521r1':
      return 'sha512';
    default:
      return 'sha256';
  }
}

/** True when `signature` over `data` verifies with `key`. Never throws. */
export function verifiesWith(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (key.asymmetricKeyType) {
      case 'ec':
        // DER is what cosign writes; some tools write raw r||s (IEEE P1363): accept both.
        return (
          verify(ecHash(key), data, key, signature) ||
          verify(ecHash(key), data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        );
      case 'rsa':
        return (
          verify('sha256', data, key, signature) ||
          verify(
            'sha256',
            data,
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
            signature,
          )
        );
      case 'rsa-pss':
        return verify('sha256', data, { key, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature);
      case 'ed25519':
      case 'ed448':
        return verify(null, data, key, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** The key (by position) that verifies the signature, if any. */
export function findVerifyingKey(keys: SigningKey[], data: Uint8Array, signature: Uint8Array): SigningKey | undefined {
  return keys.find((k) => verifiesWith(k.key, data, signature));
}

/**
 * DSSE pre-authentication encoding: `DSSEv1 <len(type)> <type> <len(body)> <body>`, lengths in
 * bytes as ASCII decimal. A DSSE signature covers this, not the bare payload, so a payload can
 * not be replayed under another payload type.
 */
export function dssePae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

/** Strict base64 (standard or URL alphabet); undefined for anything else. */
export function decodeBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}
