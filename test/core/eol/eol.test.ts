import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lookupEol, type EolSnapshot } from '../../../server/src/core/eol/eol';

// The shipped snapshot is from 2026-08-22; a fixed day keeps these answers from changing with the calendar.
const TODAY = new Date('2026-08-22T12:00:00Z');
const hub = (name: string) => ({ registry: 'docker.io', repository: `library/${name}` });

test('node:16-alpine reached end of life on 2023-09-11; Node.js 22 is the oldest cycle still supported', () => {
  assert.deepEqual(lookupEol(hub('node'), '16-alpine', TODAY), {
    product: 'nodejs',
    productTitle: 'Node.js',
    cycle: '16',
    eolDate: '2023-09-11',
    isEol: true,
    oldestSupportedCycle: '22',
    latestCycle: '26',
    data: { source: 'snapshot', asOf: '2026-08-22' },
  });
});

test('node: the cycle is the major; 20 ended 2026-04-30, 22 is supported and is its own oldest supported cycle', () => {
  const n20 = lookupEol(hub('node'), '20.11-alpine', TODAY);
  assert.equal(n20?.cycle, '20');
  assert.equal(n20?.eolDate, '2026-04-30');
  assert.equal(n20?.isEol, true);
  assert.equal(n20?.oldestSupportedCycle, '22');
  const n22 = lookupEol(hub('node'), '22.23.2-bookworm-slim', TODAY);
  assert.equal(n22?.isEol, false);
  assert.equal(n22?.eolDate, '2027-04-30');
  assert.equal(n22?.oldestSupportedCycle, '22');
  // Before its end of life the same cycle is supported.
  assert.equal(lookupEol(hub('node'), '20', new Date('2026-01-01T00:00:00Z'))?.isEol, false);
  assert.equal(lookupEol(hub('node'), '20', new Date('2026-01-01T00:00:00Z'))?.oldestSupportedCycle, '20');
});

test('postgres:13 ended 2025-11-13; 14 is still supported; 9.6.24 maps to cycle 9.6', () => {
  const pg13 = lookupEol(hub('postgres'), '13', TODAY);
  assert.deepEqual(
    [pg13?.product, pg13?.cycle, pg13?.eolDate, pg13?.isEol, pg13?.oldestSupportedCycle, pg13?.latestCycle],
    ['postgresql', '13', '2025-11-13', true, '14', '18'],
  );
  const pg96 = lookupEol(hub('postgres'), '9.6.24-alpine', TODAY);
  assert.deepEqual([pg96?.cycle, pg96?.eolDate, pg96?.oldestSupportedCycle], ['9.6', '2021-11-11', '14']);
  assert.equal(lookupEol(hub('postgres'), '17.2-bookworm', TODAY)?.isEol, false);
});

test('python:3.8-slim ended 2024-10-07; the oldest supported is 3.10 (3.9 ended 2025-10-31)', () => {
  const py = lookupEol(hub('python'), '3.8-slim', TODAY);
  assert.deepEqual(
    [py?.product, py?.cycle, py?.eolDate, py?.isEol, py?.oldestSupportedCycle, py?.latestCycle],
    ['python', '3.8', '2024-10-07', true, '3.10', '3.14'],
  );
  assert.equal(lookupEol(hub('python'), '3.11.4-slim-bookworm', TODAY)?.cycle, '3.11');
  // The longest matching cycle: 3.1 is a cycle too, but 3.10 is the one meant.
  assert.equal(lookupEol(hub('python'), '3.10.21', TODAY)?.cycle, '3.10');
  assert.equal(lookupEol(hub('python'), '2.7.18-slim', TODAY)?.oldestSupportedCycle, '3.10');
});

test('golang:1.22 is Go 1.22, ended 2025-02-11; 1.25 ended 2026-08-19, so 1.26 is the oldest supported', () => {
  const go = lookupEol(hub('golang'), '1.22', TODAY);
  assert.deepEqual(
    [go?.product, go?.productTitle, go?.cycle, go?.eolDate, go?.isEol, go?.oldestSupportedCycle, go?.latestCycle],
    ['go', 'Go', '1.22', '2025-02-11', true, '1.26', '1.27'],
  );
  const current = lookupEol(hub('golang'), '1.27.0-alpine', TODAY);
  assert.equal(current?.isEol, false);
  assert.equal(current?.eolDate, undefined, 'no end announced');
});

