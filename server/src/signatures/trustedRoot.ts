// The Sigstore trusted root (trusted_root.json: Fulcio CAs, CT logs, Rekor logs, timestamp
// authorities, each with its validity window) that keyless signatures are verified against.
// By default the public-good root embedded in @sigstore/tuf's TUF seed (the root the sigstore
// client itself starts from); a newer one from TUF when a refresh has fetched it; or a file the
// user names (`--sigstore-trusted-root`, `imageTrust.sigstoreTrustedRoot`) for a private
// deployment, which replaces it entirely.
import { readFileSync } from 'node:fs';
import type * as SigstoreSpecs from '@sigstore/protobuf-specs';
import type { TrustMaterial } from '@sigstore/verify';
import type * as SigstoreVerify from '@sigstore/verify';
import seeds from '@sigstore/tuf/seeds.json';

export const PUBLIC_GOOD_TUF_URL = 'https://tuf-repo-cdn.sigstore.dev';

export interface LoadedTrustedRoot {
  /** For people: "Sigstore public-good trusted root (shipped)", "trusted root /etc/sigstore/root.json". */
  name: string;
  material: TrustMaterial;
  /** The JSON it was built from (for the TUF cache and tests). */
  json: unknown;
}

export type TrustedRootResult = { ok: true; root: LoadedTrustedRoot } | { ok: false; error: string };

/**
 * A trusted root, or how to get one when a keyless signature is first met (loading may refresh
 * it through TUF, which should cost nothing for images without keyless signatures).
 */
export type TrustedRootSource = LoadedTrustedRoot | (() => Promise<TrustedRootResult>);

export async function resolveTrustedRoot(source: TrustedRootSource): Promise<TrustedRootResult> {
  return typeof source === 'function' ? source() : { ok: true, root: source };
}

/** Builds trust material from trusted_root.json text or JSON; an error sentence when it is not one. */
export function parseTrustedRoot(json: unknown, name: string): TrustedRootResult {
  try {
    const value = typeof json === 'string' ? JSON.parse(json) : json;
    if (
      !value ||
      typeof value !== 'object' ||
      !String((value as { mediaType?: unknown }).mediaType).includes('trustedroot')
    )
      return { ok: false, error: `${name} is not a Sigstore trusted_root.json (no trustedroot mediaType)` };
    // Loaded when a root is first needed, not at start-up (see keyless.ts).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { TrustedRoot } = require('@sigstore/protobuf-specs') as typeof SigstoreSpecs;
    const { toTrustMaterial } = require('@sigstore/verify') as typeof SigstoreVerify;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const root = TrustedRoot.fromJSON(value);
    if (root.certificateAuthorities.length === 0 && root.tlogs.length === 0)
      return { ok: false, error: `${name} names no certificate authority and no transparency log` };
    return { ok: true, root: { name, material: toTrustMaterial(root), json: value } };
  } catch (error) {
    return { ok: false, error: `${name} is not a valid Sigstore trusted_root.json: ${(error as Error).message}` };
  }
}

/** The public-good trusted root shipped inside @sigstore/tuf's seed for tuf-repo-cdn.sigstore.dev. */
export function shippedTrustedRootJson(): unknown {
  const seed = (seeds as Record<string, { targets?: Record<string, string> }>)[PUBLIC_GOOD_TUF_URL];
  const encoded = seed?.targets?.['trusted_root.json'];
  if (!encoded) throw new Error('@sigstore/tuf ships no trusted_root.json seed');
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
}

let shipped: TrustedRootResult | undefined;
export function shippedTrustedRoot(): TrustedRootResult {
  shipped ??= parseTrustedRoot(shippedTrustedRootJson(), 'the Sigstore public-good trusted root (shipped)');
  return shipped;
}

/** A trusted root from a file the user named. */
export function trustedRootFromFile(path: string): TrustedRootResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      ok: false,
      error: `cannot read the Sigstore trusted root ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    };
  }
  return parseTrustedRoot(text, `the trusted root ${path}`);
}
