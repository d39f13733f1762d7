// The production path: real bundles from Sigstore's public-good instance (published test vectors
// of sigstore projects, see test/fixtures/sigstore/public-good/README.md) verified with
// @sigstore/verify against the public-good trusted root image-trust ships. No network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mockFixtures from '../fixtures/sigstore/mock-fixtures.json';
import { verifyKeylessBundle } from '../../server/src/signatures/keyless';
import {
  parseTrustedRoot,
  shippedTrustedRoot,
  shippedTrustedRootJson,
  trustedRootFromFile,
} from '../../server/src/signatures/trustedRoot';

const dir = join(__dirname, '..', 'fixtures', 'sigstore', 'public-good');
const bundle = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

function shipped() {
  const root = shippedTrustedRoot();
  assert.ok(root.ok, !root.ok ? root.error : '');
  return root.root;
}

test('the shipped root is the public-good one: Fulcio, Rekor and CT log of sigstore.dev', () => {
  const json = shippedTrustedRootJson() as {
    tlogs: Array<{ baseUrl: string }>;
    certificateAuthorities: Array<{ uri: string }>;
  };
  assert.ok(json.tlogs.some((t) => t.baseUrl === 'https://rekor.sigstore.dev'));
  assert.ok(json.certificateAuthorities.some((c) => c.uri === 'https://fulcio.sigstore.dev'));
  assert.match(shipped().name, /public-good/);
});

test('sigstore-js release provenance (GitHub Actions identity, inclusion proof) verifies; who signed comes from the certificate', () => {
  const outcome = verifyKeylessBundle(bundle('sigstore-js-2.0.0-provenance.sigstore.json'), shipped());
  assert.ok(outcome.ok, !outcome.ok ? outcome.reason : '');
  assert.equal(
    outcome.identity.subject,
    'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main',
  );
  assert.equal(outcome.identity.issuer, 'https://token.actions.githubusercontent.com');
  assert.equal(outcome.identity.sourceRepository, 'https://github.com/sigstore/sigstore-js');
  assert.equal(outcome.identity.sourceCommit, 'f0b49a04e5a62250e0f60fb128004a73110fe311');
  assert.equal(outcome.identity.trigger, 'push');
  assert.equal(outcome.loggedAt, '2023-08-18T16:05:35.000Z');
});

test('older public-good bundles verify too: SET only, and an e-mail identity', () => {
  const older = verifyKeylessBundle(bundle('sigstore-js-1.3.0-provenance.sigstore.json'), shipped());
  assert.ok(older.ok, !older.ok ? older.reason : '');
  assert.equal(older.loggedAt, '2023-04-18T17:45:12.000Z');
  const email = verifyKeylessBundle(bundle('slsa-provenance-0.0.7.sigstore.json'), shipped());
  assert.ok(email.ok, !email.ok ? email.reason : '');
  assert.equal(email.identity.subject, 'brian@dehamer.com');
  assert.equal(email.identity.issuer, 'https://github.com/login/oauth');
});

test('a public-good bundle with its payload changed does not verify', () => {
  const b = bundle('sigstore-js-2.0.0-provenance.sigstore.json');
  const statement = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString());
  statement.subject[0].name = 'pkg:npm/sigstore@6.6.6';
  b.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  const outcome = verifyKeylessBundle(b, shipped());
  assert.equal(outcome.ok, false);
});

test('a public-good bundle does not verify against another trusted root', () => {
  const mock = parseTrustedRoot(mockFixtures.trustedRoot, 'mock');
  assert.ok(mock.ok);
  const outcome = verifyKeylessBundle(bundle('sigstore-js-2.0.0-provenance.sigstore.json'), mock.root);
  assert.equal(outcome.ok, false);
});

test('a trusted root from a file replaces the shipped one; a bad file is an error that names it', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'image-trust-root-'));
  try {
    const file = join(tmp, 'trusted_root.json');
    writeFileSync(file, JSON.stringify(mockFixtures.trustedRoot));
    const fromFile = trustedRootFromFile(file);
    assert.ok(fromFile.ok);
    assert.equal(fromFile.root.name, `the trusted root ${file}`);
    assert.equal(verifyKeylessBundle(mockFixtures.bundles.trusted, fromFile.root).ok, true);
    writeFileSync(file, '{"hello": 1}');
    const bad = trustedRootFromFile(file);
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /is not a Sigstore trusted_root\.json/);
    const missing = trustedRootFromFile(join(tmp, 'nope.json'));
    assert.match(!missing.ok ? missing.error : '', /cannot read the Sigstore trusted root .*ENOENT/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
