// Alpine's apk order, on versions as Alpine's own packages spell them (apk-package(5) "pkgver").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareApkVersions } from '../../../server/src/core/vuln/apkVersion';

// Each line: a, the expected order, b. Written from apk-package(5) and apk-tools' rules.
const VECTORS = `
1.2.3 < 1.2.4
1.2.3-r0 < 1.2.3-r1
1.2.3-r9 < 1.2.3-r10
1.2.3 < 1.2.3-r1
1.2 < 1.2.1
1.2.10 > 1.2.9
3.0.13-r0 < 3.0.14-r0
3.3.2-r0 > 3.1.4-r5
1.36.1-r15 < 1.36.1-r29
1.2_alpha < 1.2_beta
1.2_beta < 1.2_pre
1.2_pre < 1.2_rc
1.2_rc1 < 1.2
1.2 < 1.2_cvs
1.2_cvs < 1.2_svn
1.2_svn < 1.2_git
1.2_git < 1.2_hg
1.2_hg < 1.2_p1
1.2_p1 < 1.2_p2
1.2_p9 < 1.2_p10
1.2_rc1 < 1.2_rc2
1.2_alpha2 > 1.2_alpha1
1.2a < 1.2b
1.2 < 1.2a
1.2a < 1.2.1
2.3.0b-r1 < 2.3.0b-r2
6.6.2p1-r0 < 6.6.2p1-r2
9.3p2-r0 < 9.3p2-r1
9.3p1-r0 < 9.3p2-r0
1.010 < 1.09
1.02 < 1.03
0.01 < 0.06
1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
0.1.0_alpha_pre2 < 0.1.0_alpha
1.0_p10-r0 > 1.0_p9-r0
1.3_pre1-r1 < 1.3.2
20050718-r1 < 20050718-r2
2.2.39-r1 > 1.0.4-r3
1.2.3-r1 = 1.2.3-r01
1.2.3~abc123-r0 = 1.2.3-r0
1.2.3 = 1.2.3
`;

test('apk order on Alpine versions: numbers, letters, suffixes, revisions, leading zeros', () => {
  let checked = 0;
  for (const line of VECTORS.trim().split('\n')) {
    const [a, op, b] = line.split(' ');
    const want = op === '<' ? -1 : op === '=' ? 0 : 1;
    assert.equal(Math.sign(compareApkVersions(a, b)), want, line);
    assert.equal(Math.sign(compareApkVersions(b, a)), want === 0 ? 0 : -want, `reversed: ${line}`);
    checked++;
  }
  assert.equal(checked, 41);
});

test('sorting a shuffled release history gives it back in order', () => {
  const history = [
    '3.0.8-r0',
    '3.0.8-r1',
    '3.0.9-r0',
    '3.0.10-r0',
    '3.0.12_rc1-r0',
    '3.0.12-r0',
    '3.0.12-r1',
    '3.0.12_p1-r0',
    '3.1.0-r0',
  ];
  const shuffled = [
    history[4],
    history[0],
    history[8],
    history[2],
    history[7],
    history[1],
    history[6],
    history[3],
    history[5],
  ];
  assert.deepEqual(shuffled.sort(compareApkVersions), history);
});
