import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeImage,
  groupByFile,
  groupByImage,
  imageOfReference,
  tierIcon,
  type ImagePlace,
} from '../../client/src/imageInventory';

const at = (line: number) => ({ start: { line, character: 5 }, end: { line, character: 15 } });
const PLACES: ImagePlace[] = [
  {
    uri: 'file:///w/b/Dockerfile',
    range: at(0),
    text: 'nginx:1.27',
    image: 'nginx',
    tag: '1.27',
    tier: 'official',
    trusted: true,
    pinned: false,
    newer: '1.27.3',
    findings: [{ rule: 'unpinned-digest', severity: 'info' }],
  },
  {
    uri: 'file:///w/a/compose.yaml',
    range: at(4),
    text: 'nginx:latest',
    image: 'nginx',
    tag: 'latest',
    tier: 'official',
    trusted: true,
    pinned: false,
    findings: [{ rule: 'latest-tag', severity: 'warning' }],
  },
  {
    uri: 'file:///w/a/compose.yaml',
    range: at(2),
    text: 'postgres:16@sha256:abc',
    image: 'postgres',
    tag: '16',
    digest: 'sha256:abc',
    tier: 'official',
    trusted: true,
    pinned: true,
    findings: [],
  },
  {
    uri: 'file:///w/b/Dockerfile',
    range: at(1),
    text: 'someuser/app:1',
    image: 'someuser/app',
    tag: '1',
    tier: 'community',
    trusted: false,
    pinned: false,
    endOfLife: true,
    findings: [{ rule: 'unofficial-image', severity: 'error' }],
  },
];

test('grouped by image: worst first, every place counted, versions and unpinned places', () => {
  const groups = groupByImage(PLACES);
  assert.deepEqual(
    groups.map((g) => [g.image, g.places.length, g.worst, g.unpinned]),
    [
      ['someuser/app', 1, 'error', 1],
      ['nginx', 2, 'warning', 2],
      ['postgres', 1, undefined, 0],
    ],
  );
  const nginx = groups[1];
  assert.deepEqual(nginx.versions, ['1.27', 'latest']);
  assert.deepEqual(
    nginx.places.map((p) => p.uri),
    ['file:///w/a/compose.yaml', 'file:///w/b/Dockerfile'],
  );
  assert.equal(describeImage(nginx), '2 places · 1.27, latest · 2 unpinned · 1.27.3 available');
  assert.equal(describeImage(groups[0]), '1 place · 1 · 1 unpinned · end of life');
  assert.equal(tierIcon(groups[0].tier, groups[0].trusted), 'warning');
  assert.equal(tierIcon(groups[2].tier, groups[2].trusted), 'verified-filled');
});

test('grouped by file: places in line order', () => {
  const files = groupByFile(PLACES);
  assert.deepEqual(
    files.map((f) => [f.uri, f.places.map((p) => p.range.start.line), f.worst]),
    [
      ['file:///w/b/Dockerfile', [0, 1], 'error'],
      ['file:///w/a/compose.yaml', [2, 4], 'warning'],
    ],
  );
});

test('the image a reference names', () => {
  assert.equal(imageOfReference('nginx:1.27@sha256:abc'), 'nginx');
  assert.equal(imageOfReference('localhost:5000/team/app:1'), 'localhost:5000/team/app');
  assert.equal(imageOfReference('ghcr.io/o/r'), 'ghcr.io/o/r');
});

test('an image with known vulnerabilities that a newer tag fixes says so in its line and tooltip', async () => {
  const { imageTooltip } = await import('../../client/src/imageInventory');
  const vulnerable: ImagePlace = {
    ...PLACES[2],
    findings: [{ rule: 'vulnerable-image', severity: 'warning' }],
  };
  const [group] = groupByImage([vulnerable]);
  assert.equal(group.vulnerable, true);
  assert.match(describeImage(group), / · vulnerable$/);
  assert.match(imageTooltip(group), /Known vulnerabilities that a newer tag fixes/);
  assert.equal(groupByImage([PLACES[2]])[0].vulnerable, false);
});

test('an image can be updated everywhere to a patch only when some place has a newer patch release', () => {
  const minorOnly: ImagePlace = { ...PLACES[0], newer: '1.29.0', newerPatch: undefined };
  const [group] = groupByImage([minorOnly]);
  assert.equal(group.newer, '1.29.0', 'the view still says a newer version exists');
  assert.equal(group.patchable, false);
  assert.equal(groupByImage([minorOnly, { ...PLACES[0], newerPatch: '1.27.3' }])[0].patchable, true);
});
