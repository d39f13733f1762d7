import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument } from '../../server/src/core/analyze';
import type { ImageFacts } from '../../server/src/core/facts';
import { planPins } from '../../server/src/features/pin';

const D = `sha256:${'c'.repeat(64)}`;
const known: ImageFacts = { currentDigest: { state: 'known', value: D } };

test('plans one edit per place where reference text lives', () => {
  const analysis = analyzeDocument(
    'ARG BASE=nginx:1.27\nFROM ${BASE}\nFROM ${BASE} AS two\nFROM redis\nFROM alpine:3.20@' + D + '\n',
    'dockerfile',
  );
  const plan = planPins(analysis, () => known);
  assert.deepEqual(
    plan.edits.map((e) => [e.range.start.line, e.newText]),
    [
      [0, `nginx:1.27@${D}`],
      [3, `redis:latest@${D}`],
    ],
  );
  assert.equal(plan.alreadyPinned, 1);
  assert.equal(plan.unpinned, 3);
});

test('reports references it cannot pin, with the reason', () => {
  const analysis = analyzeDocument('ARG V=1\nFROM nginx:${V}\nFROM ghost:1\n', 'dockerfile');
  const plan = planPins(analysis, (r) =>
    r.reference?.repository === 'library/ghost' ? { currentDigest: { state: 'notFound', missing: 'tag' } } : known,
  );
  assert.equal(plan.edits.length, 0);
  assert.match(plan.failed[0].reason, /built from variables/);
  assert.match(plan.failed[1].reason, /no tag 1/);
});

test('compose ${VAR:-default} is pinned in the default', () => {
  const analysis = analyzeDocument('services:\n  a:\n    image: ${IMG:-redis:7}\n', 'compose', () => undefined);
  const plan = planPins(analysis, () => known);
  assert.deepEqual(
    plan.edits.map((e) => [e.range.start.character, e.expectedText, e.newText]),
    [[18, 'redis:7', `redis:7@${D}`]],
  );
});
