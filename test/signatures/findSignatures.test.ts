// Signatures written into the real registry (Debian's distribution 2.8, which has no referrers
// API, so the client falls back to the `sha256-<hex>` tag index) and, for the API path itself,
// through a test registry that speaks `GET /v2/<name>/referrers/<digest>`. Every lookup goes
// through the real registry client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultNetworkSettings } from '../../server/src/core/settings';
import type { RepositoryName } from '../../server/src/registry/types';
import { createRegistryClient, type RegistryClientHandle } from '../../server/src/registry';
import { findSignatures } from '../../server/src/signatures';
import {
  SLSA_PREDICATE,
  generateTestKey,
  pushBundleSignature,
  pushLegacySignature,
  pushNotationSignature,
  type Subject,
} from '../support/cosign';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry';
import { startReferrersServer, type ReferrersServer } from '../support/referrersServer';

let registry: TestRegistry;
let client: RegistryClientHandle;
const clients: RegistryClientHandle[] = [];
const keyA = generateTestKey('ecdsa-p256');
const keyB = generateTestKey('ed25519');
const keyRsa = generateTestKey('rsa');
const stranger = generateTestKey('ecdsa-p256');

function clientFor(): RegistryClientHandle {
  const handle = createRegistryClient({ ...defaultNetworkSettings(), cacheDir: '' });
  clients.push(handle);
  return handle;
}

before(async () => {
  registry = await startRegistry();
  client = clientFor();
});
after(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await registry?.stop();
});

let counter = 0;
/** A fresh repository with one image; its own name keeps tests independent. */
async function image(
  name: string,
  options: Parameters<typeof pushImage>[3] = {},
): Promise<{ repo: RepositoryName; path: string; subject: Subject }> {
  const path = `sig/${name}-${++counter}`;
  const pushed = await pushImage(registry, path, 'v1', { ...options, salt: `${name}-${counter}` });
  return {
    repo: { registry: registry.host, repository: path },
    path,
    subject: { digest: pushed.digest, mediaType: pushed.mediaType, size: pushed.size },
  };
}

async function status(repo: RepositoryName, digest: string, keys: string[] = []) {
  const result = await findSignatures(client, repo, digest, keys);
  assert.ok(result.ok, `lookup failed: ${JSON.stringify(!result.ok && result.error)}`);
  return result.value;
}

describe('no signature', () => {
  test('an unsigned image is unsigned, with and without keys', async () => {
    const { repo, subject } = await image('plain');
    assert.deepEqual(await status(repo, subject.digest), { state: 'unsigned', kinds: [] });
    assert.deepEqual(await status(repo, subject.digest, [keyA.publicKeyPem]), { state: 'unsigned', kinds: [] });
  });

  test("BuildKit's unknown/unknown attestation entry is not a signature", async () => {
    const { repo, subject } = await image('attested', { attestation: true });
    assert.equal((await status(repo, subject.digest)).state, 'unsigned');
  });

  test('an attestation bundle, even one that verifies, is not a signature', async () => {
    const { repo, path, subject } = await image('provenance');
    await pushBundleSignature(registry, path, subject, keyA, { predicateType: SLSA_PREDICATE });
    const found = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'unsigned');
    assert.match(found.detail ?? '', /1 attestation/);
  });
});

