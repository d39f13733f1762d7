import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument, evaluateRules } from '../../server/src/core/analyze';
import type { ImageFacts } from '../../server/src/core/facts';
import { defaultPolicy } from '../../server/src/core/settings';
import { renderHover } from '../../server/src/features/hover';

const D = `sha256:${'d'.repeat(64)}`;

test('the first line says the tier and whether the policy trusts it; details follow', () => {
  const analysis = analyzeDocument('FROM nginx:1.25\n', 'dockerfile');
  const facts: ImageFacts = {
    publisher: {
      state: 'known',
      value: { tier: 'official', description: 'Official build of Nginx.', starCount: 20500, pullCount: 12_300_000_000 },
    },
    currentDigest: { state: 'known', value: D },
    tagDetails: {
      state: 'known',
      value: {
        lastPushed: '2026-11-01T00:00:00Z',
        platforms: ['linux/amd64', 'linux/arm64'],
        compressedSize: 70 * 1024 * 1024,
      },
    },
    newer: { patch: '1.25.5', minor: '1.27.3' },
    eol: {
      product: 'nginx',
      productTitle: 'nginx',
      cycle: '1.25',
      eolDate: '2024-05-29',
      isEol: true,
      data: { source: 'snapshot', asOf: '2026-08-22' },
    },
    signature: { state: 'known', value: { state: 'unsigned', kinds: [] } },
  };
  const policy = defaultPolicy();
  const findings = evaluateRules(analysis, policy, { online: true, factsFor: () => facts });
  const md = renderHover({
    analyzed: analysis.references[0],
    facts,
    policy,
    findings,
    online: true,
    now: new Date('2026-11-22T00:00:00Z'),
  });
  const first = md.split('\n')[0];
  assert.match(first, /Docker Official Image · .*trusted by your policy/);
  assert.match(md, /Official build of Nginx\./);
  assert.match(md, /20K stars/);
  assert.match(md, /12B pulls/);
  assert.match(md, /pushed 21 days ago \(2026-11-01\)/);
  assert.match(md, /https:\/\/hub\.docker\.com\/_\/nginx/);
  assert.match(md, /linux\/amd64, linux\/arm64/);
  assert.match(md, /70\.0 MB/);
  assert.match(md, /1\.25\.5 \(patch\), 1\.27\.3 \(minor\)/);
  // The end-of-life data says how old it is (the snapshot shipped with the extension ages with it).
  assert.match(
    md,
    /End of life: nginx 1\.25 ended 2024-05-29 \(data as of 2026-08-22: shipped endoflife\.date snapshot, 92 days old\)/,
  );
  assert.match(md, /Signature: unsigned/);
  // The digest once, in full; no table with an empty header; the diagnostics are not repeated
  // (editors show them above the hover).
  assert.equal(md.split(D).length - 1, 1, md);
  assert.doesNotMatch(md, /\| \| \|/);
  assert.ok(findings.length > 0);
  for (const finding of findings) assert.ok(!md.includes(finding.message), finding.rule);
  assert.doesNotMatch(md, /eol-version/);
  // Compact: the details fit in a few lines.
  assert.ok(md.split('\n').filter((l) => l.trim()).length <= 12, md);
});

test('clients that draw codicons and run command links get an icon and Pin, Trust, Update links', () => {
  const analysis = analyzeDocument('FROM nginx:1.25\nFROM someuser/app:1\nFROM nginx:1.25@' + D + '\n', 'dockerfile');
  const facts: ImageFacts = { newer: { patch: '1.25.5' }, currentDigest: { state: 'known', value: D } };
  const render = (index: number, client?: { themeIcons?: boolean; commandLinks?: boolean }, f: ImageFacts = facts) =>
    renderHover({
      analyzed: analysis.references[index],
      facts: f,
      policy: defaultPolicy(),
      findings: [],
      online: true,
      uri: 'file:///w/Dockerfile',
      position: { line: index, character: 7 },
      client,
    });
  const plain = render(0);
  assert.doesNotMatch(plain, /\$\(|command:/, 'an editor that said nothing gets neither');
  assert.match(plain, /\[Open on Docker Hub\]\(https:\/\/hub\.docker\.com\/_\/nginx\)/);
  const official = render(0, { themeIcons: true, commandLinks: true });
  assert.match(official.split('\n')[0], /^\$\(verified-filled\) Docker Official Image · trusted by your policy/);
  const links = [...official.matchAll(/\[([^\]]+)\]\(command:([^?]+)\?([^)]+)\)/g)].map((m) => ({
    label: m[1],
    command: m[2],
    args: JSON.parse(decodeURIComponent(m[3])),
  }));
  assert.deepEqual(links, [
    {
      label: 'Pin',
      command: 'imageTrust.applyFix',
      args: [{ uri: 'file:///w/Dockerfile', line: 0, character: 7, title: 'Pin' }],
    },
    {
      label: 'Update…',
      command: 'imageTrust.updateReference',
      args: [{ uri: 'file:///w/Dockerfile', line: 0, character: 7 }],
    },
  ]);
  const community = render(
    1,
    { themeIcons: true, commandLinks: true },
    { publisher: { state: 'known', value: { tier: 'community' } } },
  );
  assert.match(community.split('\n')[0], /^\$\(warning\) Community publisher · not trusted/);
  assert.match(community, /\[Trust "someuser"\]\(command:imageTrust\.applyFix\?/);
  const pinned = render(2, { commandLinks: true });
  assert.doesNotMatch(pinned, /\[Pin\]/, 'a pinned reference offers no Pin');
});

