import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeDocument, evaluateRules } from '../../server/src/core/analyze';
import type { ImageFacts } from '../../server/src/core/facts';
import { defaultPolicy } from '../../server/src/core/settings';
import { imagePlaces } from '../../server/src/features/workspaceImages';

test('every reference with its range, state and the findings at its place', () => {
  const text = 'FROM nginx:1.25\nFROM someuser/app:1@sha256:' + 'a'.repeat(64) + '\nFROM ${NOPE}\n';
  const analysis = analyzeDocument(text, 'dockerfile');
  const policy = defaultPolicy();
  const facts: Record<string, ImageFacts> = {
    'nginx:1.25': {
      newer: { patch: '1.25.5', minor: '1.27.3' },
      eol: {
        product: 'nginx',
        productTitle: 'nginx',
        cycle: '1.25',
        isEol: true,
        data: { source: 'snapshot', asOf: '2026-08-22' },
      },
    },
  };
  const findings = evaluateRules(analysis, policy, {
    online: false,
    factsFor: (r) => (r.reference ? facts[r.reference.raw] : undefined),
  });
  const places = imagePlaces('file:///w/Dockerfile', analysis, policy, findings, (raw) => facts[raw]);
  assert.equal(places.length, 3);
  assert.deepEqual(places[0].range, { start: { line: 0, character: 5 }, end: { line: 0, character: 15 } });
  assert.equal(places[0].image, 'nginx');
  assert.equal(places[0].tier, 'official');
  assert.equal(places[0].pinned, false);
  assert.equal(places[0].newer, '1.25.5');
  assert.equal(places[0].newerPatch, '1.25.5');
  assert.equal(places[0].endOfLife, true);
  assert.ok(places[0].findings.some((f) => f.rule === 'unpinned-digest'));
  assert.equal(places[1].image, 'someuser/app');
  assert.equal(places[1].pinned, true);
  assert.equal(places[1].trusted, false);
  assert.equal(places[2].image, undefined);
  assert.equal(places[2].text, '${NOPE}');
});

test('a place with only a newer minor or major version has no newer patch', () => {
  const analysis = analyzeDocument('FROM nginx:1.27.3\n', 'dockerfile');
  const facts: ImageFacts = { newer: { minor: '1.29.0', major: '2.0.0' } };
  const places = imagePlaces('file:///w/Dockerfile', analysis, defaultPolicy(), [], () => facts);
  assert.equal(places[0].newer, '1.29.0');
  assert.equal(places[0].newerPatch, undefined);
});