describe("cosign's legacy .sig tag", () => {
  test('found without keys: signed', async () => {
    const { repo, path, subject } = await image('legacy');
    await pushLegacySignature(registry, path, subject.digest, [keyA]);
    registry.resetLog();
    const found = await status(repo, subject.digest);
    assert.equal(found.state, 'signed');
    assert.deepEqual(found.kinds, ['cosign legacy tag']);
    // Existence is enough without keys: a HEAD, which Docker Hub does not count as a pull (§3.7).
    const sigRequests = registry.log.filter(
      (r) => r.path === `/v2/${path}/manifests/${subject.digest.replace(':', '-')}.sig`,
    );
    assert.deepEqual(
      sigRequests.map((r) => r.method),
      ['HEAD'],
    );
  });

  test('verified with the right key among others; invalid with only a stranger key', async () => {
    const { repo, path, subject } = await image('legacy-keys');
    await pushLegacySignature(registry, path, subject.digest, [keyA]);
    const verified = await status(repo, subject.digest, [stranger.publicKeyPem, keyA.publicKeyPem]);
    assert.equal(verified.state, 'verified');
    assert.match(verified.detail ?? '', /key 2/);
    const invalid = await status(repo, subject.digest, [stranger.publicKeyPem]);
    assert.equal(invalid.state, 'invalid');
    assert.match(invalid.detail ?? '', /bad signature/);
  });

  test('RSA and Ed25519 keys, several signatures in one manifest, the Docker-manifest-digest spelling', async () => {
    const { repo, path, subject } = await image('legacy-multi');
    await pushLegacySignature(registry, path, subject.digest, [keyRsa, keyB], { capitalizedDigestKey: true });
    assert.equal((await status(repo, subject.digest, [keyRsa.publicKeyPem])).state, 'verified');
    assert.equal((await status(repo, subject.digest, [keyB.publicKeyPem])).state, 'verified');
  });

  test('a corrupted signature is invalid', async () => {
    const { repo, path, subject } = await image('legacy-corrupt');
    await pushLegacySignature(registry, path, subject.digest, [keyA], { corruptSignature: true });
    const found = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'invalid');
    assert.match(found.detail ?? '', /cosign legacy tag: bad signature/);
  });

  test('a payload changed after signing is invalid', async () => {
    const { repo, path, subject } = await image('legacy-tampered');
    await pushLegacySignature(registry, path, subject.digest, [keyA], { tamperPayload: true });
    const found = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'invalid');
    assert.match(found.detail ?? '', /bad signature/);
  });

  test('a valid signature over another digest is invalid here', async () => {
    const other = await image('legacy-other-source');
    const { repo, path, subject } = await image('legacy-other');
    await pushLegacySignature(registry, path, subject.digest, [keyA], { signedDigest: other.subject.digest });
    const found = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'invalid');
    assert.match(found.detail ?? '', /signed another digest \(sha256:/);
  });
});

describe('Sigstore bundles as OCI referrers, through the fallback tag index', () => {
  test('found without keys, verified with the key', async () => {
    const { repo, path, subject } = await image('bundle');
    await pushBundleSignature(registry, path, subject, keyA);
    registry.resetLog();
    const signed = await status(repo, subject.digest);
    assert.equal(signed.state, 'signed');
    assert.deepEqual(signed.kinds, ['OCI referrers (Sigstore bundle)']);
    // distribution 2.8 has no referrers API: the client fell back to the tag index (§6.3).
    assert.ok(registry.log.some((r) => r.path.startsWith(`/v2/${path}/referrers/`) && r.status === 404));
    assert.ok(
      registry.log.some(
        (r) => r.path === `/v2/${path}/manifests/${subject.digest.replace(':', '-')}` && r.status === 200,
      ),
    );
    const verified = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(verified.state, 'verified');
  });

  test('a multi-platform index signed with an Ed25519 key', async () => {
    const { repo, path, subject } = await image('bundle-index', {
      platforms: ['linux/amd64', 'linux/arm64'],
      attestation: true,
    });
    await pushBundleSignature(registry, path, subject, keyB);
    assert.equal((await status(repo, subject.digest, [keyB.publicKeyPem])).state, 'verified');
  });

  test('an index entry without artifactType (old ggcr) is inspected and still found', async () => {
    const { repo, path, subject } = await image('bundle-unlabelled');
    await pushBundleSignature(registry, path, subject, keyA, { unlabelledInIndex: true });
    const found = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'verified');
  });

  test('a corrupted bundle signature is invalid', async () => {
    const { repo, path, subject } = await image('bundle-corrupt');
    await pushBundleSignature(registry, path, subject, keyA, { corruptSignature: true });
    const found = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'invalid');
    assert.match(found.detail ?? '', /bad signature/);
  });

  test('a statement changed after signing is invalid', async () => {
    const { repo, path, subject } = await image('bundle-tampered');
    await pushBundleSignature(registry, path, subject, keyA, { tamperPayload: true });
    const found = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'invalid');
    assert.match(found.detail ?? '', /bad signature/);
  });

  test('a valid bundle whose statement names another digest is invalid', async () => {
    const other = await image('bundle-other-source');
    const { repo, path, subject } = await image('bundle-other');
    await pushBundleSignature(registry, path, subject, keyA, { signedDigest: other.subject.digest });
    const found = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'invalid');
    assert.match(found.detail ?? '', /signed another digest/);
  });

  test('a message-signature bundle over the manifest bytes verifies; over another digest it does not', async () => {
    const { repo, path, subject } = await image('bundle-message');
    const pushed = await client.getManifest(repo, subject.digest);
    assert.ok(pushed.ok);
    await pushBundleSignature(registry, path, subject, keyA, {
      messageSignature: true,
      subjectBytes: Buffer.from(pushed.value.body),
    });
    assert.equal((await status(repo, subject.digest, [keyA.publicKeyPem])).state, 'verified');

    const other = await image('bundle-message-other');
    await pushBundleSignature(registry, other.path, other.subject, keyA, {
      messageSignature: true,
      subjectBytes: Buffer.from(pushed.value.body),
      signedDigest: subject.digest,
    });
    const found = await status(other.repo, other.subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'invalid');
    assert.match(found.detail ?? '', /signed another digest/);
  });

  test('one good signature among bad ones verifies; all kinds are listed', async () => {
    const { repo, path, subject } = await image('mixed');
    await pushLegacySignature(registry, path, subject.digest, [keyA], { corruptSignature: true });
    await pushNotationSignature(registry, path, subject);
    await pushBundleSignature(registry, path, subject, keyA);
    const found = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(found.state, 'verified');
    assert.deepEqual([...found.kinds].sort(), ['Notation', 'OCI referrers (Sigstore bundle)', 'cosign legacy tag']);
  });
});

