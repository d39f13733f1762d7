// Does a found signature verify with one of the policy's keys, over THIS digest? Both halves
// matter: a valid signature copied from another image (or a signed payload naming another
// digest) must not vouch for this one, and a payload edited after signing must not either.
import { createHash } from 'node:crypto';
import type { Descriptor, Manifest, RegistryClient, RegistryError, RepositoryName } from '../registry/types';
import { ANNOTATIONS, COSIGN_SIGN_PREDICATE, MEDIA, type FoundSignature } from './discover';
import { decodeBase64, dssePae, findVerifyingKey, type SigningKey } from './keys';
import { isKeylessBundle, verifyKeylessBundle, type KeylessOutcome } from './keyless';
import { LEGACY_ANNOTATIONS, legacyKeylessBundle } from './legacyBundle';
import { resolveTrustedRoot, type TrustedRootSource } from './trustedRoot';

export type KeylessSigner = Extract<KeylessOutcome, { ok: true }>;

/** What a signature is checked with: policy keys, and (for keyless ones) a Sigstore trusted root. */
export interface VerifyWith {
  keys: SigningKey[];
  /** Absent: keyless signatures are not verified (they then only fail to verify with the keys). */
  sigstore?: TrustedRootSource;
  /** The statement's predicate type a DSSE bundle must carry (default: cosign's signing predicate). */
  predicateType?: string;
}

export type VerifyOutcome =
  /** `statement`: the verified in-toto statement of a DSSE bundle (its predicate is now trusted data). */
  | { verified: true; key: SigningKey; keyless?: undefined; statement?: InTotoStatement }
  | { verified: true; keyless: KeylessSigner; key?: undefined; statement?: InTotoStatement }
  | { verified: false; reasons: string[] }
  /** Could not look (network): neither verified nor invalid. */
  | { verified: false; error: RegistryError; reasons: string[] };

/** Each signature manifest holds one signature per layer; a hostile one may hold thousands. */
const MAX_LAYERS = 16;

const REASON = {
  badSignature: 'bad signature (does not verify with the configured keys)',
  noKeys: 'signed with a key, and no key is configured to verify it',
  noSignature: 'signature layer without a signature',
  payloadTampered: 'signed payload does not match its digest',
  payloadMissing: 'signed payload is missing',
  unreadable: 'signed payload is not readable',
  notation: 'Notation signature not checked (only cosign signatures are verified with signatureKeys)',
  attestation: 'bundle holds an attestation, not a signature',
  otherPredicate: 'bundle holds a statement of another predicate type',
  unknownBundle: 'Sigstore bundle of an unknown form',
} as const;

function otherDigest(found: string | undefined): string {
  return found ? `signed another digest (${found.slice(0, 19)}…)` : 'signed payload names no digest';
}

export async function verifyFoundSignature(
  registry: RegistryClient,
  repo: RepositoryName,
  digest: string,
  found: FoundSignature,
  keysOrWith: SigningKey[] | VerifyWith,
  signal?: AbortSignal,
): Promise<VerifyOutcome> {
  const using: VerifyWith = Array.isArray(keysOrWith) ? { keys: keysOrWith } : keysOrWith;
  if (found.format === 'notation') return { verified: false, reasons: [REASON.notation] };
  let manifest = found.manifest;
  if (!manifest) {
    const fetched = await registry.getManifest(repo, found.manifestRef, signal);
    if (!fetched.ok) return failedLookup(fetched.error, []);
    manifest = fetched.value;
  }
  return found.format === 'simple-signing'
    ? verifySimpleSigning(registry, repo, digest, manifest, using, signal)
    : verifyBundle(registry, repo, digest, manifest, using, signal);
}

/** Why a failed fetch makes the signature invalid; undefined when it only means "could not look". */
function lookupReason(error: RegistryError): string | undefined {
  // A blob whose bytes do not hash to the digest in the signature manifest was altered after
  // signing: that is an answer (invalid), not a network problem.
  if (error.kind === 'digestMismatch') return REASON.payloadTampered;
  if (error.kind === 'notFound') return REASON.payloadMissing;
  return undefined;
}

function failedLookup(error: RegistryError, reasons: string[]): VerifyOutcome {
  const reason = lookupReason(error);
  return reason ? { verified: false, reasons: [...reasons, reason] } : { verified: false, error, reasons };
}

