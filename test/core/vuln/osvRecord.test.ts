// OSV's evaluation of affected versions, severities, and the report and policy built on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluateAffected,
  readOsvVulnerability,
  severityOf,
  type OsvVulnerability,
} from '../../../server/src/core/vuln/osvRecord';
import type { InstalledPackage } from '../../../server/src/core/vuln/packages';
import {
  buildVulnerabilityReport,
  describeCounts,
  reportableVulnerabilities,
} from '../../../server/src/core/vuln/vulnerabilityReport';

const pkg = (version: string, ecosystem = 'Debian:12', name = 'openssl'): InstalledPackage => ({
  name: `lib${name}`,
  version,
  sourceName: name,
  sourceVersion: version,
  ecosystem,
});
const record = (
  events: Array<Record<string, string>>,
  extra: Partial<OsvVulnerability> = {},
  ecosystem = 'Debian:12',
): OsvVulnerability => ({
  id: 'DEBIAN-CVE-2024-0001',
  modified: '2026-01-01T00:00:00Z',
  affected: [{ package: { ecosystem, name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events }] }],
  ...extra,
});

test('ranges in dpkg order: introduced, fixed, last_affected; the smallest fix above the installed version', () => {
  const r = record([
    { introduced: '0' },
    { fixed: '3.0.13-1~deb12u1' },
    { introduced: '3.1.0-1' },
    { fixed: '3.1.5-1' },
  ]);
  assert.deepEqual(evaluateAffected(r, pkg('3.0.11-1~deb12u2'), false).fixedIn, '3.0.13-1~deb12u1');
  assert.equal(evaluateAffected(r, pkg('3.0.13-1~deb12u1'), false).affected, false);
  assert.equal(evaluateAffected(r, pkg('3.0.13-1~deb12u1~rc1'), false).affected, true, '~ sorts before the fix');
  assert.equal(evaluateAffected(r, pkg('3.1.2-1'), false).fixedIn, '3.1.5-1');
  assert.equal(
    evaluateAffected(record([{ introduced: '1.0' }, { last_affected: '1.4' }]), pkg('1.4'), false).affected,
    true,
  );
  assert.equal(
    evaluateAffected(record([{ introduced: '1.0' }, { last_affected: '1.4' }]), pkg('1.5'), false).affected,
    false,
  );
  const unfixed = evaluateAffected(record([{ introduced: '0' }]), pkg('9.9'), false);
  assert.deepEqual([unfixed.affected, unfixed.fixedIn], [true, undefined]);
});

test('another release, another package or an explicit versions list decide too', () => {
  assert.equal(evaluateAffected(record([{ introduced: '0' }], {}, 'Debian:11'), pkg('1'), false).affected, false);
  assert.equal(evaluateAffected(record([{ introduced: '0' }]), pkg('1', 'Debian:12', 'curl'), false).affected, false);
  const listed: OsvVulnerability = {
    id: 'X',
    modified: '',
    affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, versions: ['3.0.2'] }],
  };
  assert.equal(evaluateAffected(listed, pkg('3.0.2'), false).affected, true);
  assert.equal(evaluateAffected(listed, pkg('3.0.3'), false).affected, false);
  // Alpine ranges in apk order, Ubuntu LTS against the plain release name.
  const apk = record([{ introduced: '0' }, { fixed: '1.36.1-r29' }], {}, 'Alpine:v3.20');
  assert.equal(evaluateAffected(apk, pkg('1.36.1-r28', 'Alpine:v3.20'), false).affected, true);
  assert.equal(evaluateAffected(apk, pkg('1.36.1-r100', 'Alpine:v3.20'), false).affected, false);
  assert.equal(
    evaluateAffected(record([{ introduced: '0' }], {}, 'Ubuntu:22.04'), pkg('1', 'Ubuntu:22.04:LTS'), false).affected,
    true,
  );
});

test('severity: CVSS v3, v4 and v2 scored; GHSA words; Debian urgency; unknown stays unknown; unimportant hidden', () => {
  const sev = (extra: Partial<OsvVulnerability>, urgency?: string) => {
    const r = record([{ introduced: '0' }], extra);
    if (urgency) r.affected![0].ecosystem_specific = { urgency };
    return severityOf(r, r.affected![0]);
  };
  assert.deepEqual(sev({ severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }), {
    severity: 'critical',
    score: 9.8,
    unimportant: false,
  });
  assert.equal(
    sev({ severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }] })
      .score,
    9.3,
  );
  assert.equal(sev({ severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }] }).severity, 'high');
  assert.equal(sev({ database_specific: { severity: 'MODERATE' } }).severity, 'medium');
  assert.equal(sev({}, 'low').severity, 'low');
  assert.equal(sev({}, 'not yet assigned').severity, 'unknown');
  assert.equal(sev({ severity: [{ type: 'CVSS_V3', score: 'garbage' }] }).severity, 'unknown');
  assert.equal(sev({}, 'unimportant').unimportant, true);
  assert.equal(sev({ severity: [{ type: 'Ubuntu', score: 'negligible' }] }).unimportant, true);
});