describe('Notation', () => {
  test('a Notation signature is a signature; with keys it is not one of ours', async () => {
    const { repo, path, subject } = await image('notation');
    await pushNotationSignature(registry, path, subject);
    const signed = await status(repo, subject.digest);
    assert.deepEqual(signed.kinds, ['Notation']);
    assert.equal(signed.state, 'signed');
    const withKeys = await status(repo, subject.digest, [keyA.publicKeyPem]);
    assert.equal(withKeys.state, 'invalid');
    assert.match(withKeys.detail ?? '', /Notation signature not checked/);
  });
});

describe('the referrers API', () => {
  let api: ReferrersServer;
  before(async () => {
    api = await startReferrersServer(registry.directUrl, { pageSize: 1 });
  });
  after(async () => {
    await api?.close();
  });

  test('referrers listed by the API (paged) are found and verified, without the fallback tag', async () => {
    const { path, subject } = await image('api');
    const attestation = await pushBundleSignature(registry, path, subject, keyA, {
      predicateType: SLSA_PREDICATE,
      fallbackIndex: false,
    });
    const signature = await pushBundleSignature(registry, path, subject, keyA, { fallbackIndex: false });
    api.addReferrer(path, subject.digest, attestation);
    api.addReferrer(path, subject.digest, signature);
    const repo = { registry: api.host, repository: path };
    const apiClient = clientFor();
    const result = await findSignatures(apiClient, repo, subject.digest, [keyA.publicKeyPem]);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.state, 'verified');
    assert.deepEqual(result.value.kinds, ['OCI referrers (Sigstore bundle)']);
    const fallbackTag = subject.digest.replace(':', '-');
    assert.ok(
      api.paths.some((p) => p.startsWith(`/v2/${path}/referrers/${subject.digest}`)),
      api.paths.join('\n'),
    );
    assert.ok(
      !api.paths.some((p) => p === `/v2/${path}/manifests/${fallbackTag}`),
      'the fallback tag was asked although the API answered',
    );
  });

  test('an empty API answer means unsigned', async () => {
    const { path, subject } = await image('api-empty');
    const result = await findSignatures(clientFor(), { registry: api.host, repository: path }, subject.digest, []);
    assert.deepEqual(result.ok && result.value, { state: 'unsigned', kinds: [] });
  });
});

test('a registry that cannot be reached is an error, never "unsigned"', async () => {
  const result = await findSignatures(
    clientFor(),
    { registry: '127.0.0.1:1', repository: 'sig/none' },
    `sha256:${'0'.repeat(64)}`,
    [],
  );
  assert.equal(result.ok, false);
});
