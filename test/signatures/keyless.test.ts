// Keyless Sigstore signatures and attestations, made with Sigstore's own client against
// @sigstore/mock's Fulcio, CT log and Rekor (test/fixtures/sigstore/generate.cjs), pushed into
// the real registry the way cosign 3 pushes them, found and verified through the real registry
// client against the mock's trusted root. Then the identity policy decides.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fixtures from '../fixtures/sigstore/mock-fixtures.json';
import { defaultNetworkSettings, defaultPolicy, type Policy } from '../../server/src/core/settings';
import type { SignatureStatus } from '../../server/src/core/facts';
import { parseImageReference } from '../../server/src/core/reference';
import { signaturePolicyFailures } from '../../server/src/core/signaturePolicy';
import { createRegistryClient, type RegistryClientHandle } from '../../server/src/registry';
import { findSignatures } from '../../server/src/signatures';
import { parseTrustedRoot, shippedTrustedRoot, type LoadedTrustedRoot } from '../../server/src/signatures/trustedRoot';
import { SLSA_PREDICATE, pushFixtureImage, pushLegacyKeylessSignature, pushSigstoreBundle } from '../support/cosign';
import { startRegistry, type TestRegistry } from '../support/registry';

let registry: TestRegistry;
let client: RegistryClientHandle;
let mockRoot: LoadedTrustedRoot;
const { identities } = fixtures;

before(async () => {
  registry = await startRegistry();
  client = createRegistryClient({ ...defaultNetworkSettings(), cacheDir: '' });
  const root = parseTrustedRoot(fixtures.trustedRoot, 'the mock Sigstore trusted root');
  assert.ok(root.ok);
  mockRoot = root.root;
});
after(async () => {
  await client?.dispose();
  await registry?.stop();
});

let counter = 0;
/** A fresh repository holding the fixture image, with the given bundles attached as cosign 3 does. */
async function signedImage(
  bundles: Array<{ bundle: unknown; predicateType?: string }>,
  legacy?: { payload: string; annotations: Record<string, string> },
) {
  const path = `keyless/app-${++counter}`;
  const subject = await pushFixtureImage(registry, path, fixtures.images.subject);
  for (const b of bundles) await pushSigstoreBundle(registry, path, subject, b.bundle, b.predicateType);
  if (legacy) await pushLegacyKeylessSignature(registry, path, subject.digest, legacy);
  return { repo: { registry: registry.host, repository: path }, path, digest: subject.digest };
}

async function check(
  repo: { registry: string; repository: string },
  digest: string,
  root: LoadedTrustedRoot = mockRoot,
): Promise<SignatureStatus> {
  const result = await findSignatures(client, repo, digest, { keys: [], sigstore: root });
  assert.ok(result.ok, `lookup failed: ${JSON.stringify(!result.ok && result.error)}`);
  return result.value;
}

const trustedPolicy = (mode: 'enforce' | 'warn' = 'enforce'): Policy => ({
  ...defaultPolicy(),
  signatures: [
    {
      images: [`${registry.host}/keyless/**`],
      mode,
      keyless: [
        {
          issuer: identities.issuer,
          subjectRegExp: '^https://github\\.com/acme/widget/\\.github/workflows/release\\.yml@refs/tags/v.+$',
        },
      ],
      keys: [],
      line: 1,
    },
  ],
});

function failures(path: string, status: SignatureStatus, policy = trustedPolicy()) {
  const parsed = parseImageReference(`${registry.host}/${path}:v1`);
  assert.ok(parsed.ok);
  return signaturePolicyFailures(parsed.reference, policy, { signature: { state: 'known', value: status } });
}

