// Pinning in every kind rewrites only the reference: every other byte of the real files stays, and
// YAML edits keep the document parsing to the same structure (a property over generated layouts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseTree, getNodeValue } from 'jsonc-parser';
import { parseAllDocuments } from 'yaml';
import { analyzeDocument, evaluateRules } from '../../server/src/core/analyze';
import type { ImageFacts } from '../../server/src/core/facts';
import { LineIndex } from '../../server/src/core/lineIndex';
import { defaultPolicy } from '../../server/src/core/settings';
import type { ImageFileKind } from '../../server/src/core/types';
import { planCodeActions } from '../../server/src/features/codeActions';
import { planPins } from '../../server/src/features/pin';

const D = `sha256:${'c'.repeat(64)}`;
const known: ImageFacts = { currentDigest: { state: 'known', value: D } };
const FIXTURES = join(__dirname, '..', 'fixtures', 'kinds');

/** Applies the pin plan of a document the way `image-trust pin` does. */
function pin(text: string, kind: ImageFileKind, fileName?: string): { text: string; edits: number } {
  const plan = planPins(analyzeDocument(text, kind, undefined, { fileName }), () => known);
  const lines = new LineIndex(text);
  let out = text;
  const edits = plan.edits
    .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), e }))
    .sort((a, b) => b.start - a.start);
  for (const { start, end, e } of edits) {
    assert.equal(out.slice(start, end), e.expectedText);
    out = out.slice(0, start) + e.newText + out.slice(end);
  }
  return { text: out, edits: edits.length };
}

/** Removes every `@sha256:…` the pin added: what is left must be the original, byte for byte. */
function unpin(text: string): string {
  return text.split(`@${D}`).join('');
}

const CASES: Array<[string, ImageFileKind, number]> = [
  ['k8s/cassandra-statefulset.yaml', 'kubernetes', 1],
  ['k8s/scalibr-comprehensive-test.yaml', 'kubernetes', 7],
  ['k8s/image-volumes.yaml', 'kubernetes', 2],
  ['k8s/prometheus-adapter.yaml', 'kubernetes', 1],
  ['gha/.github/workflows/postgres-service.yml', 'github-actions', 3],
  ['gitlab/.gitlab-ci.yml', 'gitlab-ci', 4],
  ['devcontainer/.devcontainer/devcontainer.json', 'devcontainer', 3],
  ['devcontainer/node/.devcontainer/devcontainer.json', 'devcontainer', 3],
  ['bake/docker-bake.hcl', 'bake', 2],
];

