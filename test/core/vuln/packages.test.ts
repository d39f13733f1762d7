// Package databases, SBOMs and OS releases → what OSV is asked about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  osvEcosystemFor,
  parseApkInstalled,
  parseDpkgStatus,
  parseOsRelease,
} from '../../../server/src/core/vuln/packages';
import { parseSpdxStatement } from '../../../server/src/core/vuln/spdxSbom';
import { parsePackageUrl } from '../../../server/src/core/vuln/purl';

test("this machine's real dpkg status: installed packages only, source names and binNMU source versions", () => {
  const text = readFileSync('/var/lib/dpkg/status', 'utf8');
  const packages = parseDpkgStatus(text, 'Debian:12');
  const installed = text.split('\n\n').filter((p) => /^Status: .* installed$/m.test(p)).length;
  assert.equal(packages.length, installed);
  const libssl = packages.find((p) => p.name === 'libssl3');
  assert.equal(libssl?.sourceName, 'openssl');
  assert.equal(libssl?.ecosystem, 'Debian:12');
  const bash = packages.find((p) => p.name === 'bash')!;
  const source = /^Package: bash\n(?:.+\n)*?Source: bash \((.+)\)$/m.exec(text);
  if (source) {
    assert.notEqual(bash.version, source[1]);
    assert.equal(bash.sourceVersion, source[1]);
  }
});

test('dpkg: removed packages are skipped, distroless status.d files (no Status) are kept', () => {
  const text =
    'Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n\nPackage: here\nStatus: install ok installed\nVersion: 2.0\nSource: upstream-src\nDescription: a\n multi-line\n .\n text\n';
  assert.deepEqual(
    parseDpkgStatus(text).map((p) => [p.name, p.sourceName, p.sourceVersion]),
    [['here', 'upstream-src', '2.0']],
  );
  assert.deepEqual(
    parseDpkgStatus('Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n').map((p) => p.name),
    ['libc6'],
  );
});

test('apk installed database: P, V and the origin as the source package', () => {
  const text =
    'P:busybox\nV:1.36.1-r28\no:busybox\n\nP:ssl_client\nV:1.36.1-r28\no:busybox\nF:usr/bin\nR:ssl_client\n\nP:musl\nV:1.2.5-r0\n';
  assert.deepEqual(
    parseApkInstalled(text, 'Alpine:v3.20').map((p) => `${p.name}<${p.sourceName}@${p.sourceVersion}>${p.ecosystem}`),
    [
      'busybox<busybox@1.36.1-r28>Alpine:v3.20',
      'ssl_client<busybox@1.36.1-r28>Alpine:v3.20',
      'musl<musl@1.2.5-r0>Alpine:v3.20',
    ],
  );
});

test('os-release → OSV ecosystem with the release (Debian:12, Alpine:v3.20, Ubuntu LTS)', () => {
  const eco = (text: string) => osvEcosystemFor(parseOsRelease(text)!);
  assert.equal(eco(readFileSync('/etc/os-release', 'utf8')), 'Debian:12');
  assert.equal(eco('ID=alpine\nVERSION_ID=3.20.3\n'), 'Alpine:v3.20');
  assert.equal(eco('ID=ubuntu\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\n'), 'Ubuntu:22.04:LTS');
  assert.equal(eco('ID=ubuntu\nVERSION_ID="23.10"\nVERSION="23.10 (Mantic Minotaur)"\n'), 'Ubuntu:23.10');
  assert.equal(eco('ID=debian\nVERSION_CODENAME=trixie\n'), 'Debian:13');
  assert.equal(eco('ID=fedora\nVERSION_ID=40\n'), undefined);
  assert.equal(parseOsRelease('NAME=x\n'), undefined);
});

test('SPDX statements (in-toto v0.1 and v1): distro purls become source queries; syft distro qualifiers are mapped', () => {
  for (const type of ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1']) {
    const result = parseSpdxStatement({
      _type: type,
      predicateType: 'https://spdx.dev/Document',
      predicate: {
        packages: [
          { name: 'debian', versionInfo: '12', primaryPackagePurpose: 'OPERATING-SYSTEM' },
          {
            name: 'libssl3',
            externalRefs: [
              {
                referenceType: 'purl',
                referenceLocator:
                  'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12',
              },
            ],
          },
          {
            name: 'libc-bin',
            externalRefs: [
              {
                referenceType: 'purl',
                referenceLocator:
                  'pkg:deb/debian/libc-bin@2.36-9%2Bdeb12u4?upstream=glibc%402.36-9%2Bdeb12u4&distro=debian-12',
              },
            ],
          },
          {
            name: 'busybox',
            externalRefs: [
              {
                referenceType: 'purl',
                referenceLocator: 'pkg:apk/alpine/busybox@1.35.0-r17?arch=x86_64&upstream=busybox&distro=alpine-3.17.3',
              },
            ],
          },
          {
            name: 'left-pad',
            externalRefs: [{ referenceType: 'purl', referenceLocator: 'pkg:npm/%40scope/left-pad@1.3.0' }],
          },
          { name: 'nothing', externalRefs: [] },
        ],
      },
    });
    assert.ok(result.ok);
    assert.equal(result.distro, 'debian 12');
    assert.equal(result.skipped, 1);
    assert.deepEqual(
      result.packages.map((p) => `${p.ecosystem}|${p.sourceName}|${p.sourceVersion}`),
      [
        'Debian:12|openssl|3.0.11-1~deb12u2',
        'Debian:12|glibc|2.36-9+deb12u4',
        'Alpine:v3.17|busybox|1.35.0-r17',
        'npm|@scope/left-pad|1.3.0',
      ],
    );
  }
});

test('SBOMs that are not what they claim are refused with a reason, never thrown', () => {
  for (const bad of [
    null,
    'text',
    { _type: 'x' },
    { _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/provenance/v1', predicate: {} },
    {
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://spdx.dev/Document',
      predicate: { packages: 'many' },
    },
  ]) {
    const r = parseSpdxStatement(bad);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.reason.length > 10);
  }
});

test('purls: namespaces, qualifiers and encoded versions', () => {
  assert.deepEqual(parsePackageUrl('pkg:docker/127.0.0.1:5000/team/debian@12.7?platform=linux%2Famd64'), {
    type: 'docker',
    namespace: '127.0.0.1:5000/team',
    name: 'debian',
    version: '12.7',
    qualifiers: { platform: 'linux/amd64' },
  });
  assert.equal(parsePackageUrl('not a purl'), undefined);
});