test('community and private registries say so', () => {
  const community = analyzeDocument('FROM someuser/app:1\nFROM ghcr.io/o/r:1\n', 'dockerfile');
  const md = renderHover({
    analyzed: community.references[0],
    facts: { publisher: { state: 'known', value: { tier: 'community' } } },
    policy: defaultPolicy(),
    findings: [],
    online: true,
  });
  assert.match(md.split('\n')[0], /Community publisher · .*not trusted/);
  const other = renderHover({
    analyzed: community.references[1],
    facts: {},
    policy: defaultPolicy(),
    findings: [],
    online: false,
  });
  assert.match(other.split('\n')[0], /Private or third-party registry/);
  assert.match(other, /Offline/);
  assert.doesNotMatch(other, /Open on Docker Hub/, 'ghcr.io has no Docker Hub page');
});

test('Provenance: a verified signed SLSA attestation names its signer; an unsigned one says so; a failing one says why', () => {
  const analysis = analyzeDocument('FROM ghcr.io/acme/widget:1\n', 'dockerfile');
  const policy = defaultPolicy();
  const base = { reference: 'alpine:3.20', digest: `sha256:${'a'.repeat(64)}` };
  const unsignedLookup: ImageFacts['provenance'] = {
    'linux/amd64': {
      state: 'known',
      value: {
        from: 'slsa-v1',
        sourceRepository: 'https://github.com/someone/else',
        bases: [{ ...base, currentDigests: [`sha256:${'b'.repeat(64)}`] }],
      },
    },
  };
  const signed = (attestation: Record<string, unknown>): ImageFacts['signature'] => ({
    state: 'known',
    value: {
      state: 'signed',
      kinds: [],
      attestations: [{ predicateType: 'https://slsa.dev/provenance/v1', ...attestation }],
    },
  });
  const render = (facts: ImageFacts) =>
    renderHover({ analyzed: analysis.references[0], facts, policy, findings: [], online: true });

  const verified = render({
    provenance: unsignedLookup,
    signature: signed({
      verified: {
        method: 'keyless',
        kind: 'OCI referrers (Sigstore bundle)',
        identity: {
          subject: 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1',
          issuer: 'https://token.actions.githubusercontent.com',
        },
      },
      provenance: {
        from: 'slsa-v1',
        sourceRepository: 'https://github.com/acme/widget',
        revision: '4f6a1b2c3d4e5f60',
        bases: [base],
      },
    }),
  });
  assert.match(
    verified,
    /\*\*Provenance\*\* \(SLSA provenance v1, verified: signed by https:\/\/github\.com\/acme\/widget\/\.github\/workflows\/release\.yml@refs\/tags\/v1 \(issuer https:\/\/token\.actions\.githubusercontent\.com\)\)/,
  );
  assert.match(verified, /\| Source \| https:\/\/github\.com\/acme\/widget @ `4f6a1b2c3d4e` \|/);
  assert.ok(!verified.includes('someone/else'), 'the signed statement is shown, not the unsigned one');
  assert.match(verified, /Built on \| alpine:3\.20 `sha256:aaaaaaaaaaaa…` \(the tag has moved since/);

  const unsigned = render({ provenance: unsignedLookup, signature: signed({ failure: 'signed another digest' }) });
  assert.match(unsigned, /\*\*Provenance\*\* \(SLSA provenance v1, unsigned attestation\)/);
  assert.match(unsigned, /\| Signed provenance \| does not verify \(signed another digest\) \|/);

  const onlyFailing = render({ signature: signed({ failure: 'the certificate does not chain' }) });
  assert.match(
    onlyFailing,
    /\*\*Provenance\*\*: the signed provenance attestation does not verify \(the certificate does not chain\)\./,
  );
});