test('the cycle to move to is never older than the current one (Temurin 8 was released as Temurin after 16)', () => {
  const t16 = lookupEol(hub('eclipse-temurin'), '16-jdk', TODAY);
  assert.equal(t16?.isEol, true);
  assert.equal(t16?.oldestSupportedCycle, '17');
  assert.equal(lookupEol(hub('eclipse-temurin'), '8-jdk-jammy', TODAY)?.isEol, false);
  assert.equal(lookupEol(hub('eclipse-temurin'), '11.0.32_9-jre', TODAY)?.cycle, '11');
  assert.equal(lookupEol(hub('eclipse-temurin'), '8u402-b06-jre-jammy', TODAY)?.cycle, '8');
});

test('two-part cycles: ubuntu 20.04, alpine 3.19, redis 7.0', () => {
  const ub = lookupEol(hub('ubuntu'), '20.04', TODAY);
  assert.deepEqual(
    [ub?.cycle, ub?.eolDate, ub?.isEol, ub?.oldestSupportedCycle],
    ['20.04', '2025-05-31', true, '22.04'],
  );
  const al = lookupEol(hub('alpine'), '3.19.1', TODAY);
  assert.deepEqual([al?.cycle, al?.eolDate, al?.isEol, al?.oldestSupportedCycle], ['3.19', '2025-11-01', true, '3.21']);
  const rd = lookupEol(hub('redis'), '7.0.15-alpine', TODAY);
  assert.deepEqual([rd?.cycle, rd?.isEol, rd?.oldestSupportedCycle], ['7.0', true, '7.2']);
});

test('no answer: no product, another registry, named or missing tags, unknown cycles, prefixed versions', () => {
  assert.equal(lookupEol(hub('hello-world'), 'linux', TODAY), undefined);
  assert.equal(lookupEol(hub('busybox'), '1.36', TODAY), undefined);
  assert.equal(lookupEol({ registry: 'ghcr.io', repository: 'library/node' }, '16', TODAY), undefined);
  assert.equal(lookupEol(hub('node'), 'latest', TODAY), undefined);
  assert.equal(lookupEol(hub('node'), 'lts-alpine', TODAY), undefined);
  assert.equal(lookupEol(hub('node'), undefined, TODAY), undefined);
  assert.equal(lookupEol(hub('node'), '99', TODAY), undefined);
  // Moving aliases are not codenames: what `stable` means changes after the snapshot's date.
  for (const tag of ['stable', 'oldstable-slim', 'testing', 'sid', 'unstable'])
    assert.equal(lookupEol(hub('debian'), tag, TODAY), undefined, tag);
  assert.equal(lookupEol(hub('ubuntu'), 'devel', TODAY), undefined);
  assert.equal(lookupEol(hub('debian'), 'forky', TODAY), undefined, 'Debian 14 has no cycle in the snapshot yet');
  assert.equal(lookupEol(hub('node'), 'bookworm', TODAY), undefined, 'only the distribution itself has codenames');
});

test('codenames: debian:bullseye is Debian 11, ended 2024-08-14; bookworm (12) ended 2026-07-11, so 13 is the one to move to', () => {
  const bullseye = lookupEol(hub('debian'), 'bullseye', TODAY);
  assert.deepEqual(
    [
      bullseye?.product,
      bullseye?.cycle,
      bullseye?.eolDate,
      bullseye?.isEol,
      bullseye?.oldestSupportedCycle,
      bullseye?.latestCycle,
    ],
    ['debian', '11', '2024-08-14', true, '13', '13'],
  );
  for (const tag of [
    'bookworm',
    'bookworm-slim',
    'bookworm-20260803',
    'bookworm-20260803-slim',
    'bookworm-backports',
  ]) {
    assert.equal(lookupEol(hub('debian'), tag, TODAY)?.cycle, '12', tag);
  }
  assert.equal(lookupEol(hub('debian'), 'trixie-slim', TODAY)?.isEol, false);
});

