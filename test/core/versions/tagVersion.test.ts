import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareTagVersions,
  parseTagVersion,
  sameLine,
  type TagVersion,
} from '../../../server/src/core/versions/tagVersion';
import { findNewerVersions } from '../../../server/src/core/versions/findNewerVersions';

function parsed(tag: string): TagVersion {
  const v = parseTagVersion(tag);
  assert.ok(v, `${tag} should parse as a version`);
  return v;
}

function shape(tag: string) {
  const v = parseTagVersion(tag);
  return v && { prefix: v.prefix, numbers: v.numbers, prerelease: v.prerelease, build: v.build, variant: v.variant };
}

test('a tag splits into prefix, numbers, pre-release, build and variant', () => {
  assert.deepEqual(shape('3.11.4-slim-bookworm'), {
    prefix: '',
    numbers: [3, 11, 4],
    prerelease: undefined,
    build: undefined,
    variant: '-slim-bookworm',
  });
  assert.deepEqual(shape('v3.7.11'), {
    prefix: 'v',
    numbers: [3, 7, 11],
    prerelease: undefined,
    build: undefined,
    variant: '',
  });
  assert.deepEqual(shape('ee-8.1.2.4'), {
    prefix: 'ee-',
    numbers: [8, 1, 2, 4],
    prerelease: undefined,
    build: undefined,
    variant: '',
  });
  assert.deepEqual(shape('ee-8.1.2.4_1'), {
    prefix: 'ee-',
    numbers: [8, 1, 2, 4],
    prerelease: undefined,
    build: '_1',
    variant: '',
  });
  assert.deepEqual(shape('11.0.32_9-jdk-jammy'), {
    prefix: '',
    numbers: [11, 0, 32],
    prerelease: undefined,
    build: '_9',
    variant: '-jdk-jammy',
  });
  assert.deepEqual(shape('3.15.0rc1-slim'), {
    prefix: '',
    numbers: [3, 15, 0],
    prerelease: 'rc1',
    build: undefined,
    variant: '-slim',
  });
  assert.deepEqual(shape('3.15-rc-slim-trixie'), {
    prefix: '',
    numbers: [3, 15],
    prerelease: '-rc',
    build: undefined,
    variant: '-slim-trixie',
  });
  assert.deepEqual(shape('19beta3-alpine3.24'), {
    prefix: '',
    numbers: [19],
    prerelease: 'beta3',
    build: undefined,
    variant: '-alpine3.24',
  });
  assert.deepEqual(shape('8.5.10RC1-fpm'), {
    prefix: '',
    numbers: [8, 5, 10],
    prerelease: 'RC1',
    build: undefined,
    variant: '-fpm',
  });
  assert.deepEqual(shape('4.0.0-rc-5-eclipse-temurin-17'), {
    prefix: '',
    numbers: [4, 0, 0],
    prerelease: '-rc-5',
    build: undefined,
    variant: '-eclipse-temurin-17',
  });
  assert.deepEqual(shape('28-ea-11-jdk'), {
    prefix: '',
    numbers: [28],
    prerelease: '-ea-11',
    build: undefined,
    variant: '-jdk',
  });
  assert.deepEqual(shape('3.5-dev5-alpine'), {
    prefix: '',
    numbers: [3, 5],
    prerelease: '-dev5',
    build: undefined,
    variant: '-alpine',
  });
  assert.deepEqual(shape('13.0.1-ubi10-rc'), {
    prefix: '',
    numbers: [13, 0, 1],
    prerelease: '-rc',
    build: undefined,
    variant: '-ubi10',
  });
  assert.deepEqual(shape('13.0-resolute-beta2'), {
    prefix: '',
    numbers: [13, 0],
    prerelease: '-beta2',
    build: undefined,
    variant: '-resolute',
  });
  assert.deepEqual(shape('6.0-alpha2-trixie'), {
    prefix: '',
    numbers: [6, 0],
    prerelease: '-alpha2',
    build: undefined,
    variant: '-trixie',
  });
  assert.deepEqual(shape('jammy-20260810'), {
    prefix: 'jammy-',
    numbers: [20260810],
    prerelease: undefined,
    build: undefined,
    variant: '',
  });
  assert.deepEqual(shape('20260805'), {
    prefix: '',
    numbers: [20260805],
    prerelease: undefined,
    build: undefined,
    variant: '',
  });
  assert.deepEqual(shape('08.01'), {
    prefix: '',
    numbers: [8, 1],
    prerelease: undefined,
    build: undefined,
    variant: '',
  });
  assert.deepEqual(shape('2023.12.20260817.0'), {
    prefix: '',
    numbers: [2023, 12, 20260817, 0],
    prerelease: undefined,
    build: undefined,
    variant: '',
  });
  assert.deepEqual(shape('21-jdk-windowsservercore-ltsc2022'), {
    prefix: '',
    numbers: [21],
    prerelease: undefined,
    build: undefined,
    variant: '-jdk-windowsservercore-ltsc2022',
  });
});

