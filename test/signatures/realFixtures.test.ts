// Signatures made by the real cosign and Notation (test/fixtures/signatures/README.md says where
// each file comes from), pushed into the real registry and looked up through the real registry
// client. Our own test writer (test/support/cosign.ts) and our verifier were written from the same
// reading of the specs; these bytes were not, so a misunderstanding the two share (what is signed,
// how the signature is encoded, where the tools store it) fails here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultNetworkSettings } from '../../server/src/core/settings';
import { createRegistryClient, type RegistryClientHandle } from '../../server/src/registry';
import type { RepositoryName } from '../../server/src/registry/types';
import { findSignatures } from '../../server/src/signatures';
import {
  MEDIA_TYPES,
  pushBlob,
  pushManifest,
  sha256Digest,
  startRegistry,
  type TestRegistry,
} from '../support/registry';

const FIXTURES = join(__dirname, '..', 'fixtures', 'signatures');
const COSIGN_PUB = readFileSync(join(FIXTURES, 'cosign', 'cosign.pub'), 'utf8');
const COSIGN2_PUB = readFileSync(join(FIXTURES, 'cosign', 'cosign2.pub'), 'utf8');
/** The digest of the image cosign signed: the sha256 of its manifest, as the payload names it. */
const SIGNED_DIGEST = sha256Digest(readFileSync(join(FIXTURES, 'cosign', 'valid-manifest.json')));
const OTHER_DIGEST = `sha256:${'5'.repeat(64)}`;

interface StoredSignature {
  mimeType: string;
  payload: Buffer;
  annotations: Record<string, string>;
}

/** containers/image's storage of one cosign signature layer: `\0sigstore-json\n` then JSON. */
function readStoredSignature(file: string): StoredSignature {
  const bytes = readFileSync(join(FIXTURES, 'cosign', file));
  const prefix = Buffer.from('\0sigstore-json\n');
  assert.ok(bytes.subarray(0, prefix.length).equals(prefix), `${file} is a stored sigstore signature`);
  const json = JSON.parse(bytes.subarray(prefix.length).toString('utf8'));
  return { mimeType: json.mimeType, payload: Buffer.from(json.payload, 'base64'), annotations: json.annotations };
}

let registry: TestRegistry;
let client: RegistryClientHandle;

before(async () => {
  registry = await startRegistry();
  client = createRegistryClient({ ...defaultNetworkSettings(), cacheDir: '' });
});
after(async () => {
  await client?.dispose();
  await registry?.stop();
});

/**
 * The manifest cosign pushes under `sha256-<hex>.sig` (cosign specs/SIGNATURE_SPEC.md): an OCI
 * manifest whose layers are the simple-signing payloads, each with its signature annotation.
 */
async function pushCosignSignatureManifest(repo: string, subjectDigest: string, layers: StoredSignature[]) {
  const descriptors = [];
  for (const layer of layers) {
    descriptors.push({
      mediaType: layer.mimeType,
      size: layer.payload.length,
      digest: await pushBlob(registry, repo, layer.payload),
      annotations: layer.annotations,
    });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: descriptors.map((d) => d.digest) },
      config: {},
    }),
  );
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, size: config.length, digest: await pushBlob(registry, repo, config) },
    layers: descriptors,
  };
  await pushManifest(
    registry,
    repo,
    `${subjectDigest.replace(':', '-')}.sig`,
    JSON.stringify(manifest),
    MEDIA_TYPES.ociManifest,
  );
}

async function status(repository: string, digest: string, keys: string[]) {
  const repo: RepositoryName = { registry: registry.host, repository };
  const result = await findSignatures(client, repo, digest, keys);
  assert.ok(result.ok, `lookup failed: ${JSON.stringify(!result.ok && result.error)}`);
  return result.value;
}

