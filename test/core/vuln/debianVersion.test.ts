// Our dpkg order against the real thing: `dpkg --compare-versions` on thousands of generated pairs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { compareDebianVersions } from '../../../server/src/core/vuln/debianVersion';

const hasDpkg = spawnSync('dpkg', ['--version']).status === 0;

/** dpkg's verdict for each pair: -1, 0 or 1, from one shell that runs dpkg per pair. */
function dpkgOrder(pairs: Array<[string, string]>): number[] {
  const script =
    'while read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; ' +
    'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done';
  const run = spawnSync('sh', ['-c', script], {
    input: pairs.map(([a, b]) => `${a} ${b}`).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split('\n').map(Number);
}

// Versions made of the pieces real Debian versions have: epochs, ~ pre-releases, +dfsg/+b1 and
// ~deb12u3 suffixes, letters, dots, leading zeros, and revisions with their own dots and tildes.
const piece = fc.constantFrom(
  '0',
  '00',
  '1',
  '2',
  '9',
  '10',
  '010',
  '3',
  '11',
  'a',
  'b',
  'z',
  'A',
  '~',
  '~~',
  '+',
  '.',
  'rc',
  'dfsg',
  'deb12u',
  'b',
);
const upstream = fc
  .tuple(fc.integer({ min: 0, max: 20 }), fc.array(piece, { maxLength: 6 }))
  .map(([n, rest]) => `${n}${rest.join('')}`);
const revision = fc
  .array(fc.constantFrom('0', '1', '2', '10', '+', '~', '.', 'b', 'deb', 'u', '1'), {
    minLength: 1,
    maxLength: 5,
  })
  .map((parts) => (/^[0-9A-Za-z]/.test(parts[0]) ? parts.join('') : `1${parts.join('')}`));
const version = fc
  .tuple(fc.option(fc.constantFrom(0, 1, 2, 10), { nil: undefined }), upstream, fc.option(revision, { nil: undefined }))
  .map(([epoch, up, rev]) => `${epoch !== undefined ? `${epoch}:` : ''}${up}${rev !== undefined ? `-${rev}` : ''}`);

test('dpkg order on real Debian versions and their corner cases', () => {
  const cases: Array<[string, string, number]> = [
    ['1.0~rc1', '1.0', -1],
    ['1.0', '1.0-0', 0],
    ['1.0-a', '1.0-1', 1],
    ['3.0.11-1~deb12u2', '3.0.11-1~deb12u2+b1', -1],
    ['3.0.11-1~deb12u2', '3.0.13-1~deb12u1', -1],
    ['1.1.1n-0+deb11u5', '1.1.1w-0+deb11u1', -1],
    ['1:1.0', '2.0', 1],
    ['2.36-9+deb12u4', '2.36-9+deb12u10', -1],
    ['1.0~~', '1.0~', -1],
    ['7.88.1-10+deb12u5', '7.88.1-10+deb12u5', 0],
  ];
  for (const [a, b, want] of cases) assert.equal(compareDebianVersions(a, b), want, `${a} vs ${b}`);
  if (hasDpkg)
    assert.deepEqual(
      dpkgOrder(cases.map(([a, b]) => [a, b])),
      cases.map(([, , w]) => w),
    );
});

test(
  'agrees with dpkg --compare-versions on 1200 generated pairs',
  { skip: !hasDpkg && 'dpkg is not installed' },
  () => {
    const pairs = fc.sample(fc.tuple(version, version), { numRuns: 1000, seed: 20261129 });
    // Near neighbours matter most: a version against itself with one piece changed.
    const near = fc.sample(
      version.chain((v) =>
        fc.tuple(
          fc.constant(v),
          fc.constantFrom('~', '+b1', '.0', 'a', '-1', '~1', '0').map((s) => v + s),
        ),
      ),
      { numRuns: 200, seed: 7 },
    );
    const all = [...pairs, ...near];
    const expected = dpkgOrder(all);
    const disagreements = all.filter(([a, b], i) => compareDebianVersions(a, b) !== expected[i]);
    assert.deepEqual(disagreements.slice(0, 10), []);
    assert.equal(expected.length, all.length);
  },
);