test('variant words that start like a pre-release stay variants', () => {
  for (const [tag, variant] of [
    ['3.11.4-alpine3.20', '-alpine3.20'],
    ['12.3.2-bookworm', '-bookworm'],
    ['8-al2023-jre', '-al2023-jre'],
    ['1.20.3-otp-27', '-otp-27'],
    ['29.7.2-dind-rootless', '-dind-rootless'],
    ['5.44.0-bullseye', '-bullseye'],
    ['1.2.3-devel', '-devel'],
    ['1.2.3-rcx', '-rcx'],
    ['1.2.3-fpm-dev', '-fpm-dev'],
  ]) {
    assert.equal(parsed(tag).prerelease, undefined, tag);
    assert.equal(parsed(tag).variant, variant, tag);
  }
});

test('named tags and artifacts are not versions', () => {
  for (const tag of [
    'latest',
    'lts',
    'stable',
    'mainline',
    'bookworm',
    'alpine',
    'alpine3.24',
    'slim-bookworm',
    'lts-alpine3.23',
    'windowsservercore-ltsc2022',
    'jdk25-temurin-noble',
    'edge',
    'rawhide',
    'sha256-' + 'a'.repeat(64) + '.sig',
    '3.11.4slim',
    '1.2.3.4.5',
    '',
  ]) {
    assert.equal(parseTagVersion(tag), undefined, tag);
  }
});

test('rawNumbers keep leading zeros; numbers compare without them', () => {
  assert.deepEqual(parsed('2024.01.05').rawNumbers, ['2024', '01', '05']);
  assert.equal(compareTagVersions(parsed('2024.01.05'), parsed('2024.1.5')), 0);
  assert.ok(compareTagVersions(parsed('2024.01.10'), parsed('2024.01.09')) > 0);
  assert.ok(compareTagVersions(parsed('08.10'), parsed('08.9')) > 0);
});

test('compareTagVersions orders numbers, then pre-releases, then builds', () => {
  const ascending = [
    '3.9.0',
    '3.10.0a1',
    '3.10.0a7',
    '3.10.0b1',
    '3.10.0rc1',
    '3.10.0rc2',
    '3.10.0',
    '3.10.1',
    '3.10.10',
    '3.11.0',
  ];
  for (let i = 1; i < ascending.length; i++) {
    assert.ok(
      compareTagVersions(parsed(ascending[i]), parsed(ascending[i - 1])) > 0,
      `${ascending[i]} > ${ascending[i - 1]}`,
    );
    assert.ok(
      compareTagVersions(parsed(ascending[i - 1]), parsed(ascending[i])) < 0,
      `${ascending[i - 1]} < ${ascending[i]}`,
    );
  }
  assert.ok(compareTagVersions(parsed('1.0-dev'), parsed('1.0-alpha')) < 0);
  assert.ok(compareTagVersions(parsed('8.0-preview.3'), parsed('8.0-preview.10')) < 0);
  assert.ok(compareTagVersions(parsed('21-ea'), parsed('21')) < 0);
  assert.ok(compareTagVersions(parsed('11.0.32_10'), parsed('11.0.32_9')) > 0, 'builds compare as numbers');
  assert.ok(compareTagVersions(parsed('11.0.33_1'), parsed('11.0.32_12')) > 0, 'the version wins over the build');
  assert.ok(compareTagVersions(parsed('1.2.3.10'), parsed('1.2.3.9')) > 0);
  assert.ok(compareTagVersions(parsed('20260815'), parsed('20260705')) > 0);
  assert.equal(compareTagVersions(parsed('3.11.4-slim'), parsed('3.11.4-alpine')), 0, 'the variant does not order');
});

test('sameLine needs the same prefix, variant, number of parts and build shape', () => {
  assert.ok(sameLine(parsed('3.11.4-slim'), parsed('3.12.1-slim')));
  assert.ok(!sameLine(parsed('3.11-slim'), parsed('3.11.4-slim')));
  assert.ok(!sameLine(parsed('3.11.4-alpine3.19'), parsed('3.11.4-alpine3.20')));
  assert.ok(!sameLine(parsed('v3.7.11'), parsed('3.7.11')));
  assert.ok(!sameLine(parsed('ee-8.1.2.4'), parsed('ce-8.1.2.4')));
  assert.ok(!sameLine(parsed('ee-8.1.2.4'), parsed('ee-8.1.2.4_1')));
  assert.ok(sameLine(parsed('11.0.20_8-jdk'), parsed('11.0.32_9-jdk')));
  assert.ok(!sameLine(parsed('3'), parsed('20260805')), 'a date is not a major version');
  assert.ok(sameLine(parsed('20240606'), parsed('20260805')));
  assert.ok(sameLine(parsed('2025'), parsed('2026')), 'a year alone is a version');
});

