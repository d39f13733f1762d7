import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument, evaluateRules } from '../../server/src/core/analyze';
import type { ImageFacts } from '../../server/src/core/facts';
import { defaultPolicy } from '../../server/src/core/settings';
import type { Range } from '../../server/src/core/types';
import {
  pinAllAction,
  planCodeActions,
  referencesIn,
  updatePatchesAction,
} from '../../server/src/features/codeActions';
import { planPins } from '../../server/src/features/pin';

const D = `sha256:${'e'.repeat(64)}`;
const line = (l: number, from = 0, to = 200): Range => ({
  start: { line: l, character: from },
  end: { line: l, character: to },
});

function plan(
  text: string,
  range: Range,
  facts: ImageFacts = {},
  policyFile?: Parameters<typeof planCodeActions>[0]['policyFile'],
) {
  const analysis = analyzeDocument(text, 'dockerfile');
  const policy = defaultPolicy();
  const inRange = referencesIn(analysis, range);
  const findings = evaluateRules({ ...analysis, problems: [], references: inRange }, policy, {
    online: true,
    factsFor: () => facts,
  });
  return planCodeActions({ text, analysis, range, findings, factsFor: () => facts, policy, policyFile });
}

test('each edit is offered once, even when two rules propose it', () => {
  // latest-tag and missing-tag... here: latest resolves to 1.27.3, and unpinned-digest pins.
  const facts: ImageFacts = {
    currentDigest: { state: 'known', value: D },
    latestResolvesTo: '1.27.3',
    tagDigests: { '1.27.3': D },
  };
  const actions = plan('FROM nginx:latest\n', line(0), facts);
  const edits = actions.flatMap((a) => a.documentEdits.map((e) => `${JSON.stringify(e.range)}${e.newText}`));
  assert.equal(new Set(edits).size, edits.length, edits.join('\n'));
  assert.ok(actions.some((a) => a.title.startsWith('Pin to digest') && a.kind === 'quickfix'));
  assert.ok(actions.some((a) => a.title === 'Use 1.27.3 (what latest points to today)'));
});

test('"Pin to digest" also where no rule squiggles (a refactor), only with a known digest', () => {
  // No findings at all (every rule off or silenced by policy): the refactor is still offered.
  const text = '# build\nFROM bitnami/redis:7.2\n';
  const analysis = analyzeDocument(text, 'dockerfile');
  const facts: ImageFacts = { currentDigest: { state: 'known', value: D } };
  const known = planCodeActions({
    text,
    analysis,
    range: line(1, 8, 8),
    findings: [],
    factsFor: () => facts,
    policy: defaultPolicy(),
  });
  assert.deepEqual(
    known.map((a) => [a.title, a.kind, a.documentEdits[0]?.newText]),
    [['Pin bitnami/redis:7.2 to digest', 'refactor.rewrite', `bitnami/redis:7.2@${D}`]],
  );
  const unknown: ImageFacts = { currentDigest: { state: 'unavailable', reason: 'x' } };
  assert.deepEqual(
    planCodeActions({
      text,
      analysis,
      range: line(1, 8, 8),
      findings: [],
      factsFor: () => unknown,
      policy: defaultPolicy(),
    }),
    [],
  );
});

test('ignore: a comment above the instruction, with its indentation and line ending', () => {
  const actions = plan('FROM alpine AS a\r\n  FROM  nginx:latest\r\n', line(1));
  const ignore = actions.find((a) => a.title === 'Ignore latest-tag for this line')!;
  assert.equal(ignore.kind, 'quickfix');
  assert.deepEqual(ignore.finding?.rule, 'latest-tag');
  assert.deepEqual(ignore.documentEdits, [{ range: line(1, 0, 0), newText: '  # image-trust-ignore=latest-tag\r\n' }]);
});

test('ignore: merged into an ignore comment already above', () => {
  const text = '# build stage\n# image-trust-ignore=unpinned-digest  \nFROM nginx:latest\n';
  const ignore = plan(text, line(2)).find((a) => a.title === 'Ignore latest-tag for this line')!;
  assert.deepEqual(ignore.documentEdits, [{ range: line(1, 36, 36), newText: ',latest-tag' }]);
  // The merged comment silences both rules.
  const merged = text.replace('unpinned-digest', 'unpinned-digest,latest-tag');
  assert.ok(!plan(merged, line(2)).some((a) => a.finding?.rule === 'latest-tag'));
});

test('ignore in compose goes above the image: key', () => {
  const text = 'services:\n  web:\n    image: nginx:latest\n';
  const analysis = analyzeDocument(text, 'compose', () => undefined);
  const policy = defaultPolicy();
  const findings = evaluateRules(analysis, policy, { online: false });
  const actions = planCodeActions({ text, analysis, range: line(2), findings, factsFor: () => ({}), policy });
  const ignore = actions.find((a) => a.title === 'Ignore latest-tag for this line')!;
  assert.deepEqual(ignore.documentEdits, [{ range: line(2, 0, 0), newText: '    # image-trust-ignore=latest-tag\n' }]);
});

