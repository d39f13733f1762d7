// The signatures/attestations policy: parsing with line-exact problems, image globs with
// policy-controller's semantics, identity matching, and the rule's verdicts on plain facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../server/src/core/policy';
import { imageGlobProblem, matchesImageGlob, normalizeImageGlob } from '../../server/src/core/imageGlob';
import { parseImageReference } from '../../server/src/core/reference';
import { identityMatches, signaturePolicyFailures } from '../../server/src/core/signaturePolicy';
import { evaluateRules, analyzeDocument } from '../../server/src/core/analyze';
import type { ImageFacts, SignatureStatus } from '../../server/src/core/facts';
import type { ImageReference } from '../../server/src/core/types';

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok, text);
  return parsed.reference;
}

const POLICY = `signatures:
  - images: ["ghcr.io/acme/**", "docker.io/acme/*"]
    mode: enforce
    keyless:
      - issuer: https://token.actions.githubusercontent.com
        subjectRegExp: '^https://github\\.com/acme/.+/\\.github/workflows/release\\.yml@refs/tags/v.+$'
    keys: ["-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\\n-----END PUBLIC KEY-----"]
  - images: [nginx]
    mode: warn
    keyless:
      - issuerRegExp: '^https://accounts\\.google\\.com$'
        subject: keyless@distroless.iam.gserviceaccount.com
attestations:
  - predicateType: https://slsa.dev/provenance/v1
    images: ["ghcr.io/acme/**"]
    keyless:
      - issuer: https://token.actions.githubusercontent.com
        subject: https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.0.0
`;

test('reads the issue example: images, mode, keyless, keys; attestations with predicateType', () => {
  const { policy, problems } = parsePolicy(POLICY);
  assert.deepEqual(problems, []);
  assert.equal(policy.signatures.length, 2);
  const [first, second] = policy.signatures;
  assert.deepEqual(first.images, ['ghcr.io/acme/**', 'docker.io/acme/*']);
  assert.equal(first.mode, 'enforce');
  assert.equal(first.line, 2);
  assert.equal(first.keyless[0].issuer, 'https://token.actions.githubusercontent.com');
  assert.match(first.keyless[0].subjectRegExp!, /^\^https/);
  assert.equal(first.keys.length, 1);
  assert.equal(second.mode, 'warn');
  assert.equal(second.keyless[0].issuerRegExp, '^https://accounts\\.google\\.com$');
  assert.equal(policy.attestations.length, 1);
  assert.equal(policy.attestations[0].predicateType, 'https://slsa.dev/provenance/v1');
  assert.deepEqual(policy.attestations[0].images, ['ghcr.io/acme/**']);
  assert.equal(policy.attestations[0].line, 14);
});

test('signatureKeys keeps working beside signatures', () => {
  const { policy, problems } = parsePolicy(
    'signatureKeys:\n  - |\n    -----BEGIN PUBLIC KEY-----\n    abc\n    -----END PUBLIC KEY-----\n' + POLICY,
  );
  assert.deepEqual(problems, []);
  assert.equal(policy.signatureKeys.length, 1);
  assert.equal(policy.signatures.length, 2);
});

test('bad entries are reported on their own line, and left out', () => {
  const text = [
    'signatures:', // 0
    '  - images: ["ghcr.io/acme/**"]', // 1
    '    mode: block', // 2
    '    keyless:', // 3
    '      - issuer: https://token.actions.githubusercontent.com', // 4
    '        subjectRegExp: "(unclosed"', // 5
    '  - images: ["ghcr.io/x/**"]', // 6
    '    keyless:', // 7
    '      - subject: someone@example.com', // 8
    '  - images: ["ghcr.io/y/**"]', // 9
    '    keys: [not-a-key]', // 10
    '    colour: blue', // 11
    '  - images: ["bad glob!"]', // 12
    '    keyless: [{ issuer: a, subject: b, subjectRegExp: c }]', // 13
    '  - mode: warn', // 14
    '    keys: []', // 15
    'attestations:', // 16
    '  - images: ["**"]', // 17
    '    keyless: [{ issuer: a, subject: b }]', // 18
    'signatures2: []', // 19
  ].join('\n');
  const { policy, problems } = parsePolicy(text);
  const at = (line: number) => problems.filter((p) => p.range.start.line === line).map((p) => p.message);
  assert.match(at(2).join(), /signatures\[0\]\.mode must be enforce or warn, not "block"/);
  assert.match(at(5).join(), /signatures\[0\]\.keyless\[0\]\.subjectRegExp is not a valid regular expression/);
  assert.match(at(8).join(), /signatures\[1\]\.keyless\[0\] needs issuer \(or issuerRegExp\)/);
  assert.match(at(10).join(), /signatures\[2\]\.keys\[0\] is not a PEM public key/);
  assert.match(at(11).join(), /Unknown key "colour" in signatures\[2\]/);
  assert.match(at(12).join(), /signatures\[3\]\.images\[0\]: "bad glob!" has characters/);
  assert.match(at(13).join(), /give issuer or issuerRegExp, subject or subjectRegExp, not both/);
  assert.match(at(14).join(), /signatures\[4\] needs images/);
  assert.match(at(17).join(), /attestations\[0\] needs predicateType/);
  assert.match(at(19).join(), /Unknown key "signatures2"/);
  assert.equal(policy.signatures.length, 0);
  assert.equal(policy.attestations.length, 0);
  assert.ok(problems.every((p) => p.code === 'invalid-policy'));
});