test('Java 8 update tags: 8u402 is 8.0.402, -b06 its build', () => {
  assert.deepEqual(shape('8u502-b07-jdk-alpine-3.24'), {
    prefix: '',
    numbers: [8, 0, 502],
    prerelease: undefined,
    build: '-b07',
    variant: '-jdk-alpine-3.24',
  });
  assert.deepEqual(shape('8u504-al2'), {
    prefix: '',
    numbers: [8, 0, 504],
    prerelease: undefined,
    build: undefined,
    variant: '-al2',
  });
  assert.deepEqual(shape('8u504'), {
    prefix: '',
    numbers: [8, 0, 504],
    prerelease: undefined,
    build: undefined,
    variant: '',
  });
  assert.ok(compareTagVersions(parsed('8u502-b07-jre'), parsed('8u502-b06-jre')) > 0);
  assert.ok(compareTagVersions(parsed('8u502-b01-jre'), parsed('8u482-b08-jre')) > 0);
  assert.equal(parseTagVersion('8uabc'), undefined);
  assert.deepEqual(
    findNewerVersions('8u402-b06-jre-jammy', [
      '8u502-b07-jre-jammy',
      '8u502-b07-jdk-jammy',
      '8-jre-jammy',
      '11.0.32_9-jre-jammy',
    ]),
    {
      patch: '8u502-b07-jre-jammy',
      major: '11.0.32_9-jre-jammy',
    },
  );
  assert.deepEqual(findNewerVersions('8u402-al2', ['8u504-al2', '8-al2', '21.0.12-al2']), {
    patch: '8u504-al2',
    major: '21.0.12-al2',
  });
});

test('alpine:3 is not told to move to the edge snapshot 20260805', () => {
  assert.deepEqual(findNewerVersions('3', ['3', '20260805', '3.24', 'edge']), {});
  assert.deepEqual(findNewerVersions('20240606', ['3', '20260805']), { major: '20260805' });
});

// Each of these was wrong before the fix named in its message.
test('Temurin builds (_9) are not variants: 11.0.20_8 sees 11.0.32_9', () => {
  assert.deepEqual(
    findNewerVersions('11.0.20_8-jdk-jammy', [
      '11.0.32_9-jdk-jammy',
      '17.0.20_8-jdk-jammy',
      '11.0.32_9-jre-jammy',
      '11-jdk-jammy',
    ]),
    {
      patch: '11.0.32_9-jdk-jammy',
      major: '17.0.20_8-jdk-jammy',
    },
  );
  assert.deepEqual(findNewerVersions('11.0.32_8-jdk', ['11.0.32_9-jdk', '11.0.32_10-jdk']), {
    patch: '11.0.32_10-jdk',
  });
});

test('a release of the same numbers as the current pre-release is suggested for one and three parts', () => {
  assert.deepEqual(findNewerVersions('19beta3', ['19rc1', '19', '18']), { patch: '19' });
  assert.deepEqual(findNewerVersions('19beta3', ['19rc1']), { patch: '19rc1' });
  assert.deepEqual(findNewerVersions('3.15.0rc1', ['3.15.0rc2', '3.15.0', '3.15.1']), { patch: '3.15.1' });
});

test('pre-release channels (8.5-rc, 28-ea) are not offered what may be behind them', () => {
  // php: 8.5-rc is 8.5.10RC1 while 8.5 is 8.5.9.
  assert.deepEqual(findNewerVersions('8.5-rc-cli', ['8.5-cli', '8.5.9-cli', '8.6-rc-cli', '8.4-cli']), {});
  assert.deepEqual(findNewerVersions('3.15-rc-slim', ['3.15-slim', '3.16-slim']), { minor: '3.16-slim' });
  assert.deepEqual(findNewerVersions('3.5-dev', ['3.5-dev5', '3.5']), {});
  // With a number of its own it is one pre-release, not a channel.
  assert.deepEqual(findNewerVersions('3.5-dev3', ['3.5-dev5', '3.5-dev']), { patch: '3.5-dev5' });
  // One part: numbered builds are behind the channel, the release is not.
  assert.deepEqual(findNewerVersions('28-ea-jdk', ['28-ea-11-jdk', '28-ea-jdk']), {});
  assert.deepEqual(findNewerVersions('27-rc-jdk', ['27-jdk', '27-ea-5-jdk', '28-ea-jdk']), { patch: '27-jdk' });
  assert.deepEqual(
    findNewerVersions('4.0.0-rc-eclipse-temurin-21', ['4.0.0-rc-5-eclipse-temurin-21', '4.0.0-eclipse-temurin-21']),
    { patch: '4.0.0-eclipse-temurin-21' },
  );
});

test('a pre-release is suggested only to someone testing that same release', () => {
  assert.deepEqual(findNewerVersions('3.15.0rc1', ['3.16.0a1', '4.0.0b1', '3.15.0rc2']), { patch: '3.15.0rc2' });
  assert.deepEqual(findNewerVersions('3.14.7', ['3.15.0rc1', '3.14.8rc1']), {});
});

test('a tag is parsed once: the same read-only answer every time, named tags included', () => {
  const first = parseTagVersion('3.11.4-slim-bookworm');
  assert.equal(parseTagVersion('3.11.4-slim-bookworm'), first);
  assert.equal(parseTagVersion('bookworm'), undefined);
  assert.equal(parseTagVersion('bookworm'), undefined);
});
