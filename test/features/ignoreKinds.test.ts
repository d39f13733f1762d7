// "Ignore <rule> for this line" in every file kind: the comment goes where that kind's extractor
// reads it (above the key, in the kind's comment syntax), and applying it silences exactly that
// rule for that image while the file still parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument, evaluateRules } from '../../server/src/core/analyze';
import { LineIndex } from '../../server/src/core/lineIndex';
import { defaultPolicy } from '../../server/src/core/settings';
import type { ImageFileKind, Range } from '../../server/src/core/types';
import { planCodeActions } from '../../server/src/features/codeActions';

const EVERYWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

function findingsOf(text: string, kind: ImageFileKind, fileName?: string) {
  const analysis = analyzeDocument(text, kind, () => undefined, { fileName });
  const findings = evaluateRules(analysis, defaultPolicy(), { online: false });
  return { analysis, findings };
}

function ignoreActions(text: string, kind: ImageFileKind, fileName?: string) {
  const { analysis, findings } = findingsOf(text, kind, fileName);
  return planCodeActions({
    text,
    analysis,
    range: EVERYWHERE,
    findings,
    factsFor: () => ({}),
    policy: defaultPolicy(),
  }).filter((a) => a.title.startsWith('Ignore '));
}

function apply(text: string, edit: { range: Range; newText: string }): string {
  const lines = new LineIndex(text);
  return text.slice(0, lines.offsetAt(edit.range.start)) + edit.newText + text.slice(lines.offsetAt(edit.range.end));
}

const CASES: Array<{ name: string; kind: ImageFileKind; fileName?: string; text: string; comment: RegExp }> = [
  {
    name: 'Kubernetes',
    kind: 'kubernetes',
    text: 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: web\n      image: nginx:latest\n    - name: cache\n      image: redis:latest\n',
    comment: /^ {6}# image-trust-ignore=latest-tag\n {6}image: nginx:latest$/m,
  },
  {
    name: 'Helm values (split: above the image: key, not the tag: line)',
    kind: 'helm-values',
    text: 'image:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: latest\nsidecarImage: redis:latest\n',
    comment: /^# image-trust-ignore=latest-tag\nimage:$/m,
  },
  {
    name: 'GitHub Actions',
    kind: 'github-actions',
    text: 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container:\n      image: node:latest\n    services:\n      db: postgres:latest\n    steps:\n      - run: true\n',
    comment: /^ {6}# image-trust-ignore=latest-tag\n {6}image: node:latest$/m,
  },
  {
    name: 'GitLab CI',
    kind: 'gitlab-ci',
    text: 'image:\n  name: ruby:latest\nservices:\n  - postgres:latest\ntest:\n  script: [true]\n',
    comment: /^ {2}# image-trust-ignore=latest-tag\n {2}name: ruby:latest$/m,
  },
  {
    name: 'dev container (a // comment in JSONC)',
    kind: 'devcontainer',
    text: '{\n  "name": "dev",\n  "image": "ubuntu:latest",\n  "features": { "ghcr.io/devcontainers/features/node:latest": {} }\n}\n',
    comment: /^ {2}\/\/ image-trust-ignore=latest-tag\n {2}"image": "ubuntu:latest",$/m,
  },
  {
    name: 'bake HCL',
    kind: 'bake',
    fileName: 'docker-bake.hcl',
    text: 'target "app" {\n  contexts = {\n    alpine = "docker-image://alpine:latest"\n    rust = "docker-image://rust:latest"\n  }\n}\n',
    comment: /^ {4}# image-trust-ignore=latest-tag\n {4}alpine = "docker-image:\/\/alpine:latest"$/m,
  },
];

for (const c of CASES) {
  test(`ignore in ${c.name}: applied, it silences latest-tag for that image only and the file still parses`, () => {
    const before = findingsOf(c.text, c.kind, c.fileName).findings.filter((f) => f.rule === 'latest-tag');
    assert.ok(before.length >= 2, 'two images with latest-tag to start with');
    const [first] = ignoreActions(c.text, c.kind, c.fileName).filter(
      (a) => a.title === 'Ignore latest-tag for this line',
    );
    assert.ok(first, 'an ignore action is offered');
    assert.equal(first.documentEdits.length, 1);
    const edited = apply(c.text, first.documentEdits[0]);
    assert.match(edited, c.comment);
    const after = findingsOf(edited, c.kind, c.fileName);
    assert.deepEqual(
      after.analysis.problems.filter((p) => p.code === 'invalid-document'),
      [],
      'the edited file parses',
    );
    assert.equal(after.findings.filter((f) => f.rule === 'latest-tag').length, before.length - 1);
    // The other rules of that image still report.
    assert.equal(
      after.findings.filter((f) => f.rule === 'unpinned-digest').length,
      findingsOf(c.text, c.kind, c.fileName).findings.filter((f) => f.rule === 'unpinned-digest').length,
    );
  });
}

test('a second ignore is merged into the // comment already above, in JSONC', () => {
  const text = '{\n  // image-trust-ignore=unpinned-digest\n  "image": "ubuntu:latest"\n}\n';
  const [ignore] = ignoreActions(text, 'devcontainer').filter((a) => a.title === 'Ignore latest-tag for this line');
  const edited = apply(text, ignore.documentEdits[0]);
  assert.equal(edited, '{\n  // image-trust-ignore=unpinned-digest,latest-tag\n  "image": "ubuntu:latest"\n}\n');
  assert.deepEqual(
    findingsOf(edited, 'devcontainer').findings.map((f) => f.rule),
    [],
  );
});

test('docker-bake.json cannot hold a comment: no ignore action is offered', () => {
  const text = '{"target": {"app": {"contexts": {"alpine": "docker-image://alpine:latest"}}}}\n';
  assert.ok(findingsOf(text, 'bake', 'docker-bake.json').findings.some((f) => f.rule === 'latest-tag'));
  assert.deepEqual(ignoreActions(text, 'bake', 'docker-bake.json'), []);
});