/** cosign's simple-signing layout (docs/registries.md §6.1): the signature covers the payload blob's bytes. */
async function verifySimpleSigning(
  registry: RegistryClient,
  repo: RepositoryName,
  digest: string,
  manifest: Manifest,
  using: VerifyWith,
  signal?: AbortSignal,
): Promise<VerifyOutcome> {
  const keys = using.keys;
  const reasons: string[] = [];
  const layers = (manifest.json.layers ?? [])
    .filter((l) => l.mediaType === MEDIA.simpleSigning || l.annotations?.[ANNOTATIONS.cosignSignature])
    .slice(0, MAX_LAYERS);
  let lookupError: RegistryError | undefined;
  for (const layer of layers) {
    const signature = decodeBase64(layer.annotations?.[ANNOTATIONS.cosignSignature]);
    if (!signature) {
      reasons.push(REASON.noSignature);
      continue;
    }
    const payload = await registry.getBlob(repo, layer.digest, signal);
    if (!payload.ok) {
      const reason = lookupReason(payload.error);
      if (reason) reasons.push(reason);
      else lookupError = payload.error;
      continue;
    }
    const annotations = layer.annotations ?? {};
    const keyless = using.sigstore && annotations[LEGACY_ANNOTATIONS.certificate] !== undefined;
    let signer: KeylessSigner | undefined;
    let key: SigningKey | undefined;
    if (keyless) {
      // A legacy keyless signature: certificate, chain and Rekor SET in the annotations.
      const converted = legacyKeylessBundle(annotations, payload.value);
      const root = await resolveTrustedRoot(using.sigstore!);
      const outcome = !root.ok
        ? { ok: false as const, reason: `not verified: ${root.error}` }
        : converted.ok
          ? verifyKeylessBundle(converted.bundle, root.root, Buffer.from(payload.value))
          : { ok: false as const, reason: converted.reason };
      if (!outcome.ok) {
        reasons.push(outcome.reason);
        continue;
      }
      signer = outcome;
    } else {
      key = findVerifyingKey(keys, payload.value, signature);
      if (!key) {
        reasons.push(keys.length ? REASON.badSignature : REASON.noKeys);
        continue;
      }
    }
    const signedDigest = simpleSigningDigest(payload.value);
    if (signedDigest === undefined || signedDigest !== digest) {
      reasons.push(signedDigest === null ? REASON.unreadable : otherDigest(signedDigest));
      continue;
    }
    return signer ? { verified: true, keyless: signer } : { verified: true, key: key! };
  }
  return lookupError ? { verified: false, error: lookupError, reasons } : { verified: false, reasons };
}

/**
 * `critical.image.docker-manifest-digest` of a simple-signing payload. cosign writes it lower
 * case, its spec example says `Docker-manifest-digest` (§6.1): accept both. Null when the payload
 * is not JSON; undefined when it names no digest.
 */
export function simpleSigningDigest(payload: Uint8Array): string | undefined | null {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return null;
  }
  const image = (json as { critical?: { image?: Record<string, unknown> } })?.critical?.image;
  const value = image?.['docker-manifest-digest'] ?? image?.['Docker-manifest-digest'];
  return typeof value === 'string' ? value : undefined;
}

/** A Sigstore bundle v0.3 referrer (docs/registries.md §6.2): DSSE envelope or message signature. */
async function verifyBundle(
  registry: RegistryClient,
  repo: RepositoryName,
  digest: string,
  manifest: Manifest,
  using: VerifyWith,
  signal?: AbortSignal,
): Promise<VerifyOutcome> {
  const layer: Descriptor | undefined =
    manifest.json.layers?.find((l) => l.mediaType === MEDIA.sigstoreBundle) ?? manifest.json.layers?.[0];
  if (!layer) return { verified: false, reasons: [REASON.unknownBundle] };
  const blob = await registry.getBlob(repo, layer.digest, signal);
  if (!blob.ok) return failedLookup(blob.error, []);
  let bundle: Record<string, unknown>;
  try {
    bundle = JSON.parse(Buffer.from(blob.value).toString('utf8'));
  } catch {
    return { verified: false, reasons: [REASON.unreadable] };
  }
  if (!isObject(bundle)) return { verified: false, reasons: [REASON.unknownBundle] };
  if (using.sigstore && isKeylessBundle(bundle)) return verifyKeyless(registry, repo, digest, bundle, using, signal);
  if (isObject(bundle.dsseEnvelope)) return verifyDsse(bundle.dsseEnvelope, digest, using);
  if (isObject(bundle.messageSignature))
    return verifyMessageSignature(registry, repo, bundle.messageSignature, digest, using.keys, signal);
  return { verified: false, reasons: [REASON.unknownBundle] };
}

/**
 * A keyless bundle: Sigstore's verifier checks certificate, SCT, Rekor entry, signing time and
 * signature; then the statement must name this digest and the expected predicate (a DSSE
 * bundle), or the signed message must be this manifest (a message-signature bundle).
 */
