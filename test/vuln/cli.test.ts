// The CLI against a real registry and a local OSV API: vulnerable-image and stale-base in JSON and
// SARIF, the policy's vulnerabilities section, platforms, distroless, Alpine, SBOM-only images,
// OSV failures said once, a warm run with no request, and the offline export database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/runCli';
import { startVulnWorld, type VulnWorld } from './vulnFixture';

let world: VulnWorld;
let dir: string;

before(async () => {
  world = await startVulnWorld();
  dir = world.dir;
});
after(async () => {
  await world?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface JsonFinding {
  rule: string;
  severity: string;
  line: number;
  message: string;
  fixes: Array<{ replacement: string; title: string }>;
  vulnerabilities?: string[];
}

function project(name: string, dockerfile: string, policy?: string): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'Dockerfile'), dockerfile);
  if (policy) writeFileSync(join(folder, '.image-trust.yaml'), policy);
  return folder;
}

async function lint(folder: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = await runCli(
    ['lint', '--format', 'json', '--fail-on', 'never', '--osv-url', world.osv.url, ...extra, '.'],
    {
      cwd: folder,
      env: { IMAGE_TRUST_CACHE_DIR: '', ...env },
    },
  );
  assert.equal(r.code, 0, r.stderr);
  const findings = (JSON.parse(r.stdout).files[0]?.findings ?? []) as JsonFinding[];
  return {
    findings,
    stderr: r.stderr,
    of: (rule: string, line: number) => findings.filter((f) => f.rule === rule && f.line === line),
  };
}

test('a vulnerable tag: counts, worst ids, and the nearest tag of the variant that fixes them all', async () => {
  const folder = project(
    'debian',
    `FROM ${world.host}/team/debian:12.7\nFROM --platform=linux/arm64 ${world.host}/team/debian:12.7\n`,
  );
  const { of, stderr } = await lint(folder);
  const [finding] = of('vulnerable-image', 1);
  assert.ok(finding, stderr);
  assert.equal(finding.severity, 'warning');
  assert.equal(
    finding.message,
    `${world.host}/team/debian:12.7 has 1 critical and 1 high known vulnerabilities with fixes (CVE-2024-1111 in openssl, CVE-2024-2222 in openssl); ${world.host}/team/debian:12.9 fixes all of them.`,
  );
  // 12.8 fixes the critical one only, so the nearest full fix is 12.9.
  assert.deepEqual(
    finding.fixes.map((f) => f.replacement),
    [`${world.host}/team/debian:12.9`],
  );
  // Debian's "unimportant" advisory and the unfixed bash one are not reported by default.
  assert.deepEqual(finding.vulnerabilities, ['DEBIAN-CVE-2024-1111', 'DEBIAN-CVE-2024-2222']);
  // The arm64 image of the same tag has the fixed openssl.
  assert.deepEqual(of('vulnerable-image', 2), []);
});

test('SARIF results carry the vulnerability ids', async () => {
  const folder = project('sarif', `FROM ${world.host}/team/debian:12.8\n`);
  const r = await runCli(['lint', '--format', 'sarif', '--fail-on', 'never', '--osv-url', world.osv.url, '.'], {
    cwd: folder,
    env: { IMAGE_TRUST_CACHE_DIR: '' },
  });
  const results = JSON.parse(r.stdout).runs[0].results as Array<{
    ruleId: string;
    properties?: { vulnerabilityIds?: string[] };
    message: { text: string };
  }>;
  const result = results.find((x) => x.ruleId === 'vulnerable-image');
  assert.ok(result, r.stdout);
  assert.deepEqual(result.properties?.vulnerabilityIds, ['DEBIAN-CVE-2024-2222']);
  assert.match(
    result.message.text,
    /1 high known vulnerability with fixes \(CVE-2024-2222 in openssl\); .*team\/debian:12\.9 fixes it\./,
  );
});

test('policy: fixableOnly false, a lower threshold and an ignore list; the binNMU source version matches', async () => {
  const folder = project(
    'policy',
    `FROM ${world.host}/team/debian:12.7\n`,
    'vulnerabilities:\n  minSeverity: medium\n  fixableOnly: false\n  ignore:\n    - id: CVE-2024-1111\n      reason: not reachable in our use\n',
  );
  const [finding] = (await lint(folder)).of('vulnerable-image', 1);
  assert.ok(finding);
  // bash is installed as 5.2.15-2+b8; OSV lists its source version, and the match is made on that.
  assert.deepEqual(finding.vulnerabilities, ['DEBIAN-CVE-2024-2222', 'DEBIAN-CVE-2024-3333']);
  assert.match(
    finding.message,
    /has 2 high known vulnerabilities \(CVE-2024-2222 in openssl, CVE-2024-3333 in bash\); none of the nearest newer tags \(12\.8, 12\.9\) fixes them yet\./,
  );
  assert.deepEqual(finding.fixes, []);
});

