// The bundled server over stdio, the way an editor starts it: vulnerable-image and stale-base
// diagnostics, and the hover's "Vulnerabilities" and "Provenance" sections, against a real
// registry and a local OSV API given as a machine setting; an OSV failure shows in the status.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient, type PublishedDiagnostics } from '../support/lspClient';
import { OLD_OPENSSL, startVulnWorld, type VulnWorld } from './vulnFixture';

let world: VulnWorld;
let client: LspTestClient;

before(async () => {
  world = await startVulnWorld();
  client = await LspTestClient.start({
    initializationOptions: { settings: {}, machineSettings: { osvUrl: world.osv.url } },
    configuration: {},
    rootPath: world.dir,
  });
});
after(async () => {
  await client?.stop();
  await world?.stop();
});

const hasRule = (rule: string, line: number) => (d: PublishedDiagnostics) =>
  d.diagnostics.some((x) => x.code === rule && x.range.start.line === line);

async function hover(uri: string, line: number): Promise<string> {
  const answer = await client.request<{ contents: { value: string } }>('textDocument/hover', {
    textDocument: { uri },
    position: { line, character: 8 },
  });
  return answer.contents.value;
}

test('diagnostics and hover sections for a vulnerable image and an SBOM-only image built on a moved base', async () => {
  const path = join(world.dir, 'Dockerfile');
  const text = `FROM ${world.host}/team/debian:12.7\nFROM ${world.host}/team/sbom:1.0\n`;
  writeFileSync(path, text);
  const uri = pathToFileURL(path).toString();
  client.open(uri, 'dockerfile', text);
  const published = await client.diagnosticsFor(
    uri,
    (d) => hasRule('vulnerable-image', 0)(d) && hasRule('stale-base', 1)(d),
    120_000,
  );
  const vulnerable = published.diagnostics.find((d) => d.code === 'vulnerable-image' && d.range.start.line === 0)!;
  assert.equal(vulnerable.severity, 2);
  assert.match(vulnerable.message, /1 critical and 1 high known vulnerabilities with fixes/);
  assert.equal(published.diagnostics.find((d) => d.code === 'stale-base')!.severity, 3);

  const debian = await hover(uri, 0);
  assert.match(debian, /\*\*Vulnerabilities\*\* \(linux\/amd64\)/);
  assert.match(debian, /1 critical · 2 high · 0 medium · 0 low · 0 unknown · 2 with a fix, 1 without/);
  assert.match(
    debian,
    /\| \[CVE-2024-1111\]\(https:\/\/osv\.dev\/vulnerability\/DEBIAN-CVE-2024-1111\) \| openssl \| `3\.0\.11-1~deb12u2` \| `3\.0\.13-1~deb12u1` \| critical 9\.8 \|/,
  );
  assert.match(debian, /`12\.9` fixes the ones your policy reports\./);
  assert.match(
    debian,
    /packages \(debian 12\) from the package database read from the image's layers; advisories from OSV \(127\.0\.0\.1:\d+\) as of \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
  );
  assert.match(debian, /\*\*Provenance\*\*: none published/);

  const sbom = await hover(uri, 1);
  assert.match(sbom, /from the SBOM attestation/);
  assert.ok(sbom.includes(`\`${OLD_OPENSSL}\``));
  assert.match(sbom, /\*\*Provenance\*\* \(SLSA provenance v1, unsigned attestation\)/);
  assert.match(sbom, /\| Source \| https:\/\/github\.com\/acme\/app\.git @ `c0ffee000000` \|/);
  assert.match(sbom, /\| Builder \| https:\/\/github\.com\/acme\/app\/actions\/runs\/1 \|/);
  assert.match(sbom, /\| Dockerfile \| build\/Dockerfile \|/);
  assert.match(
    sbom,
    /\| Built on \| .*team\/debian:12\.7 `sha256:abababababab…` \(the tag has moved since: now `sha256:/,
  );
  assert.doesNotMatch(sbom, /dockerfile@1|docker\/dockerfile/, 'the Dockerfile frontend is not a base');

  // "Update to…" counts what each newer tag carries, as the policy reports it.
  const options = await client.request<{
    candidates: Array<{ tag: string; vulnerabilities?: Record<string, number> }>;
  }>('imageTrust/updateOptions', { textDocument: { uri }, position: { line: 0, character: 8 } });
  const counts = Object.fromEntries(options.candidates.map((c) => [c.tag, c.vulnerabilities]));
  assert.deepEqual(counts, {
    '12.9': { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, fixable: 0 },
    '12.8': { critical: 0, high: 1, medium: 0, low: 0, unknown: 0, fixable: 1 },
  });
});

test('OSV failing shows in the status, and the other diagnostics stay', async () => {
  world.osv.mode = 'down';
  try {
    const path = join(world.dir, 'osv-down', 'Dockerfile');
    const text = `FROM ${world.host}/team/alpine:3.20.1\n`;
    const uri = pathToFileURL(path).toString();
    client.open(uri, 'dockerfile', text);
    const published = await client.diagnosticsFor(uri, hasRule('unpinned-digest', 0), 120_000);
    const status = await client.waitFor(
      () =>
        client.notifications
          .filter((n) => n.method === 'imageTrust/status')
          .map((n) => n.params as { unreachable: Array<{ registry: string; message: string }> })
          .find((p) => p.unreachable.some((u) => u.registry.startsWith('OSV (127.0.0.1:'))),
      120_000,
      'a status naming OSV',
    );
    assert.match(
      status.unreachable.find((u) => u.registry.startsWith('OSV'))!.message,
      /could not be reached|closed|reset/i,
    );
    assert.ok(!published.diagnostics.some((d) => d.code === 'vulnerable-image'));
  } finally {
    world.osv.mode = 'ok';
  }
});