async function verifyKeyless(
  registry: RegistryClient,
  repo: RepositoryName,
  digest: string,
  bundle: Record<string, unknown>,
  using: VerifyWith,
  signal?: AbortSignal,
): Promise<VerifyOutcome> {
  let artifact: Buffer | undefined;
  if (isObject(bundle.messageSignature)) {
    const subject = await registry.getManifest(repo, digest, signal);
    if (!subject.ok) return failedLookup(subject.error, []);
    if (`sha256:${createHash('sha256').update(subject.value.body).digest('hex')}` !== digest)
      return { verified: false, reasons: [REASON.payloadTampered] };
    artifact = Buffer.from(subject.value.body);
  }
  const root = await resolveTrustedRoot(using.sigstore!);
  if (!root.ok) return { verified: false, reasons: [`not verified: ${root.error}`] };
  const outcome = verifyKeylessBundle(bundle, root.root, artifact);
  if (!outcome.ok) return { verified: false, reasons: [outcome.reason] };
  if (artifact) return { verified: true, keyless: outcome };
  const envelope = bundle.dsseEnvelope as Record<string, unknown>;
  const checked = checkStatement(decodeBase64(envelope.payload), digest, using.predicateType);
  return 'problem' in checked
    ? { verified: false, reasons: [checked.problem] }
    : { verified: true, keyless: outcome, statement: checked.statement };
}

export interface InTotoStatement {
  predicateType?: unknown;
  subject?: unknown;
  predicate?: unknown;
}

/** The in-toto statement when it vouches for this digest with this predicate; else why not. */
function checkStatement(
  payload: Buffer | undefined,
  digest: string,
  predicateType = COSIGN_SIGN_PREDICATE,
): { statement: InTotoStatement } | { problem: string } {
  let statement: InTotoStatement;
  try {
    statement = JSON.parse(payload!.toString('utf8'));
    if (!isObject(statement)) return { problem: REASON.unreadable };
  } catch {
    return { problem: REASON.unreadable };
  }
  const [algorithm, hex] = digest.split(':');
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  const named = subjects
    .map((s) => (isObject(s) && isObject(s.digest) ? s.digest[algorithm] : undefined))
    .filter((d): d is string => typeof d === 'string');
  if (!named.some((d) => d.toLowerCase() === hex.toLowerCase()))
    return { problem: otherDigest(named[0] ? `${algorithm}:${named[0]}` : undefined) };
  if (statement.predicateType !== predicateType)
    return { problem: predicateType === COSIGN_SIGN_PREDICATE ? REASON.attestation : REASON.otherPredicate };
  return { statement };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * DSSE: the signature covers PAE(payloadType, payload); the payload is an in-toto statement whose
 * `subject[].digest.sha256` must name this image and whose predicate must be cosign's signing
 * predicate (an attestation verifying is not a signature).
 */
function verifyDsse(envelope: Record<string, unknown>, digest: string, using: VerifyWith): VerifyOutcome {
  const keys = using.keys;
  const payload = decodeBase64(envelope.payload);
  const payloadType = envelope.payloadType;
  const signatures = Array.isArray(envelope.signatures) ? envelope.signatures : [];
  if (!payload || typeof payloadType !== 'string' || signatures.length === 0)
    return { verified: false, reasons: [REASON.unknownBundle] };
  const pae = dssePae(payloadType, payload);
  let key: SigningKey | undefined;
  for (const entry of signatures.slice(0, MAX_LAYERS)) {
    const sig = decodeBase64(isObject(entry) ? entry.sig : undefined);
    key = sig && findVerifyingKey(keys, pae, sig);
    if (key) break;
  }
  if (!key) return { verified: false, reasons: [keys.length ? REASON.badSignature : REASON.noKeys] };
  const checked = checkStatement(payload, digest, using.predicateType);
  return 'problem' in checked
    ? { verified: false, reasons: [checked.problem] }
    : { verified: true, key, statement: checked.statement };
}

/**
 * Message signature: a signature over the artifact itself, here the image manifest whose sha256
 * is the digest. `messageDigest` must be that digest, and the signature must verify over the
 * manifest bytes the registry client fetched (and checked against the digest).
 */
async function verifyMessageSignature(
  registry: RegistryClient,
  repo: RepositoryName,
  message: Record<string, unknown>,
  digest: string,
  keys: SigningKey[],
  signal?: AbortSignal,
): Promise<VerifyOutcome> {
  const messageDigest = isObject(message.messageDigest) ? message.messageDigest : {};
  const claimed = decodeBase64(messageDigest.digest);
  const signature = decodeBase64(message.signature);
  if (!claimed || !signature || (messageDigest.algorithm !== undefined && messageDigest.algorithm !== 'SHA2_256')) {
    return { verified: false, reasons: [REASON.unknownBundle] };
  }
  const claimedDigest = `sha256:${claimed.toString('hex')}`;
  if (claimedDigest !== digest) return { verified: false, reasons: [otherDigest(claimedDigest)] };
  const subject = await registry.getManifest(repo, digest, signal);
  if (!subject.ok) return failedLookup(subject.error, []);
  // The client verified the bytes against the digest; check again here, as the signature means nothing otherwise.
  if (`sha256:${createHash('sha256').update(subject.value.body).digest('hex')}` !== digest) {
    return { verified: false, reasons: [REASON.payloadTampered] };
  }
  const key = findVerifyingKey(keys, subject.value.body, signature);
  return key
    ? { verified: true, key }
    : { verified: false, reasons: [keys.length ? REASON.badSignature : REASON.noKeys] };
}