describe('cosign 3 bundles (OCI referrers)', () => {
  test('trusted identity: verified, who signed read from the Fulcio extensions, the policy passes', async () => {
    const { repo, path, digest } = await signedImage([{ bundle: fixtures.bundles.trusted }]);
    const status = await check(repo, digest);
    assert.equal(status.verified?.length, 1);
    const [signed] = status.verified!;
    assert.equal(signed.method, 'keyless');
    assert.equal(signed.identity?.subject, identities.trusted);
    assert.equal(signed.identity?.issuer, identities.issuer);
    assert.equal(signed.identity?.sourceRepository, 'https://github.com/acme/widget');
    assert.equal(signed.identity?.sourceCommit, '4f6a1b2c3d4e5f60718293a4b5c6d7e8f9012345');
    assert.equal(signed.identity?.trigger, 'push');
    assert.match(signed.loggedAt ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(signed.trustedRoot, 'the mock Sigstore trusted root');
    assert.deepEqual(failures(path, status), []);
  });

  test('wrong identity: the signature verifies, but the policy says who signed instead', async () => {
    const { repo, path, digest } = await signedImage([{ bundle: fixtures.bundles.wrongIdentity }]);
    const status = await check(repo, digest);
    assert.equal(status.verified?.[0].identity?.subject, identities.evil);
    const [failure] = failures(path, status);
    assert.match(
      failure.found,
      /is signed by https:\/\/github\.com\/evil\/widget\/\.github\/workflows\/release\.yml@refs\/heads\/main \(issuer https:\/\/token\.actions\.githubusercontent\.com\), not by an identity the policy trusts/,
    );
  });

  test('wrong issuer: same subject, another OIDC issuer, not trusted', async () => {
    const { repo, path, digest } = await signedImage([{ bundle: fixtures.bundles.wrongIssuer }]);
    const status = await check(repo, digest);
    assert.equal(status.verified?.[0].identity?.issuer, identities.evilIssuer);
    const [failure] = failures(path, status);
    assert.match(failure.found, /issuer https:\/\/oidc\.evil\.example\), not by an identity the policy trusts/);
  });

  test('a certificate expired when the signature was logged does not verify', async () => {
    const { repo, path, digest } = await signedImage([{ bundle: fixtures.bundles.expiredAtSigning }]);
    const status = await check(repo, digest);
    assert.equal(status.verified, undefined);
    assert.match(status.failures?.join() ?? '', /certificate was not valid when the signature was logged/);
    assert.match(failures(path, status)[0].found, /carries a signature that does not verify/);
  });

  test('a payload changed after signing does not verify', async () => {
    const { repo, digest } = await signedImage([{ bundle: fixtures.bundles.tamperedPayload }]);
    const status = await check(repo, digest);
    assert.equal(status.verified, undefined);
    assert.match(
      status.failures?.join() ?? '',
      /Rekor entry does not match the signature|does not verify over the signed payload/,
    );
  });

  test('a valid signature whose statement names another digest does not vouch for this one', async () => {
    const { repo, digest } = await signedImage([{ bundle: fixtures.bundles.otherDigest }]);
    const status = await check(repo, digest);
    assert.equal(status.verified, undefined);
    assert.match(
      status.failures?.join() ?? '',
      new RegExp(`signed another digest \\(${fixtures.images.other.digest.slice(0, 19)}`),
    );
  });

  test('a signature never logged in Rekor does not verify', async () => {
    const { repo, digest } = await signedImage([{ bundle: fixtures.bundles.withoutTlogEntry }]);
    const status = await check(repo, digest);
    assert.equal(status.verified, undefined);
    assert.match(status.failures?.join() ?? '', /never logged in Rekor/);
  });

  test('unsigned: the policy says there is no signature', async () => {
    const { repo, path, digest } = await signedImage([]);
    const status = await check(repo, digest);
    assert.equal(status.state, 'unsigned');
    assert.match(failures(path, status)[0].found, /has no signature; the policy \(policy line 1\) trusts/);
  });

  test('the mock signatures do not verify against the public-good root', async () => {
    const shipped = shippedTrustedRoot();
    assert.ok(shipped.ok);
    const { repo, digest } = await signedImage([{ bundle: fixtures.bundles.trusted }]);
    const status = await check(repo, digest, shipped.root);
    assert.equal(status.verified, undefined);
    assert.match(
      status.failures?.join() ?? '',
      /does not chain to a Fulcio CA of the trusted root|Rekor entry does not verify/,
    );
  });

  test('one trusted signature among untrusted ones is enough; every entry that matches must pass', async () => {
    const { repo, path, digest } = await signedImage([
      { bundle: fixtures.bundles.wrongIdentity },
      { bundle: fixtures.bundles.trusted },
    ]);
    const status = await check(repo, digest);
    assert.equal(status.verified?.length, 2);
    assert.deepEqual(failures(path, status), []);
    const stricter = trustedPolicy();
    stricter.signatures.push({
      images: [`${registry.host}/keyless/*`],
      mode: 'warn',
      keyless: [
        {
          issuer: identities.issuer,
          subject: 'https://github.com/acme/other/.github/workflows/release.yml@refs/tags/v1.0.0',
        },
      ],
      keys: [],
    });
    const failed = failures(path, status, stricter);
    assert.equal(failed.length, 1);
    assert.equal(failed[0].entry.mode, 'warn');
  });
});

