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
  assert.deepEqual([pg13?.product, pg13?.cycle, pg13?.eolDate, pg13?.isEol, pg13?.oldestSupportedCycle, pg13?.latestCycle], ['postgresql', '13', '2025-11-13', true, '14', '18']);
  const pg96 = lookupEol(hub('postgres'), '9.6.24-alpine', TODAY);
  assert.deepEqual([pg96?.cycle, pg96?.eolDate, pg96?.oldestSupportedCycle], ['9.6', '2021-11-11', '14']);
  assert.equal(lookupEol(hub('postgres'), '17.2-bookworm', TODAY)?.isEol, false);
});

test('python:3.8-slim ended 2024-10-07; the oldest supported is 3.10 (3.9 ended 2025-10-31)', () => {
  const py = lookupEol(hub('python'), '3.8-slim', TODAY);
  assert.deepEqual([py?.product, py?.cycle, py?.eolDate, py?.isEol, py?.oldestSupportedCycle, py?.latestCycle], ['python', '3.8', '2024-10-07', true, '3.10', '3.14']);
  assert.equal(lookupEol(hub('python'), '3.11.4-slim-bookworm', TODAY)?.cycle, '3.11');
  // The longest matching cycle: 3.1 is a cycle too, but 3.10 is the one meant.
  assert.equal(lookupEol(hub('python'), '3.10.21', TODAY)?.cycle, '3.10');
  assert.equal(lookupEol(hub('python'), '2.7.18-slim', TODAY)?.oldestSupportedCycle, '3.10');
});

test('golang:1.22 is Go 1.22, ended 2025-02-11; 1.25 ended 2026-08-19, so 1.26 is the oldest supported', () => {
  const go = lookupEol(hub('golang'), '1.22', TODAY);
  assert.deepEqual([go?.product, go?.productTitle, go?.cycle, go?.eolDate, go?.isEol, go?.oldestSupportedCycle, go?.latestCycle], ['go', 'Go', '1.22', '2025-02-11', true, '1.26', '1.27']);
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
  assert.deepEqual([ub?.cycle, ub?.eolDate, ub?.isEol, ub?.oldestSupportedCycle], ['20.04', '2025-05-31', true, '22.04']);
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
  assert.equal(lookupEol(hub('debian'), 'bookworm-20260803', TODAY), undefined);
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
  assert.deepEqual(lookupEol(hub('thing'), '1.4', TODAY, data), { product: 'thing', productTitle: 'Thing', cycle: '1', eolDate: undefined, isEol: true, oldestSupportedCycle: '2', latestCycle: '3' });
  // The end-of-life day itself is still supported; the day after is not.
  assert.equal(lookupEol(hub('thing'), '2', TODAY, data)?.isEol, false);
  assert.equal(lookupEol(hub('thing'), '2', new Date('2026-08-23T00:00:00Z'), data)?.isEol, true);
  assert.equal(lookupEol(hub('thing'), '2', new Date('2026-08-23T00:00:00Z'), data)?.oldestSupportedCycle, '3');
  assert.equal(lookupEol({ registry: 'docker.io', repository: 'acme/thing' }, 'v2.1', TODAY, data)?.cycle, '2');
});