test('signatures must be a list; an entry must name who signs', () => {
  assert.match(parsePolicy('signatures: yes\n').problems[0].message, /signatures must be a list of entries/);
  const empty = parsePolicy('signatures:\n  - images: [x]\n');
  assert.match(empty.problems[0].message, /needs keyless identities or keys/);
  assert.equal(empty.problems[0].range.start.line, 1);
});

test('image globs: * within a segment, ** across; Docker Hub names completed', () => {
  assert.equal(matchesImageGlob('ghcr.io/acme/*', ref('ghcr.io/acme/app:1')), true);
  assert.equal(matchesImageGlob('ghcr.io/acme/*', ref('ghcr.io/acme/team/app:1')), false);
  assert.equal(matchesImageGlob('ghcr.io/acme/**', ref('ghcr.io/acme/team/app:1')), true);
  assert.equal(matchesImageGlob('ghcr.io/acme/**', ref('ghcr.io/acmex/app')), false);
  assert.equal(matchesImageGlob('ghcr.io/acme/**', ref('ghcr.io/evil/acme')), false);
  assert.equal(matchesImageGlob('nginx', ref('nginx:1.27')), true);
  assert.equal(matchesImageGlob('nginx', ref('docker.io/library/nginx')), true);
  assert.equal(matchesImageGlob('nginx', ref('acme/nginx')), false);
  assert.equal(matchesImageGlob('*', ref('redis')), true);
  assert.equal(matchesImageGlob('*', ref('acme/redis')), false);
  assert.equal(matchesImageGlob('acme/*', ref('acme/redis')), true);
  assert.equal(matchesImageGlob('index.docker.io/acme/*', ref('acme/redis')), true);
  assert.equal(matchesImageGlob('**', ref('quay.io/x/y/z')), true);
  assert.equal(matchesImageGlob('localhost:5000/app', ref('localhost:5000/app:1')), true);
  // A dot is literal, not "any character".
  assert.equal(matchesImageGlob('ghcr.io/a.b/*', ref('ghcr.io/axb/app')), false);
  // Tags only when the glob names one.
  assert.equal(matchesImageGlob('ghcr.io/acme/app:v*', ref('ghcr.io/acme/app:v2')), true);
  assert.equal(matchesImageGlob('ghcr.io/acme/app:v*', ref('ghcr.io/acme/app:latest')), false);
  assert.equal(normalizeImageGlob('*/*'), 'docker.io/*/*');
  assert.equal(imageGlobProblem('ghcr.io/acme/**'), undefined);
  assert.match(imageGlobProblem('ghcr.io/a b') ?? '', /characters/);
});

test('identities: exact or regular expression (unanchored, like cosign), both halves must match', () => {
  const signer = {
    subject: 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.0.0',
    issuer: 'https://token.actions.githubusercontent.com',
  };
  assert.equal(identityMatches({ issuer: signer.issuer, subject: signer.subject }, signer), true);
  assert.equal(identityMatches({ issuer: signer.issuer, subject: signer.subject + 'x' }, signer), false);
  assert.equal(identityMatches({ issuer: 'https://other', subject: signer.subject }, signer), false);
  assert.equal(identityMatches({ issuerRegExp: 'githubusercontent', subjectRegExp: 'acme/widget' }, signer), true);
  assert.equal(identityMatches({ issuer: signer.issuer, subjectRegExp: '^https://github\\.com/evil/' }, signer), false);
  assert.equal(identityMatches({ issuer: signer.issuer, subjectRegExp: '.*' }, { subject: 'x' }), false);
});