test('a bad vulnerabilities policy is reported with its line, and the run stops', async () => {
  const folder = project(
    'badpolicy',
    'FROM scratch\n',
    'vulnerabilities:\n  minSeverity: severe\n  fixableOnly: maybe\n',
  );
  const r = await runCli(['lint', '.'], { cwd: folder, env: { IMAGE_TRUST_CACHE_DIR: '' } });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /\.image-trust\.yaml:2:16: vulnerabilities\.minSeverity must be one of critical, high, medium, low, not "severe"\./,
  );
  assert.match(r.stderr, /\.image-trust\.yaml:3:16: vulnerabilities\.fixableOnly must be true or false\./);
});

test('distroless status.d, Alpine apk and an SBOM-only image (whose layers are never downloaded)', async () => {
  const folder = project(
    'kinds',
    `FROM ${world.host}/team/distroless:1.0\nFROM ${world.host}/team/alpine:3.20.1\nFROM ${world.host}/team/sbom:1.0\n`,
  );
  world.registry.resetLog();
  const { of, stderr } = await lint(folder);
  assert.deepEqual(
    of('vulnerable-image', 1)[0]?.vulnerabilities,
    ['DEBIAN-CVE-2024-1111', 'DEBIAN-CVE-2024-2222'],
    stderr,
  );
  assert.deepEqual(of('vulnerable-image', 2)[0]?.vulnerabilities, ['ALPINE-CVE-2024-5555']);
  assert.match(
    of('vulnerable-image', 2)[0].message,
    /1 critical known vulnerability with fixes \(CVE-2024-5555 in busybox\); no newer tag of the same variant exists yet\./,
  );
  assert.deepEqual(of('vulnerable-image', 3)[0]?.vulnerabilities, ['DEBIAN-CVE-2024-1111', 'DEBIAN-CVE-2024-2222']);
  const sbomLayers = world.images['sbom:1.0'].layerDigests['linux/amd64'];
  const blobGets = world.registry.log.filter((r) => r.kind === 'blobGet').map((r) => r.path);
  assert.ok(
    blobGets.some((p) => p.includes('/team/sbom/blobs/')),
    'the SBOM blob is read',
  );
  for (const layer of sbomLayers)
    assert.ok(!blobGets.some((p) => p.endsWith(layer)), 'no layer of the SBOM image is downloaded');
  // The SBOM image's provenance says it was built on a 12.7 that the tag no longer points to.
  const [stale] = of('stale-base', 3);
  assert.ok(stale, 'stale-base');
  assert.equal(stale.severity, 'info');
  assert.match(
    stale.message,
    new RegExp(
      `built on an older base: ${world.host.replace(/\./g, '\\.')}/team/debian:12\\.7 \\(sha256:abababababab…, now sha256:`,
    ),
  );
});

test("provenance on today's base (SLSA v0.2, legacy form) and from OCI annotations: no stale-base", async () => {
  const folder = project('fresh', `FROM ${world.host}/team/app:2.0\nFROM ${world.host}/team/annotated:1.0\n`);
  const { findings } = await lint(folder);
  assert.deepEqual(
    findings.filter((f) => f.rule === 'stale-base'),
    [],
  );
  assert.deepEqual(
    findings.filter((f) => f.rule === 'vulnerable-image'),
    [],
  );
});

