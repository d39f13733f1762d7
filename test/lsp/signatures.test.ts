// Keyless signatures end to end: fixture bundles (Sigstore's client against @sigstore/mock) pushed
// into the real registry as cosign 3 pushes them; the language server (hover and rule
// untrusted-signature) and the CLI verify them against the mock's trusted root, given the way a
// user gives a private deployment's root (machine setting / --sigstore-trusted-root).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fixtures from '../fixtures/sigstore/mock-fixtures.json';
import { SLSA_PREDICATE, pushFixtureImage, pushSigstoreBundle } from '../support/cosign';
import { LspTestClient } from '../support/lspClient';
import { startRegistry, type TestRegistry } from '../support/registry';
import { runCli } from '../support/runCli';

let registry: TestRegistry;
let dir: string;
let rootFile: string;
let client: LspTestClient;

const DOCKERFILE = (host: string) =>
  `FROM ${host}/acme/widget:v1\nFROM ${host}/acme/evil:v1\nFROM ${host}/acme/unsigned:v1\nFROM ${host}/other/app:v1\n`;

before(async () => {
  registry = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), 'image-trust-sigstore-'));
  rootFile = join(dir, 'trusted_root.json');
  writeFileSync(rootFile, JSON.stringify(fixtures.trustedRoot));
  const widget = await pushFixtureImage(registry, 'acme/widget', fixtures.images.subject);
  await pushSigstoreBundle(registry, 'acme/widget', widget, fixtures.bundles.trusted);
  await pushSigstoreBundle(registry, 'acme/widget', widget, fixtures.bundles.provenance, SLSA_PREDICATE);
  const evil = await pushFixtureImage(registry, 'acme/evil', fixtures.images.subject);
  await pushSigstoreBundle(registry, 'acme/evil', evil, fixtures.bundles.wrongIdentity);
  await pushFixtureImage(registry, 'acme/unsigned', fixtures.images.subject);
  await pushFixtureImage(registry, 'other/app', fixtures.images.subject);
  writeFileSync(
    join(dir, '.image-trust.yaml'),
    [
      'signatures:',
      `  - images: ["${registry.host}/acme/**"]`,
      '    mode: enforce',
      '    keyless:',
      `      - issuer: ${fixtures.identities.issuer}`,
      `        subjectRegExp: '^https://github\\.com/acme/widget/\\.github/workflows/release\\.yml@refs/tags/v.+$'`,
      `  - images: ["${registry.host}/acme/unsigned"]`,
      '    mode: warn',
      '    keyless:',
      `      - issuer: ${fixtures.identities.issuer}`,
      `        subject: ${fixtures.identities.trusted}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE(registry.host));
  client = await LspTestClient.start({
    initializationOptions: { machineSettings: { sigstoreTrustedRoot: rootFile } },
    configuration: {},
    rootPath: dir,
  });
});

after(async () => {
  await client?.stop();
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('over LSP: untrusted-signature names who signed instead; enforce is an error, warn a warning', async () => {
  const uri = pathToFileURL(join(dir, 'Dockerfile')).toString();
  client.open(uri, 'dockerfile', DOCKERFILE(registry.host));
  // A generous wait, not a timing claim: four images verified through the registry on a busy machine.
  const diagnostics = await client.diagnosticsFor(
    uri,
    (d) => d.diagnostics.filter((x) => x.code === 'untrusted-signature').length >= 2,
    120_000,
  );
  const untrusted = diagnostics.diagnostics.filter((d) => d.code === 'untrusted-signature');
  const byLine = new Map(untrusted.map((d) => [d.range.start.line, d]));
  assert.equal(byLine.has(0), false, 'the trusted workflow signed acme/widget');
  assert.equal(byLine.has(3), false, 'no entry matches other/app');
  assert.equal(byLine.get(1)?.severity, 1);
  assert.match(
    byLine.get(1)!.message,
    /acme\/evil:v1 is signed by https:\/\/github\.com\/evil\/widget\/\.github\/workflows\/release\.yml@refs\/heads\/main \(issuer https:\/\/token\.actions\.githubusercontent\.com\), not by an identity the policy trusts/,
  );
  // acme/unsigned matches both entries: the enforce one makes it an error, both are said.
  assert.equal(byLine.get(2)?.severity, 1);
  assert.match(
    byLine.get(2)!.message,
    /has no signature; the policy \(policy line 2\).*It also has no signature; the policy \(policy line 7\)/,
  );
});

test('over LSP: the hover says who signed, from where, when Rekor logged it, against which root; provenance verified', async () => {
  const uri = pathToFileURL(join(dir, 'Dockerfile')).toString();
  const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 0, character: 8 },
  });
  const text = hover.contents.value;
  assert.match(
    text,
    /Signed by: https:\/\/github\.com\/acme\/widget\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.0\.0 \(issuer https:\/\/token\.actions\.githubusercontent\.com\) · an identity your policy trusts/,
  );
  assert.match(
    text,
    /Built from: repository https:\/\/github\.com\/acme\/widget, commit `4f6a1b2c3d4e`, ref refs\/tags\/v1\.0\.0, trigger push/,
  );
  assert.match(text, /Logged in Rekor: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  assert.ok(text.includes(`Verified against: the trusted root ${rootFile.replace(/_/g, '\\_')}`), text);
  assert.match(
    text,
    /Attestation: https:\/\/slsa\.dev\/provenance\/v1: verified, signed by https:\/\/github\.com\/acme\/widget/,
  );
  assert.match(
    text,
    /\*\*Provenance\*\* \(SLSA provenance v1, verified: signed by https:\/\/github\.com\/acme\/widget\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.0\.0 \(issuer https:\/\/token\.actions\.githubusercontent\.com\)\)/,
  );
  assert.match(text, /\| Source \| https:\/\/github\.com\/acme\/widget @ `4f6a1b2c3d4e` \|/);
  const evil = await client.request<{ contents: { value: string } }>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 1, character: 8 },
  });
  assert.match(evil.contents.value, /Signed by: https:\/\/github\.com\/evil\/.* · not an identity your policy trusts/);
});

test('CLI: the same findings with --sigstore-trusted-root; exit 1; a bad root file is exit 2', async () => {
  const env = { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(dir, 'no-docker-config') };
  const run = await runCli(['lint', 'Dockerfile', '--format', 'json', '--sigstore-trusted-root', rootFile], {
    cwd: dir,
    env,
  });
  assert.equal(run.code, 1, run.stderr);
  const findings = (
    JSON.parse(run.stdout) as {
      files: Array<{ findings: Array<{ rule: string; line: number; severity: string; message: string }> }>;
    }
  ).files[0].findings.filter((f) => f.rule === 'untrusted-signature');
  assert.deepEqual(
    findings.map((f) => [f.line, f.severity]),
    [
      [2, 'error'],
      [3, 'error'],
    ],
  );
  assert.match(findings[0].message, /signed by https:\/\/github\.com\/evil\//);
  const bad = await runCli(['lint', 'Dockerfile', '--sigstore-trusted-root', join(dir, 'missing.json')], {
    cwd: dir,
    env,
  });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /cannot read the Sigstore trusted root .*missing\.json/);
});