const keyless = (subject: string, issuer = 'https://token.actions.githubusercontent.com'): SignatureStatus => ({
  state: 'signed',
  kinds: ['OCI referrers (Sigstore bundle)'],
  verified: [{ method: 'keyless', kind: 'OCI referrers (Sigstore bundle)', identity: { subject, issuer } }],
});

function findings(text: string, policyText: string, status: SignatureStatus | undefined) {
  const { policy } = parsePolicy(policyText);
  const analysis = analyzeDocument(text, 'dockerfile');
  const facts: ImageFacts = status ? { signature: { state: 'known', value: status } } : {};
  return evaluateRules(analysis, policy, { online: true, factsFor: () => facts }).filter(
    (f) => f.rule === 'untrusted-signature',
  );
}

test('rule untrusted-signature: enforce is an error, warn a warning, and the message says what was found', () => {
  const good = 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.0.0';
  const evil = 'https://github.com/evil/widget/.github/workflows/release.yml@refs/heads/main';
  const withProvenance: SignatureStatus = {
    ...keyless(good),
    attestations: [
      {
        predicateType: 'https://slsa.dev/provenance/v1',
        verified: keyless(good).verified![0],
      },
    ],
  };
  assert.deepEqual(findings('FROM ghcr.io/acme/widget:1\n', POLICY, withProvenance), []);
  // Provenance alone is not a signature.
  assert.match(
    findings('FROM ghcr.io/acme/widget:1\n', POLICY, { ...withProvenance, state: 'unsigned', verified: undefined })[0]
      .message,
    /has no signature/,
  );
  const [bad] = findings('FROM ghcr.io/acme/widget:1\n', POLICY, keyless(evil));
  assert.equal(bad.severity, 'error');
  assert.equal(
    bad.message.split('. It also')[0],
    `ghcr.io/acme/widget:1 is signed by ${evil} (issuer https://token.actions.githubusercontent.com), not by an identity the policy trusts: the policy (policy line 2) trusts subject matching ^https://github\\.com/acme/.+/\\.github/workflows/release\\.yml@refs/tags/v.+$ (issuer https://token.actions.githubusercontent.com) or its key`,
  );
  assert.match(bad.message, /It also has no signed https:\/\/slsa\.dev\/provenance\/v1 attestation/);
  const [unsigned] = findings('FROM nginx:1.27\n', POLICY, { state: 'unsigned', kinds: [] });
  assert.equal(unsigned.severity, 'warning');
  assert.match(
    unsigned.message,
    /^nginx:1\.27 has no signature; the policy \(policy line 8\) trusts keyless@distroless/,
  );
  const [invalid] = findings('FROM nginx:1.27\n', POLICY, {
    state: 'signed',
    kinds: ['cosign legacy tag'],
    failures: ['cosign legacy tag: the signature has no transparency log entry'],
  });
  assert.match(
    invalid.message,
    /carries a signature that does not verify: cosign legacy tag: the signature has no transparency log entry/,
  );
  // Images no entry matches, and facts not known, say nothing.
  assert.deepEqual(findings('FROM redis:7\n', POLICY, { state: 'unsigned', kinds: [] }), []);
  assert.deepEqual(findings('FROM nginx:1.27\n', POLICY, undefined), []);
  // rules: wins over the mode.
  assert.equal(
    findings('FROM nginx:1.27\n', POLICY + 'rules: { untrusted-signature: info }\n', {
      state: 'unsigned',
      kinds: [],
    })[0].severity,
    'info',
  );
  assert.deepEqual(
    findings('FROM nginx:1.27\n', POLICY + 'rules: { untrusted-signature: off }\n', { state: 'unsigned', kinds: [] }),
    [],
  );
});

test('a key authority is met by a signature verified with that key, whatever its whitespace', () => {
  const pem = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----';
  const { policy } = parsePolicy(POLICY);
  const status: SignatureStatus = {
    state: 'signed',
    kinds: ['cosign legacy tag'],
    verified: [{ method: 'key', kind: 'cosign legacy tag', keyPem: pem.replace(/\n/g, '\n  ') }],
  };
  const failures = signaturePolicyFailures(ref('ghcr.io/acme/widget:1'), policy, {
    signature: { state: 'known', value: status },
  });
  assert.equal(failures.length, 1);
  assert.match(failures[0].found, /has no signed https:\/\/slsa\.dev/);
});