describe('legacy cosign keyless signatures (.sig tag with a certificate annotation)', () => {
  test('trusted identity verifies through Fulcio certificate and Rekor SET', async () => {
    const { repo, path, digest } = await signedImage([], fixtures.legacy.trusted);
    const status = await check(repo, digest);
    assert.equal(status.verified?.[0].kind, 'cosign legacy tag');
    assert.equal(status.verified?.[0].identity?.subject, identities.trusted);
    assert.deepEqual(failures(path, status), []);
  });

  test('wrong identity is named', async () => {
    const { repo, path, digest } = await signedImage([], fixtures.legacy.wrongIdentity);
    const status = await check(repo, digest);
    assert.match(failures(path, status)[0].found, /signed by https:\/\/github\.com\/evil\//);
  });

  test('the .sig tag is asked with a HEAD (no pull on Docker Hub); its manifest is fetched by digest, once', async () => {
    const signed = await signedImage([], fixtures.legacy.trusted);
    const unsignedImage = await signedImage([]);
    const legacyTag = (digest: string) => `/manifests/${digest.replace(':', '-')}.sig`;
    registry.resetLog();
    assert.equal((await check(unsignedImage.repo, unsignedImage.digest)).state, 'unsigned');
    assert.deepEqual(
      registry.log.filter((r) => r.kind === 'manifestGet' && r.path.endsWith('.sig')).map((r) => r.path),
      [],
      'no signature there: a HEAD said so, no GET of the .sig tag counted as a pull',
    );
    assert.ok(registry.log.some((r) => r.kind === 'manifestHead' && r.path.endsWith(legacyTag(unsignedImage.digest))));

    registry.resetLog();
    const status = await check(signed.repo, signed.digest);
    assert.equal(status.verified?.[0].kind, 'cosign legacy tag');
    const gets = registry.log.filter((r) => r.kind === 'manifestGet').map((r) => r.path);
    assert.equal(gets.filter((p) => p.endsWith(legacyTag(signed.digest))).length, 0, 'never a GET by tag');
    assert.equal(gets.filter((p) => /\/manifests\/sha256:[0-9a-f]{64}$/.test(p)).length, 1, 'one GET, by digest');
    const signatureDigest = registry.log.find(
      (r) => r.kind === 'manifestHead' && r.path.endsWith(legacyTag(signed.digest)),
    );
    assert.ok(signatureDigest, 'the .sig tag was resolved with a HEAD');

    registry.resetLog();
    assert.equal((await check(signed.repo, signed.digest)).verified?.[0].kind, 'cosign legacy tag');
    assert.deepEqual(
      registry.log.filter((r) => r.kind === 'manifestGet' && /\/manifests\/sha256:/.test(r.path)).map((r) => r.path),
      [],
      'the manifest of a digest is not fetched again',
    );
  });

  test('a payload swapped after signing does not verify', async () => {
    const payload = JSON.parse(Buffer.from(fixtures.legacy.trusted.payload, 'base64').toString());
    payload.optional = { creator: 'someone else' };
    const { repo, digest } = await signedImage([], {
      ...fixtures.legacy.trusted,
      payload: Buffer.from(JSON.stringify(payload)).toString('base64'),
    });
    const status = await check(repo, digest);
    assert.equal(status.verified, undefined);
    assert.ok(status.failures?.length);
  });
});

describe('signed attestations', () => {
  test('SLSA provenance signed by the trusted identity is verified; the policy can require it', async () => {
    const { repo, path, digest } = await signedImage([
      { bundle: fixtures.bundles.trusted },
      { bundle: fixtures.bundles.provenance, predicateType: SLSA_PREDICATE },
    ]);
    const status = await check(repo, digest);
    assert.equal(status.attestations?.length, 1);
    assert.equal(status.attestations?.[0].predicateType, SLSA_PREDICATE);
    assert.equal(status.attestations?.[0].verified?.identity?.subject, identities.trusted);
    // The verified statement's content is what the hover's Provenance shows (GitHub's workflow build type).
    assert.deepEqual(status.attestations?.[0].provenance, {
      from: 'slsa-v1',
      sourceRepository: 'https://github.com/acme/widget',
      revision: '4f6a1b2c3d4e5f60718293a4b5c6d7e8f9012345',
      builder: 'https://github.com/actions/runner/github-hosted',
      dockerfile: undefined,
      bases: [],
    });
    const policy: Policy = {
      ...trustedPolicy(),
      attestations: [
        {
          images: ['**'],
          mode: 'enforce',
          predicateType: SLSA_PREDICATE,
          keyless: trustedPolicy().signatures[0].keyless,
          keys: [],
        },
      ],
    };
    assert.deepEqual(failures(path, status, policy), []);
  });

  test('provenance by another identity, or missing, fails a policy that requires it', async () => {
    const policy: Policy = {
      ...defaultPolicy(),
      attestations: [
        {
          images: ['**'],
          mode: 'enforce',
          predicateType: SLSA_PREDICATE,
          keyless: trustedPolicy().signatures[0].keyless,
          keys: [],
          line: 3,
        },
      ],
    };
    const evil = await signedImage([
      { bundle: fixtures.bundles.provenanceWrongIdentity, predicateType: SLSA_PREDICATE },
    ]);
    const evilStatus = await check(evil.repo, evil.digest);
    assert.ok(evilStatus.attestations?.[0].verified);
    // It claims acme's repository: only who signed it tells it apart.
    assert.equal(evilStatus.attestations?.[0].provenance?.sourceRepository, 'https://github.com/acme/widget');
    assert.match(evilStatus.attestations?.[0].verified?.identity?.subject ?? '', /^https:\/\/github\.com\/evil\//);
    assert.match(
      failures(evil.path, evilStatus, policy)[0].found,
      /attestation signed by https:\/\/github\.com\/evil\//,
    );
    const none = await signedImage([{ bundle: fixtures.bundles.trusted }]);
    const noneStatus = await check(none.repo, none.digest);
    assert.match(
      failures(none.path, noneStatus, policy)[0].found,
      /has no signed https:\/\/slsa\.dev\/provenance\/v1 attestation; the policy \(policy line 3\)/,
    );
  });

  test('a signing bundle is not taken for provenance, nor provenance for a signature', async () => {
    const { repo, digest } = await signedImage([
      { bundle: fixtures.bundles.provenance, predicateType: SLSA_PREDICATE },
    ]);
    const status = await check(repo, digest);
    assert.equal(status.state, 'unsigned');
    assert.equal(status.verified, undefined);
    assert.ok(status.attestations?.[0].verified);
  });
});
