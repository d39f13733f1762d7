// The world of the vulnerability tests: a real registry holding Debian-, distroless-, Alpine- and
// SBOM-only images with real package databases and BuildKit attestations, and a local OSV API.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOsvServer, type OsvFixture, type OsvFixtureData } from '../support/osvServer';
import { startRegistry, type TestRegistry } from '../support/registry';
import {
  ALPINE_OS_RELEASE,
  apkInstalled,
  DEBIAN_12_OS_RELEASE,
  debianLayers,
  dpkgStatusWithOpenssl,
  gzipLayer,
  pushPackagedImage,
  REAL_DPKG_STATUS,
  spdxDocument,
  type PushedPackagedImage,
} from '../support/vulnImages';

export const OLD_OPENSSL = '3.0.11-1~deb12u2';
export const MID_OPENSSL = '3.0.13-1~deb12u1';
/** What this machine has installed (the real status file is used as is for the fixed tag). */
export const NEW_OPENSSL = /^Package: libssl3\n(?:.+\n)*?Version: (.+)$/m.exec(REAL_DPKG_STATUS)![1];
/** bash is a binNMU here (`5.2.15-2+b8`): OSV lists the source version `5.2.15-2`. */
export const BASH_SOURCE_VERSION =
  /^Package: bash\n(?:.+\n)*?Source: bash \((.+)\)$/m.exec(REAL_DPKG_STATUS)?.[1] ?? '';
export const OLDER_BASE_DIGEST = `sha256:${'ab'.repeat(32)}`;

const cvss = (score: string) => [{ type: 'CVSS_V3', score }];
const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
const HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'; // 7.5

function debianRecord(
  id: string,
  name: string,
  events: Array<Record<string, string>>,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    modified: '2026-11-01T00:00:00Z',
    upstream: [id.replace(/^DEBIAN-/, '')],
    summary: `${name} issue ${id}`,
    affected: [
      {
        package: { ecosystem: 'Debian:12', name, purl: `pkg:deb/debian/${name}?arch=source` },
        ranges: [{ type: 'ECOSYSTEM', events }],
        ecosystem_specific: { urgency: (extra.urgency as string) ?? 'not yet assigned' },
      },
      // Another release's entry must never match a Debian 12 image.
      { package: { ecosystem: 'Debian:11', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] },
    ],
    ...(extra.severity ? { severity: extra.severity } : {}),
  };
}

