import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findNewerVersions } from '../../../server/src/core/versions/findNewerVersions';
import { NEWER_VERSION_CASES, officialTags, tagsFor } from './officialTagTable.cases';

const official = officialTags();

test('the table has at least 200 cases over real official tag lists', () => {
  assert.ok(NEWER_VERSION_CASES.length >= 200, `${NEWER_VERSION_CASES.length} cases`);
  const images = new Set(NEWER_VERSION_CASES.filter((c) => !c.only).map((c) => c.image));
  for (const image of [
    'python',
    'node',
    'golang',
    'postgres',
    'nginx',
    'redis',
    'eclipse-temurin',
    'ubuntu',
    'debian',
    'alpine',
  ])
    assert.ok(images.has(image), image);
});

for (const c of NEWER_VERSION_CASES) {
  const expected = Object.fromEntries((['patch', 'minor', 'major'] as const).filter((k) => c[k]).map((k) => [k, c[k]]));
  test(`${c.image}:${c.current} → ${JSON.stringify(expected)}${c.why ? ` (${c.why})` : ''}`, () => {
    const tags = tagsFor(c, official);
    for (const k of ['patch', 'minor', 'major'] as const) {
      if (c[k]) assert.ok(tags.includes(c[k]), `the expected ${k} ${c[k]} must be one of the tags`);
    }
    assert.deepEqual(findNewerVersions(c.current, tags), expected);
  });
}