test('trust namespace: into the existing policy file, or a new file when it may be created', () => {
  const text = 'FROM someuser/tool:1.0\n';
  const existing = plan(text, line(0), {}, { path: '/w/.image-trust.yaml', text: '# ours\ntrustedNamespaces: [a]\n' });
  const trust = existing.find((a) => a.title === 'Trust namespace "someuser" (.image-trust.yaml)')!;
  assert.deepEqual(trust.policyFile, {
    path: '/w/.image-trust.yaml',
    create: false,
    edits: [{ range: line(1, 21, 21), newText: ', someuser' }],
  });
  const created = plan(text, line(0), {}, { path: '/w/.image-trust.yaml', canCreate: true }).find((a) =>
    a.title.startsWith('Trust namespace'),
  )!;
  assert.equal(created.policyFile!.create, true);
  assert.match(created.policyFile!.edits[0].newText, /\ntrustedNamespaces:\n {2}- someuser\n$/);
  assert.ok(
    !plan(text, line(0), {}, { path: '/w/.image-trust.yaml', canCreate: false }).some((a) =>
      a.title.startsWith('Trust'),
    ),
  );
});

test('trust registry: host/namespace and host, added to the list the policy already has', () => {
  const text = 'FROM ghcr.io/acme/tool:1.0\n';
  const analysis = analyzeDocument(text, 'dockerfile');
  const policy = { ...defaultPolicy(), trustedRegistries: ['docker.io'] };
  const findings = evaluateRules(analysis, policy, { online: false });
  const actions = planCodeActions({
    text,
    analysis,
    range: line(0),
    findings,
    factsFor: () => ({}),
    policy,
    policyFile: { path: '/w/.image-trust.yaml', text: 'trustedRegistries:\n  - docker.io\n' },
  });
  const trust = actions.filter((a) => a.title.startsWith('Trust registry'));
  assert.deepEqual(
    trust.map((a) => [a.title, a.policyFile!.edits[0].newText]),
    [
      ['Trust registry ghcr.io/acme (.image-trust.yaml)', '\n  - ghcr.io/acme'],
      ['Trust registry ghcr.io (.image-trust.yaml)', '\n  - ghcr.io'],
    ],
  );
});

test('a policy file that does not parse: the trust action is shown disabled with the reason', () => {
  const actions = plan('FROM someuser/tool:1.0\n', line(0), {}, { path: '/w/.image-trust.yaml', text: 'rules: [\n' });
  const trust = actions.find((a) => a.title.startsWith('Trust namespace'))!;
  assert.match(trust.disabledReason!, /syntax error/);
  assert.equal(trust.policyFile, undefined);
});

test('pin all: one source.pinImages action with every edit, none when nothing can be pinned', () => {
  const analysis = analyzeDocument('FROM nginx:1.27\nFROM redis:7\n', 'dockerfile');
  const action = pinAllAction(planPins(analysis, () => ({ currentDigest: { state: 'known', value: D } })))!;
  assert.equal(action.kind, 'source.pinImages');
  assert.equal(action.title, 'Pin all images in this file (2)');
  assert.equal(action.documentEdits.length, 2);
  assert.equal(pinAllAction(planPins(analysis, () => ({}))), undefined);
});

test('update patches: the newest patch of the same variant; a pinned reference only with its new digest', () => {
  const text =
    'FROM nginx:1.27.1\nFROM nginx:1.27.1-alpine\nFROM redis:7.2.0@' + D + '\nFROM ${BASE}\nFROM nginx:1.27.1\n';
  const analysis = analyzeDocument(text, 'dockerfile');
  const tags = ['1.27.1', '1.27.2', '1.27.3', '1.28.0', '1.27.1-alpine', '1.27.4-alpine', '7.2.0', '7.2.5', '7.4.0'];
  const facts: ImageFacts = { tags: { state: 'known', value: tags } };
  const E = `sha256:${'f'.repeat(64)}`;
  const action = updatePatchesAction(
    analysis,
    () => facts,
    (r, tag) => (r.reference?.repository === 'library/redis' && tag === '7.2.5' ? E : undefined),
  )!;
  assert.equal(action.kind, 'source.updatePatches');
  assert.equal(action.title, 'Update all images in this file to the newest patch (4)');
  assert.deepEqual(
    action.documentEdits.map((e) => [e.range.start.line, e.newText]),
    [
      [0, 'nginx:1.27.3'],
      [1, 'nginx:1.27.4-alpine'],
      [2, `redis:7.2.5@${E}`],
      [4, 'nginx:1.27.3'],
    ],
  );
  // Without the new digest a pinned reference is left alone rather than unpinned.
  const unpinnedNever = updatePatchesAction(
    analysis,
    () => facts,
    () => undefined,
  )!;
  assert.ok(unpinnedNever.documentEdits.every((e) => !e.newText.startsWith('redis')));
  // Nothing newer, or tags unknown: no action.
  assert.equal(
    updatePatchesAction(
      analysis,
      () => ({}),
      () => undefined,
    ),
    undefined,
  );
});