test('OSV down, lying or oversized: the other findings still come and the failure is said once', async () => {
  const folder = project('down', `FROM ${world.host}/team/debian:12.7\nFROM ${world.host}/team/alpine:3.20.1\n`);
  for (const [mode, said] of [
    ['down', /could not be reached/],
    ['lying', /not OSV's documented shape/],
    ['huge', /sent more than 32 MiB; refusing to read it/],
  ] as const) {
    world.osv.mode = mode;
    try {
      const { findings, stderr } = await lint(folder);
      assert.deepEqual(
        findings.filter((f) => f.rule === 'vulnerable-image'),
        [],
        mode,
      );
      assert.ok(
        findings.some((f) => f.rule === 'unpinned-digest'),
        `${mode}: the other rules still report`,
      );
      const lines = stderr.split('\n').filter((l) => l.includes(`OSV (127.0.0.1:`));
      assert.equal(lines.length, 1, `${mode}: said once\n${stderr}`);
      assert.match(lines[0], said);
    } finally {
      world.osv.mode = 'ok';
    }
  }
});

test('a warm run makes no request to the registry nor to OSV', async () => {
  const folder = project('warm', `FROM ${world.host}/team/debian:12.7\nFROM ${world.host}/team/sbom:1.0\n`);
  const cache = mkdtempSync(join(dir, 'cache-'));
  const cold = await lint(folder, [], { IMAGE_TRUST_CACHE_DIR: cache });
  assert.equal(cold.of('vulnerable-image', 1).length, 1);
  world.registry.resetLog();
  const osvBefore = world.osv.log.length;
  const warm = await lint(folder, [], { IMAGE_TRUST_CACHE_DIR: cache });
  assert.deepEqual(warm.findings, cold.findings);
  assert.deepEqual(
    world.registry.log.map((r) => `${r.method} ${r.path}`),
    [],
  );
  assert.deepEqual(world.osv.log.slice(osvBefore), []);
});

test('vulndb update downloads the exports of the ecosystems the images use; then only the records changed since', async () => {
  const db = mkdtempSync(join(dir, 'db-'));
  const folder = project('offline-db', `FROM ${world.host}/team/debian:12.7\nFROM ${world.host}/team/alpine:3.20.1\n`);
  const update = (...extra: string[]) =>
    runCli(['vulndb', 'update', '--vuln-db', db, '--osv-data-url', world.osv.url, ...extra], {
      cwd: folder,
      env: { IMAGE_TRUST_CACHE_DIR: '' },
    });
  const exportRequests = () => world.osv.log.filter((l) => !l.includes('/v1/'));
  world.osv.log.splice(0);
  const first = await update();
  assert.equal(first.code, 0, first.stderr);
  // Detected from the images' releases (read from their layers), and said.
  assert.match(
    first.stderr,
    new RegExp(`Debian: used by Debian:12 in ${world.host}/team/debian:12\\.7 \\(linux/amd64\\)`),
  );
  assert.match(first.stderr, new RegExp(`Alpine: used by Alpine:v3\\.20 in ${world.host}/team/alpine:3\\.20\\.1`));
  assert.match(first.stderr, /Debian: \d+ bytes/);
  assert.deepEqual(
    exportRequests()
      .filter((l) => l.endsWith('all.zip'))
      .sort(),
    ['GET /Alpine/all.zip', 'GET /Debian/all.zip'],
  );
  // A record changed after the download: the next update reads the list of changes and fetches
  // that record alone, not the whole export.
  world.osv.put({
    id: 'DEBIAN-CVE-2024-7777',
    modified: new Date().toISOString(),
    upstream: ['CVE-2024-7777'],
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.15-1~deb12u1' }] }],
      },
    ],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  });
  world.osv.log.splice(0);
  const second = await update();
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /Debian: 1 record changed since the last update/);
  assert.match(second.stderr, /Alpine: 0 records changed since the last update/);
  assert.deepEqual(exportRequests().sort(), [
    'GET /Alpine/modified_id.csv',
    'GET /Debian/DEBIAN-CVE-2024-7777.json',
    'GET /Debian/modified_id.csv',
  ]);
  // Named ecosystems (--ecosystem, or the older bare names) are taken as given.
  world.osv.log.splice(0);
  const named = await update('--ecosystem', 'Ubuntu');
  assert.equal(named.code, 0, named.stderr);
  assert.doesNotMatch(named.stderr, /used by/);
  assert.deepEqual(
    exportRequests().filter((l) => l.endsWith('all.zip')),
    ['GET /Ubuntu/all.zip'],
  );
  world.osv.log.splice(0);
  const bare = await update('Alpine');
  assert.equal(bare.code, 0, bare.stderr);
  assert.match(bare.stderr, /taking Alpine as ecosystem names \(use --ecosystem NAME\)/);
  assert.deepEqual(exportRequests(), ['GET /Alpine/modified_id.csv']);
  const before = world.osv.log.length;
  // A dead OSV URL: the exports must be the only source.
  const { of, stderr } = await lint(folder, ['--vuln-db', db, '--osv-url', 'http://127.0.0.1:9']);
  assert.deepEqual(
    of('vulnerable-image', 1)[0]?.vulnerabilities,
    // The changed record (critical) comes from the update laid over the zip.
    ['DEBIAN-CVE-2024-1111', 'DEBIAN-CVE-2024-7777', 'DEBIAN-CVE-2024-2222'],
    stderr,
  );
  assert.deepEqual(of('vulnerable-image', 2)[0]?.vulnerabilities, ['ALPINE-CVE-2024-5555']);
  assert.deepEqual(world.osv.log.slice(before), []);
});