test('pin preserves every other byte of real YAML, JSONC and HCL files', () => {
  for (const [path, kind, count] of CASES) {
    const original = readFileSync(join(FIXTURES, path), 'utf8');
    const pinned = pin(original, kind, path);
    assert.equal(pinned.edits, count, path);
    assert.notEqual(pinned.text, original, path);
    // Latest-tag and untagged references gain ":latest" as well; everything else only the digest.
    assert.equal(
      unpin(pinned.text).replace(/:latest(?=[\s"',}\]])/g, ''),
      original.replace(/:latest(?=[\s"',}\]])/g, ''),
      path,
    );
    // Pinned twice is pinned once.
    assert.equal(pin(pinned.text, kind, path).edits, 0, path);
  }
});

test('pinned JSONC keeps its comments and parses to the same object with pinned keys', () => {
  const path = 'devcontainer/node/.devcontainer/devcontainer.json';
  const original = readFileSync(join(FIXTURES, path), 'utf8');
  const pinned = pin(original, 'devcontainer', path).text;
  assert.match(pinned, /\/\/ Configure tool-specific properties\./);
  const before = getNodeValue(parseTree(original, [], { allowTrailingComma: true })!);
  const after = getNodeValue(parseTree(pinned, [], { allowTrailingComma: true })!);
  assert.deepEqual(
    Object.keys(after.features),
    Object.keys(before.features).map((k) => `${k}@${D}`),
  );
  assert.deepEqual({ ...after, features: undefined }, { ...before, features: undefined });
});

test('Helm values: pin edits the tag (no digest key) in the real chart values and nothing else', () => {
  const original = readFileSync(join(FIXTURES, 'helm/node-exporter/values.yaml'), 'utf8');
  const pinned = pin(original, 'helm-values').text;
  const before = parseAllDocuments(original)[0].toJS();
  const after = parseAllDocuments(pinned)[0].toJS();
  assert.equal(after.kubeRBACProxy.image.tag, `${before.kubeRBACProxy.image.tag}@${D}`);
  assert.equal(after.permissionInitContainer.image.tag, `latest@${D}`);
  after.kubeRBACProxy.image.tag = before.kubeRBACProxy.image.tag;
  after.permissionInitContainer.image.tag = before.permissionInitContainer.image.tag;
  assert.deepEqual(after, before);
  assert.equal(unpin(pinned), original);
});

// ---- property: generated YAML layouts -------------------------------------------------------

const name = fc.constantFrom('nginx', 'library/redis', 'ghcr.io/o/app', 'registry.k8s.io/pause', 'quay.io/a/b-c');
const tag = fc.constantFrom('1.27', '3', 'v1.2.3', '1.0.0-alpine3.20', 'latest', '2024.10', '1e3', 'true', '010');
const quote = fc.constantFrom('', '"', "'");
const comment = fc.constantFrom('', ' # a comment', '  # image-trust-ignore=latest-tag');
const eol = fc.constantFrom('\n', '\r\n');

test('property: pinning any generated Kubernetes, workflow, GitLab or Helm layout keeps the YAML structure', () => {
  fc.assert(
    fc.property(name, tag, quote, comment, eol, fc.integer({ min: 0, max: 3 }), (n, t, q, c, nl, layout) => {
      const ref = `${n}:${t}`;
      const scalar = `${q}${ref}${q}`;
      const docs: Array<[ImageFileKind, string, (js: Json) => unknown]> = [
        [
          'kubernetes',
          `apiVersion: v1${nl}kind: Pod${nl}spec:${nl}  containers:${nl}  - name: a${nl}    image: ${scalar}${c}${nl}`,
          (js) => js.spec.containers[0].image,
        ],
        ['github-actions', `jobs:${nl}  a:${nl}    container: ${scalar}${c}${nl}`, (js) => js.jobs.a.container],
        ['gitlab-ci', `job:${nl}  services:${nl}    - name: ${scalar}${c}${nl}`, (js) => js.job.services[0].name],
        [
          'helm-values',
          layout % 2
            ? `image:${nl}  repository: ${n}${nl}  tag: ${q}${t}${q}${c}${nl}  digest: ${q}${q || '""'}${nl}`
            : `image:${nl}  repository: ${n}${nl}  tag: ${q}${t}${q}${c}${nl}`,
          (js) =>
            layout % 2
              ? `${js.image.repository}:${js.image.tag}@${js.image.digest}`
              : `${js.image.repository}:${js.image.tag}`,
        ],
      ];
      for (const [kind, text, valueOf] of docs) {
        const before = parseAllDocuments(text)[0];
        const read = kind === 'helm-values' ? before.toJS().image.tag : t;
        // YAML reads that tag as something else (1e3 is 1000, true a boolean): such a tag is not
        // pinned in place (its unit test says why).
        if (typeof read === 'boolean' || String(read) !== t) continue;
        const pinned = pin(text, kind);
        const after = parseAllDocuments(pinned.text)[0];
        assert.deepEqual(after.errors, [], pinned.text);
        assert.equal(pinned.edits, 1, text);
        assert.equal(valueOf(after.toJS()), `${ref}@${D}`, pinned.text);
        // Same structure: the same keys at the same paths; only the pinned scalar differs.
        assert.deepEqual(shape(after.toJS()), shape(before.toJS()));
        if (kind === 'helm-values' && layout % 2) {
          const dq = q || '"';
          assert.equal(pinned.text, text.replace(/digest: (""|'')/, `digest: ${dq}${D}${dq}`));
        } else assert.equal(unpin(pinned.text), text);
      }
    }),
    { numRuns: 150 },
  );
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML of a layout the test wrote
type Json = any;

function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  // A plain `tag: 1.27` is a number to YAML; pinned it becomes the string "1.27@sha256:…".
  return value === null ? 'null' : 'scalar';
}

test('Helm values: the pin and update titles say which keys they write (digest: key, or tag@digest in tag:)', () => {
  const withDigestKey = 'image:\n  repository: bitnami/nginx\n  tag: 1.27.3\n  digest: ""\n';
  const withoutDigestKey = 'image:\n  repository: bitnami/nginx\n  tag: 1.27.3\n';
  const everywhere = { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } };
  const titles = (text: string) => {
    const analysis = analyzeDocument(text, 'helm-values');
    const findings = evaluateRules(analysis, defaultPolicy(), { online: true, factsFor: () => known });
    const actions = planCodeActions({
      text,
      analysis,
      range: everywhere,
      findings,
      factsFor: () => known,
      policy: defaultPolicy(),
    });
    return actions.filter((a) => a.documentEdits.length && !a.title.startsWith('Ignore')).map((a) => a.title);
  };
  const keyed = titles(withDigestKey);
  assert.ok(keyed.length > 0);
  for (const t of keyed) assert.match(t, /\(sets tag: and digest:\)$/, t);
  const appended = titles(withoutDigestKey);
  assert.ok(appended.length > 0);
  for (const t of appended) assert.match(t, /\(no digest: key here: tag: becomes tag@digest\)$/, t);
  // And the edits do what the titles say.
  assert.match(pin(withDigestKey, 'helm-values').text, new RegExp(`tag: 1\\.27\\.3\\n  digest: "${D}"`));
  assert.match(pin(withoutDigestKey, 'helm-values').text, new RegExp(`tag: "?1\\.27\\.3@${D}"?\\n$`));
});