describe('cosign (key pair), signatures made by cosign', () => {
  const valid = readStoredSignature('valid-signature-1');
  const unknownKey = readStoredSignature('unknown-key.signature');

  test('the fixture is what it claims: a simple-signing payload naming the signed manifest', () => {
    assert.equal(valid.mimeType, 'application/vnd.dev.cosign.simplesigning.v1+json');
    const payload = JSON.parse(valid.payload.toString('utf8'));
    assert.equal(payload.critical.type, 'cosign container image signature');
    assert.equal(payload.critical.image['docker-manifest-digest'], SIGNED_DIGEST);
    assert.ok(valid.annotations['dev.cosignproject.cosign/signature']);
  });

  test("cosign's signature verifies with cosign's public key", async () => {
    await pushCosignSignatureManifest('real/cosign-valid', SIGNED_DIGEST, [valid]);
    const s = await status('real/cosign-valid', SIGNED_DIGEST, [COSIGN_PUB]);
    assert.equal(s.state, 'verified', JSON.stringify(s));
    assert.match(s.detail ?? '', /signature key 1/);
    // The second key of the policy list is the one that signed: its number is reported.
    const second = await status('real/cosign-valid', SIGNED_DIGEST, [COSIGN2_PUB, COSIGN_PUB]);
    assert.equal(second.state, 'verified', JSON.stringify(second));
    assert.match(second.detail ?? '', /signature key 2/);
  });

  test('with another key only: invalid, not verified', async () => {
    const s = await status('real/cosign-valid', SIGNED_DIGEST, [COSIGN2_PUB]);
    assert.equal(s.state, 'invalid', JSON.stringify(s));
    assert.match(s.detail ?? '', /bad signature/);
  });

  test('signed by a key that is not in the policy: invalid', async () => {
    await pushCosignSignatureManifest('real/cosign-unknown-key', SIGNED_DIGEST, [unknownKey]);
    const s = await status('real/cosign-unknown-key', SIGNED_DIGEST, [COSIGN_PUB, COSIGN2_PUB]);
    assert.equal(s.state, 'invalid', JSON.stringify(s));
  });

  test("cosign's valid signature copied to another image does not vouch for it", async () => {
    await pushCosignSignatureManifest('real/cosign-copied', OTHER_DIGEST, [valid]);
    const s = await status('real/cosign-copied', OTHER_DIGEST, [COSIGN_PUB]);
    assert.equal(s.state, 'invalid', JSON.stringify(s));
    assert.match(s.detail ?? '', /signed another digest/);
  });

  test("cosign's payload changed by one byte after signing: invalid", async () => {
    const text = valid.payload.toString('utf8');
    const edited = Buffer.from(text.replace('"optional":null', '"optional":{}'));
    assert.notEqual(edited.toString(), text, 'the payload was edited');
    await pushCosignSignatureManifest('real/cosign-edited', SIGNED_DIGEST, [{ ...valid, payload: edited }]);
    const s = await status('real/cosign-edited', SIGNED_DIGEST, [COSIGN_PUB]);
    assert.equal(s.state, 'invalid', JSON.stringify(s));
  });

  test('without keys: signed (by the cosign legacy tag), not verified', async () => {
    const s = await status('real/cosign-valid', SIGNED_DIGEST, []);
    assert.equal(s.state, 'signed', JSON.stringify(s));
    assert.deepEqual(s.kinds, ['cosign legacy tag']);
  });
});

describe('Notation, an image layout signed by notation', () => {
  const layout = join(FIXTURES, 'notation', 'e2e-valid-signature');
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
    manifests: Array<{ mediaType: string; digest: string; annotations?: Record<string, string> }>;
  };
  const blob = (digest: string) => readFileSync(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const image = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'v1')!;

  before(async () => {
    // Every blob, then the manifests as Notation left them: the image under its tag, the signature
    // by digest (its subject is the image), the referrers fallback index under `sha256-<hex>`.
    for (const name of readdirSync(join(layout, 'blobs', 'sha256'))) {
      const bytes = readFileSync(join(layout, 'blobs', 'sha256', name));
      if (!/"schemaVersion"/.test(bytes.toString('utf8'))) await pushBlob(registry, 'real/notation', bytes);
    }
    const order = [...index.manifests].sort((a, b) => rank(a) - rank(b));
    for (const m of order) {
      const reference = m.annotations?.['org.opencontainers.image.ref.name'] ?? m.digest;
      await pushManifest(registry, 'real/notation', reference, blob(m.digest), m.mediaType);
    }
  });
  const rank = (m: { mediaType: string; digest: string }) =>
    m.mediaType === MEDIA_TYPES.ociIndex ? 2 : m.digest === image.digest ? 0 : 1;

  test("notation's signature is found as a Notation signature of the image it names", async () => {
    const signature = JSON.parse(
      blob(index.manifests.find((m) => m !== image && m.mediaType !== MEDIA_TYPES.ociIndex)!.digest).toString(),
    );
    assert.equal(signature.subject.digest, image.digest, 'the fixture signs the image of the layout');
    assert.equal(signature.artifactType, undefined, 'notation marks it by the config media type only');
    const s = await status('real/notation', image.digest, []);
    assert.equal(s.state, 'signed', JSON.stringify(s));
    assert.deepEqual(s.kinds, ['Notation']);
  });

  test('with cosign keys in the policy: said not to be checked, never "verified"', async () => {
    const s = await status('real/notation', image.digest, [COSIGN_PUB]);
    assert.equal(s.state, 'invalid', JSON.stringify(s));
    assert.match(s.detail ?? '', /Notation signature not checked/);
  });

  test('another image in the same repository is not signed by it', async () => {
    const s = await status('real/notation', OTHER_DIGEST, []);
    assert.equal(s.state, 'unsigned', JSON.stringify(s));
  });
});
