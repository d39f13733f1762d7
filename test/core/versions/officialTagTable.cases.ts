// The newer-version table: (image, current tag, extra tags) → the newest patch, minor and major of
// the same line. The tag lists are the official images' current tags (test/fixtures/
// official-tags-subset.json) plus the `extra` tags a case adds (older releases the snapshot no
// longer lists); `only` cases use their extra tags alone. Every expectation was reasoned by hand
// from the rules in docs/versions.md, never produced by the code under test. '' means "none".
// scripts/compat-renovate.mjs asks Renovate the same questions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NewerVersionCase {
  image: string;
  current: string;
  patch: string;
  minor: string;
  major: string;
  extra?: string[];
  only?: boolean;
  /** Why the answer is what it is, where it is not obvious. */
  why?: string;
}

type Row = [
  image: string,
  current: string,
  patch: string,
  minor: string,
  major: string,
  more?: { extra?: string[]; only?: boolean; why?: string },
];

const ROWS: Row[] = [
  // python: 3.14.7 newest; 3.10 to 3.13 maintained; 3.15.0rc1 a pre-release; Windows only for 3.13+.
  ['python', '3.11.4-slim-bookworm', '3.11.16-slim-bookworm', '3.14.7-slim-bookworm', ''],
  [
    'python',
    '3.11.4-slim-bookworm',
    '3.11.9-slim-bookworm',
    '3.12.0-slim-bookworm',
    '',
    {
      only: true,
      extra: [
        '3.11.9-slim-bookworm',
        '3.11.8-slim-bookworm',
        '3.12.0-slim-bookworm',
        '3.11.9-slim',
        '3.12-slim-bookworm',
        '3.11.9-bookworm',
      ],
      why: 'the issue example: other variants and two-part tags are ignored',
    },
  ],
  ['python', '3.11.4', '3.11.16', '3.14.7', ''],
  ['python', '3.11-slim', '', '3.14-slim', '', { why: 'two-part tags compare only with two-part -slim tags' }],
  ['python', '3.10.21', '', '3.14.7', ''],
  ['python', '3.14.7', '', '', '', { why: '3.15.0rc1 is a pre-release' }],
  ['python', '3.14.0-alpine3.23', '3.14.7-alpine3.23', '', ''],
  ['python', '3.12.1-alpine3.24', '3.12.14-alpine3.24', '3.14.7-alpine3.24', ''],
  [
    'python',
    '3.11.4-alpine3.19',
    '',
    '',
    '',
    { why: 'no -alpine3.19 tags any more; moving to alpine3.20+ is a base change, not an update' },
  ],
  ['python', '3.8.18-slim-bullseye', '', '', '', { why: 'no -slim-bullseye tags any more' }],
  [
    'python',
    '3.13.0-windowsservercore-ltsc2022',
    '3.13.15-windowsservercore-ltsc2022',
    '3.14.7-windowsservercore-ltsc2022',
    '',
  ],
  [
    'python',
    '3.12.0-windowsservercore-ltsc2022',
    '',
    '3.14.7-windowsservercore-ltsc2022',
    '',
    { why: '3.12 has no Windows tags now' },
  ],
  ['python', '3.13-windowsservercore', '', '3.14-windowsservercore', ''],
  ['python', '3-slim', '', '', ''],
  ['python', '2-slim', '', '', '3-slim', { why: 'one-part tags: only majors' }],
  ['python', '2.7.18-slim', '', '', '3.14.7-slim'],
  ['python', '2.7.18-slim-buster', '', '', ''],
  ['python', '3.15.0rc1', '', '', '', { why: 'nothing newer than the rc of the same release' }],
  [
    'python',
    '3.15.0rc1',
    '3.15.0rc2',
    '',
    '',
    { extra: ['3.15.0rc2', '3.16.0a1'], why: 'a pre-release of the same release, not of another one' },
  ],
  ['python', '3.15.0rc1-slim', '3.15.0-slim', '', '', { extra: ['3.15.0rc2-slim', '3.15.0-slim'] }],
  ['python', '3.15-rc-slim', '', '', ''],
  [
    'python',
    '3.15-rc-slim',
    '',
    '',
    '',
    { extra: ['3.15-slim'], why: 'a two-part rc channel may be ahead of the release of its numbers (php 8.5-rc)' },
  ],
  ['python', '3.15-rc-slim', '', '3.16-slim', '', { extra: ['3.15-slim', '3.16-slim'] }],
  [
    'php',
    '8.5-rc-cli',
    '',
    '',
    '',
    { why: '8.5-rc is 8.5.10RC1, newer than 8.5 (8.5.9); 8.6-rc is a pre-release of another release' },
  ],
  ['php', '8.4-rc-fpm-alpine', '', '8.5-fpm-alpine', ''],
  ['python', '3.14.0rc3', '3.14.7', '', ''],
  ['python', '3.13.0rc1-slim-bookworm', '3.13.15-slim-bookworm', '3.14.7-slim-bookworm', ''],
  [
    'python',
    '3.11.4',
    '3.11.16',
    '3.14.7',
    '',
    { extra: ['3.11.17rc1', '3.16.0b1'], why: 'pre-releases are never suggested from a release' },
  ],
  ['python', '3.9.18-bookworm', '', '3.14.7-bookworm', ''],
  ['python', '3.12.14-trixie', '', '3.14.7-trixie', ''],
  ['python', '3.10-alpine3.23', '', '3.14-alpine3.23', ''],
  ['python', 'latest', '', '', '', { why: 'named tags are not versions' }],
  ['python', 'slim-bookworm', '', '', ''],
  ['python', 'alpine3.24', '', '', ''],

  // node: 26.7.0, 24.19.0, 22.23.2.
  ['node', '16.20.2-alpine', '', '', '26.7.0-alpine'],
  ['node', '16-alpine', '', '', '26-alpine'],
  ['node', '20.11-alpine', '', '', '26.7-alpine'],
  ['node', '22.1.0', '', '22.23.2', '26.7.0'],
  ['node', '22.23.1-bookworm-slim', '22.23.2-bookworm-slim', '', '26.7.0-bookworm-slim'],
  ['node', '18.19.0-bullseye', '', '', '26.7.0-bullseye'],
  ['node', '24.19.0-slim', '', '', '26.7.0-slim'],
  ['node', '26.7.0', '', '', ''],
  ['node', '24-alpine3.23', '', '', '26-alpine3.23'],
  ['node', '20.11.1-alpine3.19', '', '', ''],
  ['node', '22.23-trixie-slim', '', '', '26.7-trixie-slim'],
  ['node', '22.2-buster', '', '', ''],
  ['node', '24.0.0-trixie', '', '24.19.0-trixie', '26.7.0-trixie'],
  ['node', '25.0.0', '', '', '26.7.0'],
  ['node', 'v20.0.0', '', '', '', { why: 'a v prefix is its own line; node has none' }],
  ['node', 'lts-alpine', '', '', ''],
  ['node', '22', '', '', '26'],
  ['node', '20-bookworm-slim', '', '', '26-bookworm-slim'],

  // golang: 1.27.0 and 1.26.7; tip-<date> builds.
  ['golang', '1.21.5-bookworm', '', '1.27.0-bookworm', ''],
  ['golang', '1.26.1-alpine', '1.26.7-alpine', '1.27.0-alpine', ''],
  ['golang', '1.22', '', '1.27', ''],
  ['golang', '1.22-alpine3.19', '', '', ''],
  ['golang', '1.26-alpine3.23', '', '1.27-alpine3.23', ''],
  ['golang', '1.20.14-nanoserver-ltsc2022', '', '1.27.0-nanoserver-ltsc2022', ''],
  ['golang', '1.26.7-windowsservercore-ltsc2022', '', '1.27.0-windowsservercore-ltsc2022', ''],
  ['golang', '1-alpine', '', '', ''],
  ['golang', 'tip-20260701', '', '', 'tip-20260815', { why: 'date tags are one-part versions' }],
  ['golang', 'tip-20260701-alpine', '', '', 'tip-20260815-alpine'],
  ['golang', '1.27.0', '', '', ''],
  ['golang', '1.23rc1', '', '1.27', '', { why: 'from a pre-release, later releases are fine' }],
  ['golang', '1.21.0-bullseye', '', '', ''],
  ['golang', '1.25.0-trixie', '', '1.27.0-trixie', ''],

  // postgres: 18.6 … 14.24 (two-part since 10); 19beta3 a pre-release.
  ['postgres', '13.2', '', '', '18.6'],
  ['postgres', '13', '', '', '18'],
  ['postgres', '16.1-alpine', '', '16.15-alpine', '18.6-alpine'],
  ['postgres', '15.4-bookworm', '', '15.19-bookworm', '18.6-bookworm'],
  ['postgres', '14-alpine3.23', '', '', '18-alpine3.23'],
  ['postgres', '18.6', '', '', ''],
  ['postgres', '18', '', '', '', { why: '19beta3 is a pre-release' }],
  ['postgres', '19beta1', '19beta3', '', ''],
  ['postgres', '19beta1-alpine', '19beta3-alpine', '', ''],
  ['postgres', '12.22-bullseye', '', '', ''],
  ['postgres', '9.6.24', '', '', '', { why: 'three-part; postgres has had two-part versions since 10' }],
  ['postgres', '9.6', '', '', '18.6'],
  ['postgres', '17.2-alpine3.21', '', '', ''],
  ['postgres', '17.2-trixie', '', '17.11-trixie', '18.6-trixie'],

  // nginx: mainline 1.31.4, stable 1.30.4.
  ['nginx', '1.25.3', '', '1.31.4', ''],
  ['nginx', '1.30.0-alpine', '1.30.4-alpine', '1.31.4-alpine', ''],
  ['nginx', '1.27.3-alpine-slim', '', '1.31.4-alpine-slim', ''],
  ['nginx', '1.27-perl', '', '1.31-perl', ''],
  ['nginx', '1.24.0-alpine3.18', '', '', ''],
  ['nginx', '1.31.4-alpine3.24-otel', '', '', ''],
  ['nginx', '1.30-trixie-otel', '', '1.31-trixie-otel', ''],
  ['nginx', '1-alpine', '', '', ''],
  ['nginx', '0.8.55', '', '', '1.31.4'],
  ['nginx', '1.30.4-bookworm', '', '', ''],
  ['nginx', '1.29.0-alpine3.24-perl', '', '1.31.4-alpine3.24-perl', ''],
  ['nginx', 'stable-alpine', '', '', ''],
  ['nginx', 'mainline', '', '', ''],

  // redis: 8.10.1 8.8.2 8.6.6 8.4.6 8.2.9 7.4.11 7.2.16 6.2.24; each with its own alpine and debian.
  ['redis', '7.2.4', '7.2.16', '7.4.11', '8.10.1'],
  ['redis', '7.2.4-alpine', '7.2.16-alpine', '7.4.11-alpine', '8.10.1-alpine'],
  ['redis', '6.2.6-bookworm', '6.2.24-bookworm', '', '8.2.9-bookworm', { why: 'only 8.2 and older have -bookworm' }],
  ['redis', '7.0.15-alpine3.21', '', '7.4.11-alpine3.21', ''],
  ['redis', '8.0.2', '', '8.10.1', '', { why: '8.10 > 8.8: numbers, not strings' }],
  ['redis', '8.2-alpine3.22', '', '8.4-alpine3.22', ''],
  ['redis', '7-alpine', '', '', '8-alpine'],
  ['redis', '6.0.20', '', '6.2.24', '8.10.1'],
  ['redis', '5', '', '', '8'],
  ['redis', '7.4-bookworm', '', '', '8.2-bookworm'],
  ['redis', '8.4.0-trixie', '8.4.6-trixie', '8.10.1-trixie', ''],
  ['redis', '8.10.1', '', '', ''],

  // eclipse-temurin: 11.0.32_9 17.0.20_8 21.0.12_8 25.0.4_7 26.0.2_10; _N is the JDK build.
  ['eclipse-temurin', '11.0.20_8-jdk-jammy', '11.0.32_9-jdk-jammy', '', '26.0.2_10-jdk-jammy'],
  ['eclipse-temurin', '17.0.9_9-jre-alpine', '17.0.20_8-jre-alpine', '', '26.0.2_10-jre-alpine'],
  [
    'eclipse-temurin',
    '21.0.1_12-jdk-windowsservercore-ltsc2022',
    '21.0.12_8-jdk-windowsservercore-ltsc2022',
    '',
    '26.0.2_10-jdk-windowsservercore-ltsc2022',
  ],
  ['eclipse-temurin', '21.0.12_8-jdk-ubi10-minimal', '', '', '26.0.2_10-jdk-ubi10-minimal'],
  [
    'eclipse-temurin',
    '11.0.32_9-jdk-ubi9-minimal',
    '',
    '',
    '21.0.12_8-jdk-ubi9-minimal',
    { why: '25 and 26 have no ubi9' },
  ],
  [
    'eclipse-temurin',
    '17.0.20_8-jre-alpine-3.21',
    '',
    '',
    '25.0.4_7-jre-alpine-3.21',
    { why: '26 has no alpine-3.21' },
  ],
  ['eclipse-temurin', '21-jdk-jammy', '', '', '26-jdk-jammy'],
  ['eclipse-temurin', '17-jre', '', '', '26-jre'],
  ['eclipse-temurin', '8-jdk-jammy', '', '', '26-jdk-jammy'],
  ['eclipse-temurin', '11-alpine-3.21', '', '', '25-alpine-3.21'],
  ['eclipse-temurin', '21', '', '', '26'],
  [
    'eclipse-temurin',
    '8u402-b06-jre-jammy',
    '8u502-b07-jre-jammy',
    '',
    '26.0.2_10-jre-jammy',
    { why: '8u402 is 8.0.402; -b06 its build' },
  ],
  ['eclipse-temurin', '8u502-b06-jdk-ubi9-minimal', '8u502-b07-jdk-ubi9-minimal', '', '21.0.12_8-jdk-ubi9-minimal'],
  [
    'eclipse-temurin',
    '11.0.32_8-jdk',
    '11.0.32_9-jdk',
    '',
    '26.0.2_10-jdk',
    { why: 'a newer build of the same release is a patch' },
  ],
  ['eclipse-temurin', '26.0.2_10-jdk-noble', '', '', ''],

  // ubuntu: 22.04 24.04 26.04 26.10 and dated codename builds.
  ['ubuntu', '20.04', '', '', '26.10', { why: 'newest, not newest LTS: the model does not know LTS' }],
  ['ubuntu', '22.04', '', '', '26.10'],
  ['ubuntu', '24.04', '', '', '26.10'],
  ['ubuntu', '26.04', '', '26.10', ''],
  ['ubuntu', '26.10', '', '', ''],
  ['ubuntu', '18.04', '', '', '26.10'],
  ['ubuntu', 'jammy-20240111', '', '', 'jammy-20260810'],
  ['ubuntu', 'noble-20260810', '', '', ''],
  ['ubuntu', 'resolute-20260701', '', '', '', { why: 'resolute-20260811.1 has two parts' }],
  ['ubuntu', 'resolute-20260701.2', '', '', 'resolute-20260811.1'],
  ['ubuntu', 'jammy', '', '', ''],

  // debian: 13.6, 12.15, 11.11 and dated codename builds.
  ['debian', '12.4', '', '12.15', '13.6'],
  ['debian', '12.4-slim', '', '12.15-slim', '13.6-slim'],
  ['debian', '11', '', '', '13'],
  ['debian', '11-slim', '', '', '13-slim'],
  ['debian', 'bookworm-20240110-slim', '', '', 'bookworm-20260803-slim'],
  ['debian', 'bookworm-20240110', '', '', 'bookworm-20260803'],
  ['debian', '10.13', '', '', '13.6'],
  ['debian', 'bullseye-20260803', '', '', ''],
  ['debian', '13.6', '', '', ''],
  ['debian', 'stable-20250101-slim', '', '', 'stable-20260803-slim'],
  ['debian', 'bookworm-slim', '', '', ''],

  // alpine: 3.24.1 3.23.5 3.22.5 3.21.7; 20260805 an edge snapshot.
  ['alpine', '3.19.1', '', '3.24.1', ''],
  ['alpine', '3.21.2', '3.21.7', '3.24.1', ''],
  ['alpine', '3.18', '', '3.24', ''],
  ['alpine', '3.24.1', '', '', ''],
  ['alpine', '20240606', '', '', '20260805'],
  ['alpine', '3', '', '', ''],
  ['alpine', '2.7', '', '', '3.24'],
  ['alpine', '3.9.6', '', '3.24.1', '', { why: '3.24 > 3.9' }],

  // mariadb: 12.3.2 11.8.8 11.4.12 10.11.18 10.6.28; 13.0.1-rc a pre-release.
  ['mariadb', '10.11.6', '10.11.18', '', '12.3.2'],
  ['mariadb', '10.6.16-jammy', '10.6.28-jammy', '10.11.18-jammy', ''],
  ['mariadb', '11.4.2-noble', '11.4.12-noble', '11.8.8-noble', '12.3.2-noble'],
  ['mariadb', '10.5.23', '', '10.11.18', '12.3.2'],
  ['mariadb', '11.8-ubi9', '', '', ''],
  ['mariadb', '10.11-ubi', '', '', '12.3-ubi'],
  ['mariadb', '12.3.2', '', '', ''],
  ['mariadb', '10', '', '', '12'],
  ['mariadb', '13.0.0-rc', '', '', '', { why: '13.0.1-rc is a pre-release of another release' }],
  [
    'mariadb',
    '13.0.0-ubi10-rc',
    '',
    '',
    '',
    { why: 'the trailing -rc is a pre-release too: 13.0.1-ubi10-rc is one of another release' },
  ],
  [
    'mariadb',
    '13.0.1-ubi10-rc',
    '13.0.1-ubi10',
    '',
    '',
    { extra: ['13.0.1-ubi10'], why: 'the release of the rc it tests, on the same -ubi10 variant' },
  ],
  [
    'mariadb',
    '13.0-resolute-rc',
    '',
    '13.1-resolute',
    '',
    {
      extra: ['13.0-resolute', '13.1-resolute'],
      why: 'a two-part rc channel: not the release of its own numbers, which may be behind it',
    },
  ],
  ['mariadb', '12.3-ubi10', '', '', '', { why: '13.0-ubi10-rc is a pre-release' }],

  // mysql: 26.7.0 (innovation), 9.7.2 (lts), 8.4.11.
  ['mysql', '8.0.36', '', '8.4.11', '26.7.0'],
  ['mysql', '8.4.0-oracle', '8.4.11-oracle', '', '26.7.0-oracle'],
  ['mysql', '5.7.44', '', '', '26.7.0'],
  ['mysql', '5.7', '', '', '26.7'],
  ['mysql', '8.0.36-debian', '', '', ''],
  ['mysql', '9.7-oraclelinux9', '', '', '26.7-oraclelinux9'],
  ['mysql', '8', '', '', '26'],
  ['mysql', 'lts', '', '', ''],

  // php: 8.5.9 8.4.24 8.3.33 8.2.33; 8.6.0beta1, 8.5.10RC1, 8.4.25RC1 pre-releases.
  ['php', '8.2.10-fpm-alpine', '8.2.33-fpm-alpine', '8.5.9-fpm-alpine', ''],
  ['php', '8.1.27-apache', '', '8.5.9-apache', ''],
  ['php', '7.4.33-fpm', '', '', '8.5.9-fpm'],
  ['php', '8.4.24-cli', '', '8.5.9-cli', '', { why: '8.4.25RC1 and 8.5.10RC1 are pre-releases' }],
  [
    'php',
    '8.4.25RC1',
    '',
    '8.5.9',
    '',
    { why: 'a release is fine from a pre-release; 8.5.10RC1 is a pre-release of another release' },
  ],
  ['php', '8.3-fpm-alpine3.23', '', '8.5-fpm-alpine3.23', ''],
  ['php', '8.2.12-zts-bookworm', '8.2.33-zts-bookworm', '8.5.9-zts-bookworm', ''],
  ['php', '7-apache', '', '', '8-apache'],
  ['php', '8.5.9', '', '', ''],
  ['php', '8.6.0alpha3-cli', '8.6.0beta1-cli', '', ''],

  // ruby: 4.0.6 3.4.10 3.3.12.
  ['ruby', '3.2.2-slim-bookworm', '', '3.4.10-slim-bookworm', '4.0.6-slim-bookworm'],
  ['ruby', '3.3.0-alpine3.19', '', '', ''],
  ['ruby', '3.3-alpine', '', '3.4-alpine', '4.0-alpine'],
  ['ruby', '3', '', '', '4'],
  ['ruby', '3.3.5', '3.3.12', '3.4.10', '4.0.6'],

  // rust: 1.98.0 only.
  ['rust', '1.75.0-slim-bookworm', '', '1.98.0-slim-bookworm', ''],
  ['rust', '1.75-alpine3.19', '', '', ''],
  ['rust', '1.80-alpine', '', '1.98-alpine', ''],
  ['rust', '1-slim', '', '', ''],
  ['rust', '1.98.0', '', '', ''],
  ['rust', '1.88.0-alpine3.22', '', '1.98.0-alpine3.22', ''],

  // haproxy: 3.4.3 3.3.13 3.2.22 3.0.26 2.8.27 2.6.32; 3.5-dev5 a development snapshot.
  ['haproxy', '2.8.3', '2.8.27', '', '3.4.3'],
  ['haproxy', '2.4.24-alpine', '', '2.8.27-alpine', '3.4.3-alpine'],
  ['haproxy', '3.0', '', '3.4', '', { why: '3.5-dev is a pre-release' }],
  ['haproxy', '3.5-dev3', '3.5-dev5', '', ''],
  ['haproxy', '3.4.3-alpine3.24', '', '', ''],
  ['haproxy', '2.6-trixie', '', '2.8-trixie', '3.4-trixie'],

  // traefik: both v3.7.11 and 3.7.11; v2.11.55 and 2.11.55.
  ['traefik', 'v2.10.7', '', 'v2.11.55', 'v3.7.11'],
  ['traefik', '2.10.7', '', '2.11.55', '3.7.11'],
  ['traefik', 'v3.0', '', 'v3.7', ''],
  ['traefik', 'v2', '', '', 'v3'],
  ['traefik', 'v3.1.2-windowsservercore-ltsc2022', '', 'v3.7.11-windowsservercore-ltsc2022', ''],
  ['traefik', '2.11.0-nanoserver-ltsc2025', '2.11.55-nanoserver-ltsc2025', '', '3.7.11-nanoserver-ltsc2025'],
  ['traefik', 'v3.7.11', '', '', ''],
  ['traefik', 'langres', '', '', ''],

  // memcached 1.6.45, httpd 2.4.68.
  ['memcached', '1.6.21', '1.6.45', '', ''],
  ['memcached', '1.6.21-alpine', '1.6.45-alpine', '', ''],
  ['memcached', '1.5.22', '', '1.6.45', ''],
  ['memcached', '1.6-alpine3.18', '', '', ''],
  ['httpd', '2.4.58', '2.4.68', '', ''],
  ['httpd', '2.4.58-alpine', '2.4.68-alpine', '', ''],
  ['httpd', '2.2.34', '', '2.4.68', ''],
  ['httpd', '2.4-alpine3.24', '', '', ''],
  ['httpd', '2.4.68-alpine3.24', '', '', ''],

  // tomcat: 11.0.25 10.1.59 9.0.121, with -jdkNN and -jreNN variants.
  ['tomcat', '9.0.85-jdk17-temurin-jammy', '9.0.121-jdk17-temurin-jammy', '', '11.0.25-jdk17-temurin-jammy'],
  ['tomcat', '10.1.18-jdk21', '10.1.59-jdk21', '', '11.0.25-jdk21'],
  ['tomcat', '9.0.85-jre8-temurin-jammy', '9.0.121-jre8-temurin-jammy', '', '', { why: 'only 9 still ships Java 8' }],
  ['tomcat', '10.1-jre11', '', '', ''],
  ['tomcat', '8.5.100-jdk17-temurin', '', '', '11.0.25-jdk17-temurin'],
  ['tomcat', '9.0.99', '9.0.121', '', '11.0.25'],
  ['tomcat', '10-jdk17-temurin', '', '', '11-jdk17-temurin'],

  // openjdk: only 27-rc and 28-ea pre-releases are published now.
  ['openjdk', '17-jdk-slim', '', '', '', { why: 'every openjdk tag left is a pre-release' }],
  ['openjdk', '27-ea-20-jdk', '27-rc-jdk', '', '', { why: 'rc after ea of the same release' }],
  ['openjdk', '28-ea-5-jdk', '28-ea-11-jdk', '', ''],
  [
    'openjdk',
    '28-ea-jdk',
    '',
    '',
    '',
    { why: '28-ea follows the newest early-access build: 28-ea-11 is never ahead of it' },
  ],
  ['openjdk', '27-rc-jdk', '27-jdk', '', '', { extra: ['27-jdk'], why: 'the release of a one-part channel is its GA' }],
  ['openjdk', '21-jdk', '', '', ''],

  // amazoncorretto: 26.0.2 25.0.4 21.0.12 17.0.20 11.0.32; Java 8 as 8u504.
  ['amazoncorretto', '17.0.9-al2023', '17.0.20-al2023', '', '26.0.2-al2023'],
  ['amazoncorretto', '11.0.21-al2', '11.0.32-al2', '', '21.0.12-al2', { why: '25 and 26 have no al2' }],
  ['amazoncorretto', '8u402-al2', '8u504-al2', '', '21.0.12-al2', { why: '8u402 is 8.0.402; 25 and 26 have no al2' }],
  ['amazoncorretto', '8u402', '8u504', '', '26.0.2'],
  ['amazoncorretto', '21-alpine3.19', '', '', ''],
  ['amazoncorretto', '21.0.2-alpine', '21.0.12-alpine', '', '26.0.2-alpine'],

  // gradle: 9.7.1 8.14.5 7.6.6 6.9.4.
  ['gradle', '8.5.0-jdk17', '', '8.14.5-jdk17', '9.7.1-jdk17'],
  ['gradle', '7.6.0-jdk11', '7.6.6-jdk11', '', '8.14.5-jdk11', { why: '9 has no jdk11' }],
  ['gradle', '6.9.4-jdk8', '', '', '8.14.5-jdk8'],
  ['gradle', '8.14-jdk21-alpine', '', '', '9.7-jdk21-alpine'],
  ['gradle', '9.7.1-jdk-lts-and-current', '', '', ''],

  // maven: 3.9.16; 4.0.0-rc-5 a pre-release.
  ['maven', '3.9.6-eclipse-temurin-17', '3.9.16-eclipse-temurin-17', '', ''],
  ['maven', '3.8.7-eclipse-temurin-11', '', '3.9.16-eclipse-temurin-11', ''],
  ['maven', '3-eclipse-temurin-21', '', '', ''],
  ['maven', '4.0.0-rc-2-eclipse-temurin-21', '4.0.0-rc-5-eclipse-temurin-21', '', ''],
  ['maven', '3.9.16-eclipse-temurin-26', '', '', ''],
  ['maven', '3.9.5', '3.9.16', '', '', { why: '4.0.0-rc-5 is a pre-release' }],

  // elasticsearch and kibana: 9.5.2 9.4.5 8.19.20.
  ['elasticsearch', '8.11.1', '', '8.19.20', '9.5.2'],
  ['elasticsearch', '9.4.1', '9.4.5', '9.5.2', ''],
  ['elasticsearch', '7.17.16', '', '', '9.5.2'],
  ['kibana', '8.19.20', '', '', '9.5.2'],

  // aerospike: four parts behind an edition prefix; _1 is a rebuild line of its own.
  ['aerospike', 'ee-7.0.0.3', '', '', 'ee-8.1.2.4'],
  ['aerospike', 'ee-8.1.0.1', 'ee-8.1.2.4', '', ''],
  ['aerospike', 'ce-8.1.2.3_1', 'ce-8.1.2.4_1', '', ''],
  ['aerospike', 'ee-8.1.2.4', '', '', '', { why: 'ee-8.1.2.4_1 is the same release rebuilt, published beside it' }],
  ['aerospike', '8.1.2.4', '', '', '', { why: 'no unprefixed tags' }],
  ['aerospike', 'ee-8.0.0.8', '', 'ee-8.1.2.4', ''],
  ['aerospike', 'ce-7.2.0.1', '', '', 'ce-8.1.2.4', { why: 'the edition prefix separates lines' }],

  // almalinux: 10.2 9.8 8.10, dated builds.
  ['almalinux', '9.3', '', '9.8', '10.2'],
  ['almalinux', '8', '', '', '10'],
  ['almalinux', '9.3-minimal', '', '9.8-minimal', '10.2-minimal'],
  ['almalinux', '9.8-20260101', '', '', '', { why: 'a trailing date is part of the variant' }],
  ['almalinux', '10-kitten', '', '', ''],

  // mongo: 8.3.8 8.0.29 7.0.40.
  ['mongo', '7.0.5', '7.0.40', '', '8.3.8'],
  ['mongo', '6.0.13', '', '', '8.3.8'],
  ['mongo', '7.0.5-jammy', '7.0.40-jammy', '', '', { why: '8 moved to noble' }],
  ['mongo', '8.0.4-noble', '8.0.29-noble', '8.3.8-noble', ''],
  ['mongo', '6.0-jammy', '', '', '7.0-jammy'],
  ['mongo', '8.0-nanoserver-ltsc2022', '', '8.3-nanoserver-ltsc2022', ''],

  // rabbitmq: 4.3.5 4.2.9 4.1.8 4.0.9.
  ['rabbitmq', '3.12.12-management', '', '', '4.3.5-management'],
  ['rabbitmq', '4.0.2-management-alpine', '4.0.9-management-alpine', '4.3.5-management-alpine', ''],
  ['rabbitmq', '3-management', '', '', '4-management'],
  ['rabbitmq', '3.13-alpine', '', '', '4.3-alpine'],
  ['rabbitmq', 'management-alpine', '', '', ''],

  // caddy 2.11.4, busybox 1.38.0 / 1.37.0.
  ['caddy', '2.7.6-alpine', '', '2.11.4-alpine', ''],
  ['caddy', '2.7.6-builder-alpine', '', '2.11.4-builder-alpine', ''],
  ['caddy', '2.11-builder', '', '', ''],
  ['busybox', '1.36.1-musl', '', '1.38.0-musl', ''],
  ['busybox', '1.37.0', '', '1.38.0', ''],
  ['busybox', '1.36', '', '1.38', ''],
  ['busybox', '1-glibc', '', '', ''],

  // couchbase: plain, enterprise- and community- lines; 7.6.12 > 7.6.9.
  ['couchbase', '7.2.0', '7.2.9', '7.6.12', '8.0.2', { why: 'numeric order: 7.6.12 after 7.6.9' }],
  ['couchbase', 'community-7.2.4', '', 'community-7.6.2', 'community-8.0.2'],
  ['couchbase', 'enterprise-7.6.9', 'enterprise-7.6.12', '', 'enterprise-8.0.2'],

  // influxdb: 1.x with -data/-meta, 2.x, 3.x -core/-enterprise.
  ['influxdb', '1.8.10', '', '1.12.4', '2.9.1'],
  ['influxdb', '2.7.4-alpine', '', '2.9.1-alpine', ''],
  ['influxdb', '1.11.9-data', '', '1.13.0-data', ''],
  ['influxdb', '3.9.11-core', '', '3.11.2-core', ''],
  ['influxdb', '2', '', '', ''],

  // cassandra: 5.0.9 4.1.12 4.0.21; 6.0 is a two-part tag of the 6.0 alpha.
  ['cassandra', '4.1.3', '4.1.12', '', '5.0.9'],
  ['cassandra', '4.0', '', '4.1', '6.0', { why: 'the `6.0` tag names the alpha without saying so' }],
  ['cassandra', '3.11.16', '', '', '5.0.9'],
  ['cassandra', '4-bookworm', '', '', ''],

  // bash, gcc.
  ['bash', '5.1.16', '', '5.3.15', ''],
  ['bash', '4.4.12', '4.4.23', '', '5.3.15'],
  ['bash', '5.2-alpine3.22', '', '', ''],
  ['bash', '5.0-alpine3.22', '', '5.2-alpine3.22', ''],
  ['bash', 'devel-20250101', '', '', 'devel-20260817'],
  ['gcc', '12.3.0', '', '12.5.0', '16.2.0'],
  ['gcc', '12.3.0-bookworm', '', '12.5.0-bookworm', '13.4.0-bookworm'],
  ['gcc', '13', '', '', '16'],

  // neo4j: calendar versions 2026.07.1 after 5.26.29 and 4.4.48.
  ['neo4j', '5.15.0', '', '5.26.29', '2026.07.1'],
  ['neo4j', '4.4.30-enterprise', '4.4.48-enterprise', '', '2026.07.1-enterprise'],
  ['neo4j', '2026.01.0', '', '2026.07.1', '', { why: 'leading zeros compare as numbers' }],
  ['neo4j', '2026.07', '', '', ''],
  ['neo4j', '2026.01', '', '2026.07', ''],

  // solr, sonarqube.
  ['solr', '9.4.1', '', '9.10.1', '10.0.0'],
  ['solr', '9.9-slim', '', '9.10-slim', '10.0-slim'],
  ['solr', '8.11.2', '', '', '10.0.0'],
  ['sonarqube', '2025.1.0-developer', '2025.1.8-developer', '2025.4.8-developer', '2026.4.1-developer'],
  ['sonarqube', '10.3.0-community', '', '', '', { why: 'community builds now have four parts' }],
  ['sonarqube', '25.1.0.102122-community', '', '', '26.8.0.126808-community'],

  // amazonlinux, rockylinux, oraclelinux, fedora.
  ['amazonlinux', '2023.3.20240219.0', '', '2023.12.20260817.0', ''],
  ['amazonlinux', '2.0.20240109.0', '2.0.20260817.0', '', '2023.12.20260817.0'],
  ['amazonlinux', '2', '', '', '2023'],
  ['rockylinux', '9.2.20230513', '', '9.3.20231119', ''],
  ['rockylinux', '8.8', '', '8.9', '9.3'],
  ['rockylinux', '8.9-minimal', '', '', '9.3-minimal'],
  ['oraclelinux', '8.9', '', '8.10', ''],
  ['oraclelinux', '7-slim', '', '', '10-slim'],
  ['oraclelinux', '8-slim-fips', '', '', '9-slim-fips'],
  ['fedora', '39', '', '', '45'],
  ['fedora', '45', '', '', ''],

  // pypy (two versions in one tag), percona (build numbers as variants).
  ['pypy', '3.10-7.3.17', '', '', '', { why: 'the PyPy version after the dash is part of the variant' }],
  ['pypy', '3.10', '', '3.11', ''],
  ['pypy', '2.7-slim', '', '', '3.11-slim'],
  ['percona', '8.0.35-27', '', '', '', { why: 'the -27 build is part of the variant' }],
  ['percona', 'psmdb-6.0.12', 'psmdb-6.0.29', '', 'psmdb-8.0.29'],

  // docker, julia, erlang, elixir.
  ['docker', '24.0.7-dind', '', '', '29.7.2-dind'],
  ['docker', '29.1.0-cli', '', '29.7.2-cli', ''],
  ['docker', '27-dind-rootless', '', '', '29-dind-rootless'],
  ['docker', '29.7-cli', '', '', ''],
  ['julia', '1.10.0', '1.10.12', '1.12.7', ''],
  ['julia', '1.13.0-rc1', '1.13.0-rc3', '', ''],
  ['julia', '1.9', '', '1.12', ''],
  ['erlang', '26.2.1', '26.2.5', '', '29.0.5'],
  ['erlang', '26.2.5.6', '26.2.5.21', '', '29.0.5.0', { why: 'four parts compare with four parts' }],
  ['erlang', '27.3.4.16-alpine', '', '', '29.0.5.0-alpine'],
  ['erlang', '25-slim', '', '', '29-slim'],
  ['elixir', '1.16.0-otp-26', '1.16.3-otp-26', '1.19.5-otp-26', ''],
  ['elixir', '1.18.0-alpine', '1.18.4-alpine', '1.20.3-alpine', ''],
  ['elixir', '1.19-otp-28-slim', '', '1.20-otp-28-slim', ''],

  // nextcloud, wordpress, composer, registry, ghost.
  ['nextcloud', '28.0.1-apache', '', '', '34.0.3-apache'],
  ['nextcloud', '32.0.2-fpm-alpine', '32.0.14-fpm-alpine', '', '34.0.3-fpm-alpine'],
  ['nextcloud', '33', '', '', '34'],
  ['wordpress', '6.4.2-php8.2-apache', '', '', '7.1.0-php8.2-apache'],
  ['wordpress', '6.4-php8.1-fpm', '', '', ''],
  ['wordpress', '7.0.1-fpm-alpine', '', '7.1.0-fpm-alpine', ''],
  ['composer', '2.6.6', '', '2.10.2', ''],
  ['composer', '2.2.21', '2.2.29', '2.10.2', ''],
  ['composer', '1.10.27', '', '', '2.10.2'],
  ['registry', '2.8.3', '', '', '3.1.1'],
  ['registry', '2', '', '', '3'],
  ['registry', '3.0.0', '', '3.1.1', ''],
  ['ghost', '5.75.2-alpine', '', '', '6.59.0-alpine'],
  ['ghost', '6.10.0', '', '6.59.0', ''],

  // Shapes the official images do not show, on made-up tag lists.
  [
    'example/app',
    'v1.2.3',
    'v1.2.4',
    'v1.3.0',
    'v2.0.0',
    { only: true, extra: ['v1.2.4', 'v1.3.0', 'v2.0.0', '1.2.9', '2.5.0', 'v1.2.2'] },
  ],
  [
    'example/app',
    '1.2.3',
    '1.2.9',
    '',
    '2.5.0',
    {
      only: true,
      extra: ['v1.2.4', 'v1.3.0', 'v2.0.0', '1.2.9', '2.5.0'],
      why: 'the v line and the plain line stay apart',
    },
  ],
  [
    'example/app',
    '2024.01.05',
    '2024.01.12',
    '2024.02.01',
    '2025.01.01',
    { only: true, extra: ['2024.01.12', '2024.02.01', '2025.01.01', '2023.12.31'] },
  ],
  ['example/app', '08.01', '', '08.02', '09.00', { only: true, extra: ['08.02', '09.00', '07.12'] }],
  ['example/app', '1.9.0', '', '1.10.0', '', { only: true, extra: ['1.10.0', '1.8.9'] }],
  ['example/app', '20240101', '', '', '20240615', { only: true, extra: ['20240615', '20231231'] }],
  [
    'example/app',
    '1.2.3.4',
    '1.2.4.0',
    '1.3.0.0',
    '2.0.0.0',
    { only: true, extra: ['1.2.3.5', '1.2.4.0', '1.3.0.0', '2.0.0.0', '1.2.3', '1.3'] },
  ],
  ['example/app', '5.0.0-beta.1', '5.0.0', '', '', { only: true, extra: ['5.0.0-beta.2', '5.0.0', '5.1.0-alpha.1'] }],
  ['example/app', '5', '', '', '7', { only: true, extra: ['6', '7', '7-alpine', '7.1', '8-rc1'] }],
  [
    'example/app',
    '1.0.0-windowsservercore-ltsc2022',
    '1.0.1-windowsservercore-ltsc2022',
    '',
    '',
    {
      only: true,
      extra: ['1.0.1-windowsservercore-ltsc2022', '1.0.2-windowsservercore-1809', '1.0.2-windowsservercore-ltsc2025'],
    },
  ],
  [
    'example/app',
    '1.0-dev',
    '',
    '1.1',
    '',
    {
      only: true,
      extra: ['1.0-alpha', '1.1'],
      why: '1.0-dev is a channel: nothing of its own numbers; 1.1 a release of the next minor',
    },
  ],
  [
    'example/app',
    '1.0.0-dev',
    '',
    '1.1.0',
    '',
    {
      only: true,
      extra: ['1.0.0-alpha', '1.1.0'],
      why: 'a -dev channel may be ahead of any numbered pre-release of its numbers',
    },
  ],
  [
    'example/app',
    '1.0.0-dev3',
    '1.0.0-alpha',
    '1.1.0',
    '',
    { only: true, extra: ['1.0.0-alpha', '1.1.0'], why: 'one numbered pre-release: dev < alpha' },
  ],
  ['example/app', '3.2.1-alpha', '3.2.1', '', '', { only: true, extra: ['3.2.1', '3.2.1-beta'] }],
  ['example/app', 'stable', '', '', '', { only: true, extra: ['1.0.0', '2.0.0'] }],
];

export const NEWER_VERSION_CASES: NewerVersionCase[] = ROWS.map(([image, current, patch, minor, major, more]) => ({
  image,
  current,
  patch,
  minor,
  major,
  ...more,
}));

export function officialTags(): Record<string, string[]> {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/official-tags-subset.json'), 'utf8')).tags;
}

/** The tag list a case is asked about. */
export function tagsFor(c: NewerVersionCase, official: Record<string, string[]>): string[] {
  if (c.only) return c.extra ?? [];
  const base = official[c.image];
  if (!base) throw new Error(`no fixture tags for ${c.image}`);
  return [...base, ...(c.extra ?? [])];
}