test('Debian urgency: DEBIAN-CVE records without CVSS take the urgency of the release installed', () => {
  // The shape osv.dev's Debian converter writes (vulnfeeds/cmd/debian): one affected entry per
  // release, the tracker's urgency in ecosystem_specific, no severity[] when NVD has no metrics.
  const debianCve = readOsvVulnerability({
    id: 'DEBIAN-CVE-2024-4444',
    modified: '2026-02-01T00:00:00Z',
    upstream: ['CVE-2024-4444'],
    details: 'An issue in openssl.',
    references: [{ type: 'ADVISORY', url: 'https://security-tracker.debian.org/tracker/CVE-2024-4444' }],
    affected: [11, 12, 13, 14].map((release) => ({
      package: { name: 'openssl', ecosystem: `Debian:${release}` },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.99-1' }] }],
      ecosystem_specific: {
        urgency: { 11: 'unimportant', 12: 'medium**', 13: 'not yet assigned', 14: 'end-of-life' }[release],
      },
    })),
  });
  assert.ok(debianCve);
  const severityFor = (ecosystem: string) => {
    const verdict = evaluateAffected(debianCve, pkg('3.0.1-1', ecosystem), false);
    assert.ok(verdict.affected, ecosystem);
    return severityOf(debianCve, verdict.entry);
  };
  assert.deepEqual(severityFor('Debian:12'), { severity: 'medium', unimportant: false });
  assert.deepEqual(severityFor('Debian:11'), { severity: 'unknown', unimportant: true });
  assert.deepEqual(severityFor('Debian:13'), { severity: 'unknown', unimportant: false });
  assert.deepEqual(severityFor('Debian:14'), { severity: 'unknown', unimportant: false });
  const high = { ...debianCve, affected: [{ ...debianCve.affected![1], ecosystem_specific: { urgency: ' High ' } }] };
  assert.equal(severityOf(high, high.affected[0]).severity, 'high');
  // A CVSS vector (NVD metrics copied by the converter) comes first.
  const scored = { ...high, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] };
  assert.equal(severityOf(scored, scored.affected[0]).severity, 'critical');
  // DSA / DLA records carry neither severity nor urgency: unknown, not low.
  const dsa = readOsvVulnerability({
    id: 'DSA-5678-1',
    modified: '2026-02-01T00:00:00Z',
    upstream: ['CVE-2024-4444'],
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.99-1' }] }],
      },
    ],
  });
  assert.deepEqual(severityOf(dsa!, dsa!.affected![0]), { severity: 'unknown', unimportant: false });
});

test('a withdrawn record affects nothing', () => {
  const r = record([{ introduced: '0' }, { fixed: '3.0.99-1' }]);
  assert.equal(evaluateAffected(r, pkg('3.0.1-1'), false).affected, true);
  assert.equal(evaluateAffected({ ...r, withdrawn: '2026-03-01T00:00:00Z' }, pkg('3.0.1-1'), false).affected, false);
});

test('records that do not have the schema shape are refused', () => {
  assert.equal(readOsvVulnerability({ id: 'X' }), undefined);
  assert.equal(readOsvVulnerability({ id: 'X', modified: 'm', affected: 'all' }), undefined);
  assert.equal(readOsvVulnerability({ id: 'X', modified: 'm', affected: [{ ranges: [{ events: 'e' }] }] }), undefined);
  assert.ok(readOsvVulnerability({ id: 'X', modified: 'm', affected: [] }));
});

test('report and policy: one entry per advisory and source package; threshold, fixableOnly, ignore by alias', () => {
  const critical = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' };
  const records: OsvVulnerability[] = [
    { ...record([{ introduced: '0' }, { fixed: '2' }]), id: 'DEBIAN-CVE-1', upstream: ['CVE-1'], severity: [critical] },
    { ...record([{ introduced: '0' }]), id: 'DEBIAN-CVE-2', upstream: ['CVE-2'], severity: [critical] },
    { ...record([{ introduced: '0' }, { fixed: '2' }]), id: 'DEBIAN-CVE-3', upstream: ['CVE-3'] },
  ];
  const report = buildVulnerabilityReport(
    {
      packages: [pkg('1'), { ...pkg('1'), name: 'openssl' }, { ...pkg('1'), ecosystem: undefined, name: 'x' }],
      source: 'layers',
      notes: [],
    },
    () => records,
    { database: 'test', asOf: 0, trustMatch: false },
  );
  assert.deepEqual(
    report.vulnerabilities.map((v) => [v.id, v.packages.join('+'), v.severity]),
    [
      ['DEBIAN-CVE-1', 'libopenssl+openssl', 'critical'],
      ['DEBIAN-CVE-2', 'libopenssl+openssl', 'critical'],
      ['DEBIAN-CVE-3', 'libopenssl+openssl', 'unknown'],
    ],
  );
  assert.equal(report.unmatchedPackages, 1);
  const ids = (policy: Parameters<typeof reportableVulnerabilities>[1]) =>
    reportableVulnerabilities(report, policy).map((v) => v.id);
  assert.deepEqual(ids({ minSeverity: 'high', fixableOnly: true, ignore: [] }), ['DEBIAN-CVE-1']);
  assert.deepEqual(ids({ minSeverity: 'high', fixableOnly: false, ignore: [] }), ['DEBIAN-CVE-1', 'DEBIAN-CVE-2']);
  assert.deepEqual(ids({ minSeverity: 'low', fixableOnly: false, ignore: [{ id: 'cve-2', reason: 'r' }] }), [
    'DEBIAN-CVE-1',
    'DEBIAN-CVE-3',
  ]);
  assert.equal(describeCounts(report.vulnerabilities), '2 critical and 1 of unknown severity');
});