test('codenames: ubuntu:focal is 20.04, ended 2025-05-31; jammy-20260810 is 22.04, supported until 2027-04-01', () => {
  const focal = lookupEol(hub('ubuntu'), 'focal', TODAY);
  assert.deepEqual(
    [focal?.cycle, focal?.eolDate, focal?.isEol, focal?.oldestSupportedCycle],
    ['20.04', '2025-05-31', true, '22.04'],
  );
  const jammy = lookupEol(hub('ubuntu'), 'jammy-20260810', TODAY);
  assert.deepEqual([jammy?.cycle, jammy?.eolDate, jammy?.isEol], ['22.04', '2027-04-01', false]);
  assert.equal(lookupEol(hub('ubuntu'), 'noble', TODAY)?.cycle, '24.04');
});

test('a tag shorter than every cycle floats to the newest released cycle under it', () => {
  // tomcat:9 is 9.0.x; tomcat:8 was 8.5.x, ended 2024-03-31; tomcat:10 is 10.1, not the ended 10.0.
  assert.deepEqual(
    [lookupEol(hub('tomcat'), '9-jdk17', TODAY)?.cycle, lookupEol(hub('tomcat'), '9', TODAY)?.isEol],
    ['9.0', false],
  );
  const t8 = lookupEol(hub('tomcat'), '8', TODAY);
  assert.deepEqual([t8?.cycle, t8?.eolDate, t8?.isEol, t8?.oldestSupportedCycle], ['8.5', '2024-03-31', true, '9.0']);
  assert.equal(lookupEol(hub('tomcat'), '10', TODAY)?.cycle, '10.1');
  // mysql:8 is 8.4 (the LTS line the official image's `8` tag follows), python:3 is 3.14, postgres:9 was 9.6.
  assert.equal(lookupEol(hub('mysql'), '8-oracle', TODAY)?.cycle, '8.4');
  assert.equal(lookupEol(hub('python'), '3-slim', TODAY)?.cycle, '3.14');
  assert.deepEqual(
    [lookupEol(hub('postgres'), '9', TODAY)?.cycle, lookupEol(hub('postgres'), '9', TODAY)?.isEol],
    ['9.6', true],
  );
  // A cycle is matched exactly when one fits: node:20 is 20, not a longer cycle.
  assert.equal(lookupEol(hub('node'), '20', TODAY)?.cycle, '20');
});

test('an ended cycle without a date, and a snapshot passed in', () => {
  const data: EolSnapshot = {
    date: '2026-01-01',
    source: 'test',
    images: { 'library/thing': 'thing', 'acme/thing': 'thing' },
    products: {
      thing: {
        title: 'Thing',
        cycles: [
          { cycle: '3', eol: false, releaseDate: '2025-01-01' },
          { cycle: '2', eol: '2026-08-22', releaseDate: '2024-01-01' },
          { cycle: '1', eol: true, releaseDate: '2023-01-01' },
          { cycle: 'legacy', eol: true, releaseDate: '2020-01-01' },
        ],
      },
    },
  };
  assert.deepEqual(lookupEol(hub('thing'), '1.4', TODAY, data), {
    product: 'thing',
    productTitle: 'Thing',
    cycle: '1',
    eolDate: undefined,
    isEol: true,
    oldestSupportedCycle: '2',
    latestCycle: '3',
    data: { source: 'snapshot', asOf: data.date },
  });
  // The end-of-life day itself is still supported; the day after is not.
  assert.equal(lookupEol(hub('thing'), '2', TODAY, data)?.isEol, false);
  assert.equal(lookupEol(hub('thing'), '2', new Date('2026-08-23T00:00:00Z'), data)?.isEol, true);
  assert.equal(lookupEol(hub('thing'), '2', new Date('2026-08-23T00:00:00Z'), data)?.oldestSupportedCycle, '3');
  assert.equal(lookupEol({ registry: 'docker.io', repository: 'acme/thing' }, 'v2.1', TODAY, data)?.cycle, '2');
});