export const OSV_DATA: OsvFixtureData = {
  records: [
    debianRecord('DEBIAN-CVE-2024-1111', 'openssl', [{ introduced: '0' }, { fixed: MID_OPENSSL }], {
      severity: cvss(CRITICAL),
    }),
    debianRecord('DEBIAN-CVE-2024-2222', 'openssl', [{ introduced: '0' }, { fixed: '3.0.15-1~deb12u1' }], {
      severity: cvss(HIGH),
    }),
    debianRecord('DEBIAN-CVE-2024-3333', 'bash', [{ introduced: '0' }], { urgency: 'high' }),
    debianRecord('DEBIAN-CVE-2024-4444', 'openssl', [{ introduced: '0' }, { fixed: '3.0.15-1~deb12u1' }], {
      urgency: 'unimportant',
      severity: cvss(CRITICAL),
    }),
    {
      id: 'ALPINE-CVE-2024-5555',
      modified: '2026-10-01T00:00:00Z',
      upstream: ['CVE-2024-5555'],
      affected: [
        {
          package: { ecosystem: 'Alpine:v3.20', name: 'busybox' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.36.1-r29' }] }],
        },
      ],
      severity: cvss(CRITICAL),
    },
  ],
  affects: {
    [`Debian:12|openssl|${OLD_OPENSSL}`]: ['DEBIAN-CVE-2024-1111', 'DEBIAN-CVE-2024-2222', 'DEBIAN-CVE-2024-4444'],
    [`Debian:12|openssl|${MID_OPENSSL}`]: ['DEBIAN-CVE-2024-2222', 'DEBIAN-CVE-2024-4444'],
    [`Debian:12|bash|${BASH_SOURCE_VERSION}`]: ['DEBIAN-CVE-2024-3333'],
    'Alpine:v3.20|busybox|1.36.1-r28': ['ALPINE-CVE-2024-5555'],
  },
};

export interface VulnWorld {
  registry: TestRegistry;
  osv: OsvFixture;
  host: string;
  images: Record<string, PushedPackagedImage>;
  dir: string;
  stop(): Promise<void>;
}

export async function startVulnWorld(): Promise<VulnWorld> {
  const registry = await startRegistry();
  const osv = await startOsvServer(OSV_DATA);
  const images: Record<string, PushedPackagedImage> = {};
  const arm = { layers: await debianLayers(REAL_DPKG_STATUS) };
  images['debian:12.7'] = await pushPackagedImage(registry, 'team/debian', '12.7', {
    'linux/amd64': { layers: await debianLayers(dpkgStatusWithOpenssl(OLD_OPENSSL)) },
    'linux/arm64': arm,
  });
  images['debian:12.8'] = await pushPackagedImage(registry, 'team/debian', '12.8', {
    'linux/amd64': { layers: await debianLayers(dpkgStatusWithOpenssl(MID_OPENSSL)) },
    'linux/arm64': arm,
  });
  images['debian:12.9'] = await pushPackagedImage(registry, 'team/debian', '12.9', {
    'linux/amd64': { layers: await debianLayers(REAL_DPKG_STATUS) },
    'linux/arm64': arm,
  });
  const opensslParagraph = (version: string) =>
    `Package: libssl3\nVersion: ${version}\nArchitecture: amd64\nSource: openssl\nMaintainer: Debian OpenSSL Team\nDescription: Secure Sockets Layer toolkit - shared libraries\n`;
  images['distroless:1.0'] = await pushPackagedImage(registry, 'team/distroless', '1.0', {
    'linux/amd64': {
      layers: [
        await gzipLayer([
          { name: 'etc/os-release', content: DEBIAN_12_OS_RELEASE },
          {
            name: 'var/lib/dpkg/status.d/base-files',
            content: 'Package: base-files\nVersion: 12.4+deb12u8\nArchitecture: amd64\n',
          },
          {
            name: 'var/lib/dpkg/status.d/base-files.md5sums',
            content: 'd41d8cd98f00b204e9800998ecf8427e  etc/debian_version\n',
          },
        ]),
        await gzipLayer([{ name: 'var/lib/dpkg/status.d/libssl3', content: opensslParagraph(OLD_OPENSSL) }]),
      ],
    },
  });
  images['alpine:3.20.1'] = await pushPackagedImage(registry, 'team/alpine', '3.20.1', {
    'linux/amd64': {
      layers: [
        await gzipLayer([
          { name: 'etc/os-release', content: ALPINE_OS_RELEASE },
          { name: 'etc/alpine-release', content: '3.20.3\n' },
          {
            name: 'lib/apk/db/installed',
            content: apkInstalled([
              { name: 'busybox', version: '1.36.1-r28' },
              { name: 'ssl_client', version: '1.36.1-r28', origin: 'busybox' },
              { name: 'musl', version: '1.2.5-r0' },
            ]),
          },
        ]),
      ],
    },
  });
  // SBOM only: the layers hold no package database, the SBOM and SLSA v1 provenance say it all.
  images['sbom:1.0'] = await pushPackagedImage(
    registry,
    'team/sbom',
    '1.0',
    {
      'linux/amd64': {
        layers: [await gzipLayer([{ name: 'app/server', content: 'binary' }])],
        attestations: [
          {
            type: 'v1',
            predicateType: 'https://spdx.dev/Document',
            predicate: spdxDocument(
              [
                {
                  name: 'libssl3',
                  version: OLD_OPENSSL,
                  purl: `pkg:deb/debian/libssl3@${encodeURIComponent(OLD_OPENSSL)}?arch=amd64&upstream=openssl&distro=debian-12`,
                },
                {
                  name: 'tzdata',
                  version: '2024a-0+deb12u1',
                  purl: 'pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12',
                },
              ],
              { name: 'debian', version: '12' },
            ),
          },
          {
            type: 'v1',
            predicateType: 'https://slsa.dev/provenance/v1',
            predicate: {
              buildDefinition: {
                buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
                externalParameters: {
                  configSource: {
                    uri: 'https://github.com/acme/app.git#refs/tags/v1.0',
                    digest: { sha1: 'c0ffee0000000000000000000000000000000001' },
                    path: 'build/Dockerfile',
                  },
                },
                resolvedDependencies: [
                  {
                    uri: `pkg:docker/${registry.host}/team/debian@12.7?platform=linux%2Famd64`,
                    digest: { sha256: OLDER_BASE_DIGEST.slice(7) },
                  },
                  { uri: 'pkg:docker/docker/dockerfile@1?platform=linux%2Famd64', digest: { sha256: 'cd'.repeat(32) } },
                ],
              },
              runDetails: { builder: { id: 'https://github.com/acme/app/actions/runs/1' }, metadata: {} },
            },
          },
        ],
      },
    },
    'artifact',
  );
  // SLSA v0.2 in the legacy form, built on today's base: no stale-base.
  images['app:2.0'] = await pushPackagedImage(registry, 'team/app', '2.0', {
    'linux/amd64': {
      layers: [await gzipLayer([{ name: 'app/server', content: 'binary 2' }])],
      attestations: [
        {
          predicateType: 'https://slsa.dev/provenance/v0.2',
          predicate: {
            builder: { id: 'https://github.com/acme/app/actions/runs/2' },
            buildType: 'https://mobyproject.org/buildkit@v1',
            invocation: {
              configSource: {
                uri: 'https://github.com/acme/app.git',
                digest: { sha1: 'beef000000000000000000000000000000000002' },
                entryPoint: 'Dockerfile',
              },
            },
            materials: [
              {
                uri: `pkg:docker/${registry.host}/team/debian@12.9?platform=linux%2Famd64`,
                digest: { sha256: images['debian:12.9'].digest.slice(7) },
              },
            ],
          },
        },
      ],
    },
  });
  images['annotated:1.0'] = await pushPackagedImage(registry, 'team/annotated', '1.0', {
    'linux/amd64': {
      layers: [await gzipLayer([{ name: 'app/run', content: 'x' }])],
      entryAnnotations: {
        'org.opencontainers.image.source': 'https://github.com/docker-library/debian.git',
        'org.opencontainers.image.revision': '1234567890abcdef1234567890abcdef12345678',
        'org.opencontainers.image.base.name': `${registry.host}/team/debian:12.8`,
        'org.opencontainers.image.base.digest': images['debian:12.8'].digest,
      },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-vuln-'));
  return {
    registry,
    osv,
    host: registry.host,
    images,
    dir,
    async stop() {
      await osv.stop();
      await registry.stop();
    },
  };
}
